import type { CabinetOverview, CreatedShop, ShopToken } from '@dropgate/contract';
import { useState } from 'preact/hooks';
import { get, post } from '../api.ts';
import { navigate } from '../router.ts';
import { Can, useCan } from '../session.tsx';
import { Field, Form, Notice, Secret, Stat, useLoad, usd, when } from '../ui.tsx';

export function Overview(props: { onToken: (t: { shopId: number; token: string }) => void }) {
  const { data, error, reload } = useLoad(() => get<CabinetOverview>('/cabinet/v1/overview'), []);
  const [shown, setShown] = useState<{ shop: string; token: string } | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const mayRotate = useCan('merchant.integration');
  if (!data) return <Notice error={error} />;
  return (
    <section>
      <h1>{data.merchant.name}</h1>
      <div class="stats">
        <Stat label="Balance" value={<span data-testid="balance">{usd(data.balance)}</span>} />
        <Stat label="Draft balance (orders in flight)" value={<span data-testid="draft-balance">{usd(data.draftBalance)}</span>} />
      </div>
      <h2>Shops and API tokens</h2>
      <p class="muted">A token is shown once, when it is made. Rotating it stops the old token at once.</p>
      {shown && <Secret label={`New token of ${shown.shop}`} value={shown.token} />}
      <Notice error={failure} />
      <table aria-label="Shops">
        <thead><tr><th>Shop</th><th>Id</th><th>Token made</th><th>Rate limit</th><th>IP allowlist</th><th /></tr></thead>
        <tbody>
          {data.shops.map((s) => (
            <tr><td>{s.name}</td><td>{s.id}</td><td>{when(s.tokenRotatedAt)}</td>
              <td>{s.rateLimit === null ? 'not limited' : `${s.rateLimit} calls / ${s.rateLimitWindowSeconds} s`}</td>
              <td>{s.ipAllowlist.length === 0 ? 'any address' : s.ipAllowlist.join(', ')}</td><td>
              {mayRotate && <button onClick={async () => {
                if (!confirm(`Make a new token for ${s.name}? The current token stops working at once.`)) return;
                try {
                  const r = await post<ShopToken>(`/cabinet/v1/shops/${s.id}/rotate-token`);
                  setShown({ shop: s.name, token: r.token });
                  props.onToken({ shopId: s.id, token: r.token });
                  reload();
                } catch (e) {
                  setFailure(e);
                }
              }}>Rotate token</button>}
            </td></tr>
          ))}
        </tbody>
      </table>
      {shown && mayRotate && <p><button class="link" onClick={() => navigate('/cabinet/api')}>Try it: API quick-start with this token →</button></p>}
      <Can permission="merchant.shops">
        <Form submit="Create shop" onSubmit={async (d) => {
          const shop = await post<CreatedShop>('/cabinet/v1/shops', { name: d.name });
          setShown({ shop: shop.name, token: shop.token });
          props.onToken({ shopId: shop.id, token: shop.token });
          reload();
        }}>
          <Field label="New shop name" name="name" required />
        </Form>
      </Can>
    </section>
  );
}
