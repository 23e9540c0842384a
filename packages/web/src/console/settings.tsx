import type { AuditReport, FxRates as FxRateList, KeyRevealsPage, Suppliers as SupplierList } from '@dropgate/contract';
import { get, patch, post, put } from '../api.ts';
import { Can, useCan } from '../session.tsx';
import { Field, Form, Link, Notice, PagedTable, useLoad, when } from '../ui.tsx';

export function FxRates() {
  const { data, error, reload } = useLoad(() => get<FxRateList>('/console/v1/fx'), []);
  return (
    <section>
      <h1>FX rates</h1>
      <p class="muted">USD per one unit of each currency; an order debits price × rate, rounded half-up to the cent.</p>
      <Notice error={error} />
      <table aria-label="FX rates">
        <thead><tr><th>Currency</th><th>USD per unit</th><th>Updated</th></tr></thead>
        <tbody>{data?.rates.map((r) => <tr><td>{r.currency}</td><td>{r.usdPerUnit}</td><td>{when(r.updatedAt)}</td></tr>)}</tbody>
      </table>
      <Can permission="fx">
        <Form submit="Set rate" onSubmit={async (d) => { await put(`/console/v1/fx/${d.currency}`, { usdPerUnit: d.usdPerUnit }); reload(); return 'Saved'; }}>
          <label>Currency<select name="currency">{['RUB', 'KZT', 'EUR'].map((c) => <option>{c}</option>)}</select></label>
          <Field label="USD per unit" name="usdPerUnit" placeholder="0.0108" required />
        </Form>
      </Can>
    </section>
  );
}

export function Suppliers() {
  const { data, error, reload } = useLoad(() => get<SupplierList>('/console/v1/suppliers'), []);
  const mayChange = useCan('suppliers');
  return (
    <section>
      <h1>Suppliers</h1>
      <Notice error={error} />
      <table aria-label="Suppliers">
        <thead><tr><th>Id</th><th>Kind</th><th>Name</th><th>URL</th><th>Token</th><th>Timeout</th><th>Status checks</th><th /></tr></thead>
        <tbody>
          {data?.suppliers.map((s) => (
            <tr><td>{s.id}</td><td>{s.kind}</td><td>{s.kind === 'telegram_stars' ? s.name : <Link href={`/console/suppliers/${s.id}/catalog`}>{s.name}</Link>}</td><td>{s.baseUrl}</td><td>{s.hasToken ? 'set' : '—'}</td><td>{s.timeoutMs} ms</td>
              <td>{s.statusAttempts} × {s.statusIntervalS} s</td>
              <td>{mayChange && <button onClick={() => {
                const url = prompt(`New URL for ${s.name}`, s.baseUrl);
                if (url) patch(`/console/v1/suppliers/${s.id}`, { url }).then(reload, (e: Error) => alert(e.message));
              }}>Change URL</button>}</td></tr>
          ))}
        </tbody>
      </table>
      <Can permission="suppliers">
        <h2>Add a supplier</h2>
        <Form submit="Add supplier" onSubmit={async (d) => {
          await post('/console/v1/suppliers', { kind: d.kind, name: d.name, url: d.url, ...(d.token && { token: d.token }) });
          reload();
          return 'Added';
        }}>
          <label>Kind<select name="kind"><option>codegames</option><option>gamesdrop</option></select></label>
          <Field label="Name" name="name" required />
          <Field label="Base URL" name="url" required size={30} />
          <Field label="Token" name="token" type="password" />
        </Form>
      </Can>
    </section>
  );
}

export function Audit() {
  const { data, error, reload } = useLoad(() => get<AuditReport>('/console/v1/audit'), []);
  return (
    <section>
      <h1>Audit</h1>
      <h2>Ledger and order invariants {data && (data.ok ? <span class="badge completed">all hold</span> : <span class="badge canceled">violations</span>)}</h2>
      <Notice error={error} />
      {data && data.violations.length > 0 && <ul>{data.violations.map((v) => <li>{v.invariant}: {v.detail}</li>)}</ul>}
      <button onClick={reload}>Check again</button>
      <Can permission="audit-trail">
        <h2>Key reveals</h2>
        <PagedTable
          label="Key reveals"
          deps={[]}
          load={async (before) => {
            const r = await get<KeyRevealsPage>(`/console/v1/key-reveals?limit=50${before ? `&before=${before}` : ''}`);
            return { rows: r.reveals, next: r.nextBefore };
          }}
          empty="No key was ever revealed."
          columns={[
            ['When', (r) => when(r.createdAt)], ['Who', (r) => r.actor], ['From', (r) => r.ip],
            ['Stock key', (r) => r.stockKeyId ?? ''], ['Order', (r) => r.orderId ?? ''],
          ]}
        />
      </Can>
    </section>
  );
}
