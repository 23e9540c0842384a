import type { OperatorOrder, OperatorOrdersPage, RevealedOrderKey } from '@dropgate/contract';
import { useState } from 'preact/hooks';
import { get, post, query } from '../api.ts';
import { navigate } from '../router.ts';
import { useCan } from '../session.tsx';
import { Field, Form, Link, Notice, PagedTable, Secret, Status, StatusSelect, useLoad, usd, when } from '../ui.tsx';


export function Orders() {
  const params = new URLSearchParams(location.search);
  const [filter, setFilter] = useState({
    q: params.get('q') ?? '', status: params.get('status') ?? '', merchantId: params.get('merchantId') ?? '', review: params.get('review') === 'true',
  });
  const apply = (event: Event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(event.currentTarget as HTMLFormElement).entries()) as Record<string, string>;
    const next = { q: data.q!.trim(), status: data.status!, merchantId: data.merchantId!.trim(), review: data.review === 'on' };
    history.replaceState(null, '', `/console/orders${query({ ...next, review: next.review || undefined })}`);
    setFilter(next);
  };
  return (
    <section>
      <h1>Orders</h1>
      <form class="inline" onSubmit={apply} role="search">
        <label>Search any id<input name="q" value={filter.q} placeholder="orderId, transactionId, txn_id, supplier id" size={36} /></label>
        <StatusSelect value={filter.status} />
        <label>Merchant id<input name="merchantId" value={filter.merchantId} size={6} /></label>
        <label class="check"><input type="checkbox" name="review" checked={filter.review} />In manual review</label>
        <button type="submit">Search</button>
      </form>
      <PagedTable
        label="Orders"
        deps={[filter]}
        load={async (before) => {
          const r = await get<OperatorOrdersPage>(`/console/v1/orders${query({ q: filter.q, status: filter.status, merchantId: filter.merchantId, review: filter.review || undefined, before, limit: 50 })}`);
          return { rows: r.orders, next: r.nextBefore };
        }}
        empty="No orders match."
        columns={[
          ['Order', (o) => <Link href={`/console/orders/${o.id}`}>{o.id}</Link>],
          ['Transaction', (o) => o.transactionId],
          ['Merchant / shop', (o) => `${o.merchantId} / ${o.shopId}`],
          ['Offer', (o) => `${o.productName} ${o.offerName}`],
          ['Price', (o) => `${o.price} ${o.currency}`],
          ['USD', (o) => usd(o.amountUsd)],
          ['Status', (o) => <><Status status={o.status} />{o.reviewReason && <span class="badge warn">review</span>}</>],
          ['Created', (o) => when(o.createdAt)],
        ]}
      />
    </section>
  );
}

export function OrderDetail(props: { id: number }) {
  const base = `/console/v1/orders/${props.id}`;
  const { data: o, error, reload } = useLoad(() => get<OperatorOrder>(base), [props.id]);
  const [key, setKey] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [mayReveal, mayRefund, mayReview] = [useCan('key-reveals'), useCan('refunds'), useCan('review')];
  if (!o) return <Notice error={error} />;
  return (
    <section>
      <h1>Order {o.id} <Status status={o.status} /></h1>
      <dl class="facts">
        <dt>Transaction id</dt><dd>{o.transactionId} ({o.protocol === 'codegames' ? `CodeGames txn_id; partner_txn_id ${o.id}` : 'Partner API'})</dd>
        <dt>Merchant / shop</dt><dd><Link href={`/console/merchants/${o.merchantId}`}>{o.merchantId}</Link> / {o.shopId}</dd>
        <dt>Offer</dt><dd><Link href={`/console/offers/${o.offerId}`}>{o.offerId}</Link> {o.productName} {o.offerName} × {o.count}</dd>
        <dt>Price</dt><dd>{o.price} {o.currency} (charged {o.chargedPrice}) at {o.usdPerUnit} = {usd(o.amountUsd)}</dd>
        {o.supplier && <><dt>Supplier</dt><dd>#{o.supplier.id} product {o.supplier.product}, cost {o.supplier.cost} {o.supplier.costCurrency} ({usd(o.supplier.costUsd ?? '?')}), our id {o.supplier.txnId}, theirs {o.supplier.upstreamRef ?? '—'}</dd></>}
        {o.marginUsd && <><dt>Margin</dt><dd>{usd(o.marginUsd)}</dd></>}
        <dt>Customer</dt><dd>{[o.customer.email, o.customer.gameUserId, o.customer.gameServerId].filter(Boolean).join(' · ') || '—'}</dd>
        {o.message && <><dt>Message</dt><dd>{o.message}</dd></>}
        {o.reviewReason && <><dt>Manual review</dt><dd class="warn">{o.reviewReason}</dd></>}
        {o.refundRequestedAt && <><dt>Refund requested</dt><dd>{when(o.refundRequestedAt)}: {o.refundRequestReason}</dd></>}
        <dt>Created</dt><dd>{when(o.createdAt)}</dd>
      </dl>
      {o.hasKey && mayReveal && (key ? <Secret label="Key" value={key} note="This reveal is recorded in the audit." /> : (
        <button onClick={() => post<RevealedOrderKey>(`${base}/reveal-key`).then((r) => setKey(r.key), setFailure)}>Reveal key (audited)</button>
      ))}
      <Notice error={failure} />
      {o.status === 'COMPLETED' && mayRefund && (
        <Form submit="Refund" onSubmit={async (d) => { await post(`${base}/refund`, { reason: d.reason }); reload(); return 'Refunded'; }}>
          <Field label="Refund reason" name="reason" required size={40} />
        </Form>
      )}
      {o.status === 'PROCESSING' && mayReview && (
        <div class="columns">
          <Form submit="Complete" onSubmit={async (d) => { await post(`${base}/complete`, { ...(d.key && { key: d.key }), ...(d.reason && { reason: d.reason }) }); reload(); return 'Completed'; }}>
            <Field label="Key from the supplier" name="key" size={30} />
            <Field label="Note" name="reason" />
          </Form>
          <Form submit="Cancel and refund" onSubmit={async (d) => { await post(`${base}/cancel`, { reason: d.reason }); reload(); return 'Canceled'; }}>
            <Field label="Cancel reason" name="reason" required />
          </Form>
        </div>
      )}
      <h2>History</h2>
      <table aria-label="Order events">
        <thead><tr><th>When</th><th>From</th><th>To</th><th>Who</th><th>Why</th></tr></thead>
        <tbody>{o.events.map((e) => <tr><td>{when(e.at)}</td><td>{e.from ?? '—'}</td><td>{e.to}</td><td>{e.actor}</td><td>{e.reason}</td></tr>)}</tbody>
      </table>
      <p><button class="link" onClick={() => navigate('/console/orders')}>← All orders</button></p>
    </section>
  );
}
