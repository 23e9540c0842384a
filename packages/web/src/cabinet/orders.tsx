import type { MerchantOrderDetail, MerchantOrdersPage, RevealedOrderKey } from '@dropgate/contract';
import { useState } from 'preact/hooks';
import { get, post, query } from '../api.ts';
import { Link, Notice, PagedTable, Secret, Status, StatusSelect, useLoad, usd, when } from '../ui.tsx';

export function Orders() {
  const [filter, setFilter] = useState({ q: '', status: '' });
  const apply = (event: Event) => {
    event.preventDefault();
    const d = Object.fromEntries(new FormData(event.currentTarget as HTMLFormElement).entries()) as Record<string, string>;
    setFilter({ q: d.q!.trim(), status: d.status! });
  };
  return (
    <section>
      <h1>Orders</h1>
      <form class="inline" onSubmit={apply} role="search">
        <label>Order or transaction id<input name="q" size={30} /></label>
        <StatusSelect />
        <button type="submit">Search</button>
      </form>
      <PagedTable
        label="Orders"
        deps={[filter]}
        load={async (before) => {
          const r = await get<MerchantOrdersPage>(`/cabinet/v1/orders${query({ ...filter, before, limit: 50 })}`);
          return { rows: r.orders, next: r.nextBefore };
        }}
        empty="No orders match."
        columns={[
          ['Order', (o) => <Link href={`/cabinet/orders/${o.id}`}>{o.id}</Link>], ['Transaction', (o) => o.transactionId],
          ['Product', (o) => `${o.productName} ${o.offerName}`], ['Price', (o) => `${o.chargedPrice} ${o.currency}`],
          ['Debited', (o) => usd(o.amountUsd)], ['Status', (o) => <Status status={o.status} />], ['Created', (o) => when(o.createdAt)],
        ]}
      />
    </section>
  );
}

export function OrderDetail(props: { id: number }) {
  const { data: o, error } = useLoad(() => get<MerchantOrderDetail>(`/cabinet/v1/orders/${props.id}`), [props.id]);
  const [key, setKey] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  if (!o) return <Notice error={error} />;
  return (
    <section>
      <h1>Order {o.id} <Status status={o.status} /></h1>
      <dl class="facts">
        <dt>Transaction id</dt><dd>{o.transactionId}</dd>
        <dt>Product</dt><dd>{o.productName} {o.offerName} × {o.count}</dd>
        <dt>Price</dt><dd>{o.chargedPrice} {o.currency}, debited {usd(o.amountUsd)}</dd>
        {o.message && <><dt>Message</dt><dd>{o.message}</dd></>}
        <dt>Created</dt><dd>{when(o.createdAt)}</dd>
      </dl>
      {o.hasKey && (key ? <Secret label="Key" value={key} note="Keep it safe; this view is recorded." /> : (
        <button onClick={() => post<RevealedOrderKey>(`/cabinet/v1/orders/${o.id}/reveal-key`).then((r) => setKey(r.key), setFailure)}>Show key</button>
      ))}
      <Notice error={failure} />
      <h2>History</h2>
      <table aria-label="Order history">
        <thead><tr><th>When</th><th>From</th><th>To</th></tr></thead>
        <tbody>{o.events.map((e) => <tr><td>{when(e.at)}</td><td>{e.from ?? '—'}</td><td>{e.to}</td></tr>)}</tbody>
      </table>
    </section>
  );
}
