/** The audit trail: who did what, when, from where, before and after; filters, pages, CSV export. */
import type { AuditLogPage } from '@dropgate/contract';
import { useState } from 'preact/hooks';
import { get, query } from '../api.ts';
import { PagedTable, when } from '../ui.tsx';

const FILTERS = ['actor', 'action', 'targetType', 'targetId', 'from', 'to'] as const;
type Filter = Record<(typeof FILTERS)[number], string>;

function change(value: unknown): string {
  return value === null || value === undefined ? '' : JSON.stringify(value);
}

export function AuditLog() {
  const params = new URLSearchParams(location.search);
  const [filter, setFilter] = useState<Filter>(Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? ''])) as Filter);
  const apply = (event: Event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(event.currentTarget as HTMLFormElement).entries()) as Record<string, string>;
    const next = Object.fromEntries(FILTERS.map((f) => [f, (data[f] ?? '').trim()])) as Filter;
    history.replaceState(null, '', `/console/activity${query(next)}`);
    setFilter(next);
  };
  return (
    <section>
      <h1>Activity: the audit trail</h1>
      <p class="muted">Every change a person or a key made, written with the change itself. Secrets are never recorded.</p>
      <form class="inline" onSubmit={apply} role="search">
        <label>Who<input name="actor" value={filter.actor} placeholder="operator:alice@example.com, key:deploy-bot" size={28} /></label>
        <label>Action<input name="action" value={filter.action} placeholder="order.refund" size={14} /></label>
        <label>Target<input name="targetType" value={filter.targetType} placeholder="order" size={9} /></label>
        <label>Target id<input name="targetId" value={filter.targetId} size={10} /></label>
        <label>From<input name="from" type="date" value={filter.from} /></label>
        <label>To<input name="to" type="date" value={filter.to} /></label>
        <button type="submit">Filter</button>
        <a class="button" href={`/console/v1/audit-log.csv${query(filter)}`} download>Export CSV</a>
      </form>
      <PagedTable
        label="Audit log"
        deps={[filter]}
        load={async (before) => {
          const r = await get<AuditLogPage>(`/console/v1/audit-log${query({ ...filter, before, limit: 50 })}`);
          return { rows: r.entries, next: r.nextBefore };
        }}
        empty="Nothing recorded matches."
        columns={[
          ['When', (e) => when(e.at)], ['Who', (e) => e.actor], ['From', (e) => e.ip ?? ''], ['Action', (e) => e.action],
          ['Target', (e) => `${e.targetType}${e.targetId ? ` ${e.targetId}` : ''}`],
          ['Before', (e) => <code class="change">{change(e.before)}</code>], ['After', (e) => <code class="change">{change(e.after)}</code>],
        ]}
      />
    </section>
  );
}
