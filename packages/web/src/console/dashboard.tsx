import type { Dashboard as DashboardAnswer } from '@dropgate/contract';
import { get } from '../api.ts';
import { Link, Notice, Stat, useLoad, usd } from '../ui.tsx';

export function Dashboard() {
  const { data, error } = useLoad(() => get<DashboardAnswer>('/console/v1/dashboard'), []);
  if (!data) return <Notice error={error} />;
  const d = data.last24h;
  const peak = Math.max(1, ...d.perHour.map((h) => h.orders));
  return (
    <section>
      <h1>Dashboard</h1>
      <div class="stats">
        <Stat label="Orders, last 24 h" value={d.orders} />
        <Stat label="Revenue (completed)" value={usd(d.revenueUsd)} />
        <Stat label="Margin (supplier orders)" value={usd(d.marginUsd)} />
        <Stat label="Waiting on suppliers" value={<Link href="/console/orders?status=PROCESSING">{data.waitingOnSuppliers}</Link>} />
        <Stat label="In manual review" value={<Link href="/console/orders?review=true">{data.inReview}</Link>} tone={data.inReview > 0 ? 'warn' : undefined} />
      </div>
      <h2>Orders per hour</h2>
      <div class="bars" aria-label="Orders per hour">
        {d.perHour.length === 0 && <p class="muted">No orders in the last 24 hours.</p>}
        {d.perHour.map((h) => (
          <div class="bar" title={`${new Date(h.hour).toLocaleString()}: ${h.orders} orders, ${usd(h.revenueUsd)}`}>
            <div style={{ height: `${Math.round((h.orders / peak) * 100)}%` }} />
            <small>{new Date(h.hour).getHours()}h</small>
          </div>
        ))}
      </div>
      <div class="columns">
        <div>
          <h2>Low stock (under {data.thresholds.lowStockKeys} keys, no supplier)</h2>
          <table aria-label="Low stock">
            <thead><tr><th>Offer</th><th>Name</th><th>Available</th></tr></thead>
            <tbody>
              {data.lowStock.map((o) => <tr><td><Link href={`/console/offers/${o.offerId}`}>{o.offerId}</Link></td><td>{o.productName} {o.offerName}</td><td>{o.available}</td></tr>)}
              {data.lowStock.length === 0 && <tr><td colSpan={3} class="muted">None</td></tr>}
            </tbody>
          </table>
        </div>
        <div>
          <h2>Low balances (under {usd(data.thresholds.lowBalanceUsd)})</h2>
          <table aria-label="Low balances">
            <thead><tr><th>Merchant</th><th>Balance</th></tr></thead>
            <tbody>
              {data.lowBalances.map((m) => <tr><td><Link href={`/console/merchants/${m.merchantId}`}>{m.name || m.merchantId}</Link></td><td>{usd(m.balance)}</td></tr>)}
              {data.lowBalances.length === 0 && <tr><td colSpan={2} class="muted">None</td></tr>}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}
