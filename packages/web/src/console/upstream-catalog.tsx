import type { ImportCatalog, Suppliers as SupplierList, SupplierCatalogPage, SupplierSync, SupplierSyncs } from '@dropgate/contract';
import { useEffect, useState } from 'preact/hooks';
import { get, post, query } from '../api.ts';
import { Can } from '../session.tsx';
import { Field, Form, Link, Notice, PagedTable, SearchBox, useLoad, when } from '../ui.tsx';

const PAGE = 50;

/** One supplier's own catalog: its syncs (start one, confirm or discard a held one), its offers, an import. */
export function UpstreamCatalog(props: { id: number }) {
  const [search, setSearch] = useState('');
  const [version, setVersion] = useState(0);
  const { data, error, reload } = useLoad(
    () => Promise.all([get<SupplierList>('/console/v1/suppliers'), get<SupplierSyncs>(`/console/v1/suppliers/${props.id}/syncs`)]),
    [props.id, version],
  );
  const supplier = data?.[0].suppliers.find((s) => s.id === props.id);
  const syncs = data?.[1].syncs ?? [];
  const running = syncs.some((s) => s.status === 'running');
  const refresh = () => setVersion((v) => v + 1);
  // Follow a running sync's progress; the offers reload when a sync is applied, not on every poll.
  // The next look is taken once this one has answered: a look slower than the interval (a busy
  // hub) is never replaced by the next before it shows.
  useEffect(() => {
    if (!running) return undefined;
    const timer = setTimeout(refresh, 500);
    return () => clearTimeout(timer);
  }, [data]);
  const applied = syncs.find((s) => s.status === 'applied' || s.status === 'confirmed')?.id;
  const act = (sync: SupplierSync, what: 'confirm' | 'discard') =>
    post(`/console/v1/suppliers/${props.id}/syncs/${sync.id}/${what}`, {}).then(refresh, (e: Error) => alert(e.message));
  return (
    <section>
      <h1>Upstream catalog{supplier ? `: ${supplier.name}` : ''}</h1>
      <p class="muted">The supplier's offers as its last applied sync saw them. A sync changes nothing if the upstream fails, answers garbage, or
        would lose more than {supplier?.catalogMaxMissingPercent ?? 20} % of the listing: then it waits here for you.</p>
      <Notice error={error} />
      <Can permission="suppliers">
        <button disabled={running} onClick={() => post(`/console/v1/suppliers/${props.id}/syncs`, {}).then(refresh, (e: Error) => alert(e.message))}>Sync now</button>
      </Can>
      <h2>Syncs</h2>
      <table aria-label="Syncs">
        <thead><tr><th>Id</th><th>Status</th><th>Started</th><th>By</th><th>Read</th><th>Added</th><th>Changed</th><th>Gone</th><th>Missing</th><th>Error</th><th /></tr></thead>
        <tbody>
          {syncs.map((s) => (
            <tr>
              <td>{s.id}</td><td><span class={`badge ${s.status}`}>{s.status}</span></td><td>{when(s.startedAt)}</td><td>{s.startedBy}</td>
              <td>{s.seen}</td><td>{s.added}</td><td>{s.changed}</td><td>{s.gone}</td><td>{s.missingPercent === null ? '' : `${s.missingPercent} %`}</td><td>{s.error ?? ''}</td>
              <td>{s.status === 'held' && (
                <Can permission="suppliers">
                  <button onClick={() => act(s, 'confirm')}>Confirm sync {s.id}</button> <button onClick={() => act(s, 'discard')}>Discard sync {s.id}</button>
                </Can>
              )}</td>
            </tr>
          ))}
          {data && syncs.length === 0 && <tr><td colSpan={11} class="muted">Never synced.</td></tr>}
        </tbody>
      </table>
      <h2>Offers</h2>
      <SearchBox label="Search the catalog" value={search} onSearch={setSearch} />
      <PagedTable
        label="Upstream offers"
        first="First"
        deps={[props.id, search, applied]}
        load={async (page = 1) => {
          const found = await get<SupplierCatalogPage>(`/console/v1/suppliers/${props.id}/catalog${query({ q: search, page, limit: PAGE })}`);
          return { rows: found.offers, next: page * PAGE < found.total ? page + 1 : null };
        }}
        empty="No offers."
        columns={[
          ['Upstream id', (o) => o.upstreamId], ['Product', (o) => o.productName], ['Offer', (o) => o.offerName], ['Category', (o) => o.category],
          ['Region', (o) => o.regionCode], ['Cost', (o) => `${o.cost} ${o.costCurrency}`], ['In stock', (o) => (o.inStock ? 'yes' : 'no')],
          ['Changed', (o) => when(o.changedAt)],
        ]}
      />
      <Can permission="catalog">
        <h2>Import as own offers</h2>
        <p class="muted">Every listed offer matching the filters and not linked yet becomes an offer of yours, priced from its cost: by the
          margin, fixed and rounding given here (its own rule), or, left empty, by the <Link href="/console/pricing-rules">pricing rules</Link>.</p>
        <Form submit="Import" onSubmit={async (d) => {
          const body: ImportCatalog = {
            ...(d.category && { category: d.category }), ...(d.search && { search: d.search }), ...(d.region && { regionCode: d.region }),
            ...(d.currency && { currency: d.currency as NonNullable<ImportCatalog['currency']> }), ...(d.margin && { marginPercent: d.margin }),
            ...(d.fixed && { fixed: d.fixed }), ...(d.rounding && { rounding: d.rounding as NonNullable<ImportCatalog['rounding']> }),
          };
          const result = await post<{ imported: number; firstOfferId: number | null; lastOfferId: number | null }>(`/console/v1/suppliers/${props.id}/catalog/import`, body);
          reload();
          return result.imported === 0 ? 'Nothing to import' : `Imported ${result.imported} offers: ids ${result.firstOfferId} to ${result.lastOfferId}`;
        }}>
          <Field label="Category" name="category" />
          <Field label="Name contains" name="search" />
          <Field label="Region code" name="region" size={6} />
          <label>Sale currency<select name="currency"><option value="">as upstream</option>{['USD', 'EUR', 'RUB', 'KZT'].map((c) => <option>{c}</option>)}</select></label>
          <Field label="Margin %" name="margin" placeholder="12" size={6} />
          <Field label="Fixed" name="fixed" placeholder="0.30" size={6} />
          <label>Rounding<select name="rounding"><option value="">by the rules (or cent)</option><option>cent</option><option>unit</option><option>ninety-nine</option></select></label>
        </Form>
      </Can>
    </section>
  );
}
