import type {
  Balances, CreatedShop, Deposited, Merchant, MerchantDetail as MerchantAnswer, MerchantUsers, MerchantUserWithPassword, Merchants as MerchantList, OfferAccessList,
  ShopLimits, ShopToken,
} from '@dropgate/contract';
import { useState } from 'preact/hooks';
import { get, post, put } from '../api.ts';
import { navigate } from '../router.ts';
import { Can, useCan } from '../session.tsx';
import { Field, Form, Link, Notice, Secret, Stat, useAct, useLoad, usd, when } from '../ui.tsx';
import { WebhooksOfShops } from '../webhooks.tsx';

export function Merchants() {
  const { data, error } = useLoad(() => Promise.all([get<MerchantList>('/console/v1/merchants'), get<Balances>('/console/v1/balances')]), []);
  const balance = new Map<number, string>((data?.[1].balances ?? []).map((b) => [b.merchantId, b.balance] as const));
  return (
    <section>
      <h1>Merchants</h1>
      <Can permission="merchants">
        <Form submit="Create merchant" onSubmit={async (d) => {
          const merchant = await post<Merchant>('/console/v1/merchants', { name: d.name });
          navigate(`/console/merchants/${merchant.id}`);
        }}>
          <Field label="Name" name="name" required />
        </Form>
      </Can>
      <Notice error={error} />
      <table aria-label="Merchants">
        <thead><tr><th>Id</th><th>Name</th><th>Balance</th><th>Since</th></tr></thead>
        <tbody>
          {data?.[0].merchants.map((m) => (
            <tr><td>{m.id}</td><td><Link href={`/console/merchants/${m.id}`}>{m.name}</Link></td><td>{usd(balance.get(m.id) ?? '0.00')}</td><td>{when(m.createdAt)}</td></tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function MerchantDetail(props: { id: number }) {
  const base = `/console/v1/merchants/${props.id}`;
  const { data, error, reload } = useLoad(() => Promise.all([get<MerchantAnswer>(base), get<MerchantUsers>(`${base}/users`)]), [props.id]);
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const manage = useCan('merchants');
  if (!data) return <Notice error={error} />;
  const [merchant, users] = data;
  return (
    <section>
      <h1>{merchant.name} <small class="muted">merchant {merchant.id}</small></h1>
      <div class="stats">
        <Stat label="Balance" value={usd(merchant.balance)} />
        <Stat label="Draft balance (in flight)" value={usd(merchant.draftBalance)} />
      </div>
      {secret && <Secret label={secret.label} value={secret.value} />}

      <Can permission="deposits">
        <h2>Deposit</h2>
        <Form submit="Deposit" onSubmit={async (d) => {
          const done = await post<Deposited>(`${base}/deposits`, { amount: d.amount, ...(d.description && { description: d.description }) });
          reload();
          return `Deposited; balance ${usd(done.balance)}`;
        }}>
          <Field label="Amount (USD)" name="amount" placeholder="100.00" required size={10} />
          <Field label="Description" name="description" placeholder="Wire 42" />
        </Form>
      </Can>

      <h2>Shops</h2>
      <table aria-label="Shops">
        <thead><tr><th>Id</th><th>Name</th><th>Token rotated</th><th>Rate limit</th><th>IP allowlist</th><th /></tr></thead>
        <tbody>
          {merchant.shops.map((s) => (
            <tr><td>{s.id}</td><td>{s.name}</td><td>{when(s.tokenRotatedAt)}</td><ShopLimitCells shopId={s.id} manage={manage} /><td>
              {manage && <button onClick={async () => {
                if (!confirm(`Rotate the token of ${s.name}? The old token stops working at once.`)) return;
                const r = await post<ShopToken>(`/console/v1/shops/${s.id}/rotate-token`);
                setSecret({ label: `New token of ${s.name}`, value: r.token });
                reload();
              }}>Rotate token</button>}
            </td></tr>
          ))}
        </tbody>
      </table>
      {manage && (
        <Form submit="Create shop" onSubmit={async (d) => {
          const shop = await post<CreatedShop>('/console/v1/shops', { merchantId: props.id, name: d.name });
          setSecret({ label: `Token of ${shop.name}`, value: shop.token });
          reload();
        }}>
          <Field label="Shop name" name="name" required />
        </Form>
      )}

      <h2>Webhooks</h2>
      {merchant.shops.length > 0 ? <WebhooksOfShops base="/console/v1" shops={merchant.shops} mayChange={manage} /> : <p class="muted">No shops yet.</p>}

      <h2>Cabinet users</h2>
      <table aria-label="Users">
        <thead><tr><th>Email</th><th>Role</th><th>Two-factor</th><th>Password set</th><th /></tr></thead>
        <tbody>
          {users.users.map((u) => (
            <tr><td>{u.email}</td><td>{u.role}</td><td>{u.twoFactor ? 'on' : 'off'}</td><td>{when(u.passwordSetAt)}</td><td>
              {manage && <button onClick={async () => {
                if (!confirm(`Reset the password of ${u.email}? They are signed out everywhere.`)) return;
                const r = await post<MerchantUserWithPassword>(`/console/v1/users/${u.id}/reset-password`);
                setSecret({ label: `New password for ${u.email}`, value: r.password });
                reload();
              }}>Reset password</button>}
            </td></tr>
          ))}
        </tbody>
      </table>
      {manage && (
        <Form submit="Create user" onSubmit={async (d) => {
          const user = await post<MerchantUserWithPassword>(`${base}/users`, { email: d.email, role: d.role });
          setSecret({ label: `First password for ${user.email}`, value: user.password });
          reload();
        }}>
          <Field label="Email" name="email" type="email" required />
          <label>Role<select name="role">{['owner', 'developer', 'accountant'].map((r) => <option>{r}</option>)}</select></label>
        </Form>
      )}

      <OfferAccess merchantId={props.id} />
    </section>
  );
}

/** The shop's rate limit and allowlist on the merchant APIs, each changed with a prompt. */
function ShopLimitCells(props: { shopId: number; manage: boolean }) {
  const path = `/console/v1/shops/${props.shopId}/limits`;
  const { data, error, reload } = useLoad(() => get<ShopLimits>(path), [props.shopId]);
  const { failure, act } = useAct(reload);
  if (!data) return <td colSpan={2}><Notice error={error} /></td>;
  const rate = data.effectiveRateLimit === null ? 'not limited' : `${data.effectiveRateLimit} / ${data.windowSeconds} s`;
  return (
    <>
      <td>{rate}{data.rateLimit === null && <small class="muted"> (default)</small>}
        {props.manage && <button onClick={() => {
          const value = prompt('Calls per window for this shop (empty: the deployment\'s default)', data.rateLimit === null ? '' : String(data.rateLimit));
          if (value === null) return;
          act(() => put(path, { rateLimit: value.trim() === '' ? null : Number(value.trim()) }));
        }}>Set rate</button>}
      </td>
      <td>{data.ipAllowlist.length === 0 ? 'any address' : data.ipAllowlist.join(', ')}
        {props.manage && <button onClick={() => {
          const value = prompt('Addresses or CIDR networks, comma-separated (empty: any address)', data.ipAllowlist.join(', '));
          if (value === null) return;
          act(() => put(path, { ipAllowlist: value.split(',').map((entry) => entry.trim()).filter(Boolean) }));
        }}>Set allowlist</button>}
        <Notice error={failure} />
      </td>
    </>
  );
}

function OfferAccess(props: { merchantId: number }) {
  const { data, error, reload } = useLoad(() => get<OfferAccessList>(`/console/v1/merchants/${props.merchantId}/offer-access`), [props.merchantId]);
  const { failure, act } = useAct(reload);
  const mayChange = useCan('catalog');
  return (
    <div>
      <h2>Offer access and commission</h2>
      <Notice error={error ?? failure} />
      <table aria-label="Offer access">
        <thead><tr><th>Offer</th><th>May buy</th><th>Commission (CodeGames)</th><th /></tr></thead>
        <tbody>
          {data?.offers.map((o) => (
            <tr>
              <td>{o.offerId} {o.productName} {o.offerName}</td>
              <td><label class="check"><input type="checkbox" checked={o.allowed} disabled={!mayChange} onChange={(e) => act(() => put(`/console/v1/offers/${o.offerId}/access/${props.merchantId}`, { allowed: e.currentTarget.checked }))} />
                {o.visibleToAll ? 'all merchants' : 'listed'}</label></td>
              <td>{o.merchantCommission ?? o.commission}%{o.merchantCommission !== null && ' (override)'}</td>
              <td>{mayChange && <button onClick={() => {
                const percent = prompt(`Commission for this merchant on offer ${o.offerId} in percent (empty: the offer's ${o.commission}%)`, o.merchantCommission ?? '');
                if (percent === null) return;
                act(() => put(`/console/v1/offers/${o.offerId}/commissions/${props.merchantId}`, { percent: percent.trim() === '' ? null : percent.trim() }));
              }}>Set commission</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
