import type { CabinetTransactionsPage } from '@dropgate/contract';
import { useState } from 'preact/hooks';
import { get, query } from '../api.ts';
import { PagedTable, usd, when } from '../ui.tsx';

export function Transactions() {
  const [filter, setFilter] = useState({ type: '', from: '', to: '', orderId: '' });
  const apply = (event: Event) => {
    event.preventDefault();
    const d = Object.fromEntries(new FormData(event.currentTarget as HTMLFormElement).entries()) as Record<string, string>;
    setFilter({ type: d.type!, from: d.from!, to: d.to!, orderId: d.orderId!.trim() });
  };
  const params = { type: filter.type, from: filter.from, to: filter.to, orderId: filter.orderId };
  return (
    <section>
      <h1>Transactions</h1>
      <form class="inline" onSubmit={apply} role="search">
        <label>Type<select name="type">{['', 'DEPOSIT', 'PURCHASE', 'REFUND'].map((t) => <option value={t}>{t || 'any'}</option>)}</select></label>
        <label>From (UTC day)<input type="date" name="from" /></label>
        <label>To (included)<input type="date" name="to" /></label>
        <label>Order id<input name="orderId" size={10} /></label>
        <button type="submit">Filter</button>
        <a class="button" href={`/cabinet/v1/transactions.csv${query(params)}`} download>Export CSV</a>
      </form>
      <PagedTable
        label="Transactions"
        deps={[filter]}
        load={async (before) => {
          const r = await get<CabinetTransactionsPage>(`/cabinet/v1/transactions${query({ ...params, before, limit: 50 })}`);
          return { rows: r.transactions, next: r.nextBefore };
        }}
        empty="No transactions match."
        columns={[
          ['When', (t) => when(t.createdAt)], ['Type', (t) => t.type], ['Amount', (t) => usd(t.amount)],
          ['Balance after', (t) => usd(t.balanceAfter)], ['Order', (t) => t.orderId ?? ''], ['Description', (t) => t.description],
        ]}
      />
    </section>
  );
}
