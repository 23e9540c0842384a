import type {
  OfferSources, OffersImported, OperatorOffer, OperatorOffers, OperatorOfferWithStock, RevealedStockKey, StockAdded, StockKeysPage, Suppliers,
} from '@dropgate/contract';
import { useState } from 'preact/hooks';
import { get, post, put, query } from '../api.ts';
import { Can, useCan } from '../session.tsx';
import { Field, Form, Link, Notice, PagedTable, SearchBox, Secret, useLoad, when } from '../ui.tsx';
import { parseCsv } from './csv.ts';

const PAGE = 50;

/** The catalog a page at a time, searchable by product or offer name: usable at 100,000 offers. */
export function Offers() {
  const [search, setSearch] = useState('');
  const [version, setVersion] = useState(0);
  const reload = () => setVersion((v) => v + 1);
  return (
    <section>
      <h1>Catalog</h1>
      <SearchBox label="Search offers" value={search} onSearch={setSearch} placeholder="id, product or offer name" />
      <PagedTable
        label="Offers"
        first="First"
        deps={[search, version]}
        load={async (after) => {
          const page = await get<OperatorOffers>(`/console/v1/offers${query({ q: search, after, limit: PAGE })}`);
          return { rows: page.offers, next: page.nextAfter };
        }}
        empty="No offers."
        columns={[
          ['Id', (o) => <Link href={`/console/offers/${o.id}`}>{o.id}</Link>], ['Product', (o) => <Link href={`/console/products/${o.productId}`}>{o.productName}</Link>],
          ['Offer', (o) => o.offerName], ['Price', (o) => `${o.price} ${o.currency}`],
          ['Access', (o) => (o.merchants === 'all' ? 'all' : `${o.merchants.length} merchant(s)`)], ['Keys available', (o) => (o.sandbox ? '∞' : o.stock.available)],
          ['Sold', (o) => o.stock.sold],
        ]}
      />
      <Can permission="catalog">
        <h2>Create or change an offer</h2>
        <Form submit="Save offer" onSubmit={async (d) => {
          const offer = await put<OperatorOffer>(`/console/v1/offers/${d.id}`, { productName: d.productName, offerName: d.offerName, price: d.price, currency: d.currency });
          reload();
          return `Saved offer ${offer.id}`;
        }}>
          <Field label="Offer id" name="id" required size={8} />
          <Field label="Product" name="productName" required />
          <Field label="Offer name" name="offerName" required />
          <Field label="Price" name="price" required size={8} />
          <label>Currency<select name="currency">{['USD', 'RUB', 'KZT', 'EUR'].map((c) => <option>{c}</option>)}</select></label>
        </Form>
        <CsvImport onDone={reload} />
      </Can>
    </section>
  );
}

const BATCH = 100;

/** Parses the file here, sends rows in batches (progress), and lists every row the hub refused. */
function CsvImport(props: { onDone: () => void }) {
  const [state, setState] = useState<{ done: number; total: number; imported: number; rejected: Array<{ line: number; field: string; message: string }>; error?: unknown } | null>(null);
  const run = async (file: File) => {
    const records = parseCsv(await file.text());
    const [header, ...rows] = records;
    if (!header) return setState({ done: 0, total: 0, imported: 0, rejected: [], error: new Error('the file is empty') });
    const names = header.cells.map((c) => c.trim());
    let imported = 0;
    const rejected: Array<{ line: number; field: string; message: string }> = [];
    setState({ done: 0, total: rows.length, imported, rejected });
    for (let i = 0; i < rows.length; i += BATCH) {
      const batch = rows.slice(i, i + BATCH).map((r) => ({ line: r.line, fields: Object.fromEntries(names.map((n, j) => [n, r.cells[j] ?? ''])) }));
      try {
        const answer = await post<OffersImported>('/console/v1/offers/import', { rows: batch });
        imported += answer.imported;
        rejected.push(...answer.rejected);
      } catch (error) {
        return setState({ done: i, total: rows.length, imported, rejected, error });
      }
      setState({ done: Math.min(i + BATCH, rows.length), total: rows.length, imported, rejected: [...rejected] });
    }
    props.onDone();
  };
  const report = state && state.rejected.length > 0
    ? URL.createObjectURL(new Blob([`line,field,message\n${state.rejected.map((r) => `${r.line},${r.field},"${r.message.replaceAll('"', '""')}"`).join('\n')}\n`], { type: 'text/csv' }))
    : null;
  return (
    <div>
      <h2>Import offers from CSV</h2>
      <p class="muted">Header row with columns <code>id, productName</code> (or <code>productId</code>)<code>, offerName, price, currency</code> and optionally <code>count, returnsKey, requiresGameUserId, merchants</code> ("all" or ids separated by ";"), <code>commission</code>; the product's <code>category, platformCode, platformName, regionCode, regionName, regionalLimitations, excludedCountryCodes</code> ("RU;BY"); the offer's <code>servers</code> ("2010=Asia;2011=Europe"). Empty cells change nothing.</p>
      <label>CSV file<input type="file" accept=".csv,text/csv" onChange={(e) => { const f = e.currentTarget.files?.[0]; if (f) void run(f); }} /></label>
      {state && (
        <div class="import">
          <progress max={state.total || 1} value={state.done} /> <span role="status">{state.done} / {state.total} rows; {state.imported} imported, {state.rejected.length} rejected</span>
          <Notice error={state.error} />
          {state.rejected.length > 0 && (
            <>
              <table aria-label="Rejected rows">
                <thead><tr><th>Line</th><th>Field</th><th>Problem</th></tr></thead>
                <tbody>{state.rejected.map((r) => <tr><td>{r.line}</td><td>{r.field}</td><td>{r.message}</td></tr>)}</tbody>
              </table>
              {report && <a href={report} download="rejected-rows.csv">Download the report</a>}
            </>
          )}
        </div>
      )}
    </div>
  );
}

export function OfferDetail(props: { id: number }) {
  const base = `/console/v1/offers/${props.id}`;
  const { data, error, reload } = useLoad(() => Promise.all([get<OperatorOfferWithStock>(base), get<OfferSources>(`${base}/sources`), get<Suppliers>('/console/v1/suppliers')]), [props.id]);
  const [revealed, setRevealed] = useState<{ id: number; key: string } | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [keysVersion, setKeysVersion] = useState(0);
  const [mayChange, mayReveal] = [useCan('catalog'), useCan('key-reveals')];
  if (!data) return <Notice error={error} />;
  const [offer, sources, suppliers] = data;
  return (
    <section>
      <h1>Offer {offer.id}: {offer.productName} {offer.offerName}</h1>
      <dl class="facts">
        <dt>Product</dt><dd><Link href={`/console/products/${offer.productId}`}>{offer.productName}</Link></dd>
        <dt>Price</dt><dd>{offer.price} {offer.currency}</dd>
        <dt>Stock</dt><dd data-testid="stock">{offer.stock.available} available, {offer.stock.sold} sold</dd>
        <dt>Access</dt><dd>{offer.merchants === 'all' ? 'all merchants' : `merchants ${offer.merchants.join(', ')}`}</dd>
        <dt>Commission</dt><dd>{offer.commission}%</dd>
        <dt>Game servers</dt><dd data-testid="servers">{serverList(offer.servers) || 'none: a player names no server'}</dd>
      </dl>
      {!offer.sandbox && mayChange && <ServersForm offerId={offer.id} servers={offer.servers} onDone={reload} />}
      {!offer.sandbox && mayChange && <KeyUpload offerId={offer.id} onDone={() => { reload(); setKeysVersion((v) => v + 1); }} />}
      <h2>Keys</h2>
      <p class="muted">Keys are sealed at rest and never listed; each reveal is recorded in the audit.</p>
      {revealed && <Secret label={`Key ${revealed.id}`} value={revealed.key} note="This reveal is recorded in the audit." />}
      <Notice error={failure} />
      <PagedTable
        label="Stock keys"
        deps={[props.id, keysVersion]}
        load={async (before) => {
          const r = await get<StockKeysPage>(`${base}/keys?limit=25${before ? `&before=${before}` : ''}`);
          return { rows: r.keys, next: r.nextBefore };
        }}
        empty="No keys."
        columns={[
          ['Key id', (k) => k.id], ['Added', (k) => when(k.createdAt)],
          ['Order', (k) => (k.orderId ? <Link href={`/console/orders/${k.orderId}`}>{k.orderId}</Link> : 'available')],
          ['', (k) => mayReveal && <button onClick={() => post<RevealedStockKey>(`/console/v1/stock-keys/${k.id}/reveal`).then((r) => setRevealed({ id: k.id, key: r.key }), setFailure)}>Reveal</button>],
        ]}
      />
      <h2>Upstream sources (tried in order, after own stock)</h2>
      <table aria-label="Sources">
        <thead><tr><th>#</th><th>Supplier</th><th>Product</th><th>Cost</th></tr></thead>
        <tbody>{sources.sources.map((s) => <tr><td>{s.position}</td><td>{s.supplierId}</td><td>{s.supplierProductId}</td><td>{s.cost} {s.costCurrency}</td></tr>)}</tbody>
      </table>
      {mayChange && (
        <Form submit="Add source" onSubmit={async (d) => {
          await post(`${base}/sources`, { supplierId: Number(d.supplierId), product: d.product, cost: d.cost });
          reload();
          return 'Added';
        }}>
          <label>Supplier<select name="supplierId">{suppliers.suppliers.map((s) => <option value={s.id}>{s.name}</option>)}</select></label>
          <Field label="Supplier product id" name="product" required />
          <Field label={`Cost (${offer.currency})`} name="cost" required size={8} />
        </Form>
      )}
    </section>
  );
}

const serverList = (servers: Record<string, string>) => Object.entries(servers).map(([id, name]) => `${id} ${name}`).join(', ');

/** The servers as lines of ID=NAME, replaced whole; no lines: no servers. */
function ServersForm(props: { offerId: number; servers: Record<string, string>; onDone: () => void }) {
  const lines = Object.entries(props.servers).map(([id, name]) => `${id}=${name}`).join('\n');
  return (
    <div>
      <h2>Game servers</h2>
      <p class="muted">When an offer lists servers, a player must name one of them (gameServerId); merchants read them through the servers call.</p>
      <Form class="stacked" submit="Save servers" onSubmit={async (d) => {
        const saved = await put<OperatorOffer>(`/console/v1/offers/${props.offerId}/servers`, { servers: parseServers(d.servers ?? '') });
        props.onDone();
        return `Saved: ${serverList(saved.servers) || 'no servers'}`;
      }}>
        <label>Servers, one per line: id=name<textarea name="servers" rows={4} value={lines} placeholder={'2010=Asia\n2011=Europe'} /></label>
      </Form>
    </div>
  );
}

function parseServers(text: string): Record<string, string> {
  const servers: Record<string, string> = {};
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    const at = line.indexOf('=');
    const [id, name] = [line.slice(0, at).trim(), line.slice(at + 1).trim()];
    if (at < 0 || id === '' || name === '') throw new Error(`line ${i + 1}: "${line.trim()}" is not id=name`);
    servers[id] = name;
  }
  return servers;
}

const KEY_BATCH = 1000;

/** Keys pasted or from a file, one per line, sent in batches with progress. */
function KeyUpload(props: { offerId: number; onDone: () => void }) {
  const [progress, setProgress] = useState<{ sent: number; total: number; added: number; duplicates: number; error?: unknown } | null>(null);
  const upload = async (text: string) => {
    const keys = text.split(/\r?\n/).map((k) => k.trim()).filter(Boolean);
    let added = 0;
    let duplicates = 0;
    setProgress({ sent: 0, total: keys.length, added, duplicates });
    for (let i = 0; i < keys.length; i += KEY_BATCH) {
      try {
        const r = await post<StockAdded>(`/console/v1/offers/${props.offerId}/stock`, { keys: keys.slice(i, i + KEY_BATCH) });
        added += r.added;
        duplicates += r.duplicates;
      } catch (error) {
        return setProgress({ sent: i, total: keys.length, added, duplicates, error });
      }
      setProgress({ sent: Math.min(i + KEY_BATCH, keys.length), total: keys.length, added, duplicates });
    }
    props.onDone();
  };
  return (
    <div>
      <h2>Upload keys</h2>
      <form class="stacked" onSubmit={(e) => { e.preventDefault(); const t = (e.currentTarget.elements.namedItem('keys') as HTMLTextAreaElement); void upload(t.value).then(() => { t.value = ''; }); }}>
        <label>Keys, one per line<textarea name="keys" rows={4} /></label>
        <label>or a file<input type="file" accept=".txt,.csv,text/plain" onChange={(e) => { const f = e.currentTarget.files?.[0]; if (f) void f.text().then(upload); }} /></label>
        <button type="submit">Upload keys</button>
      </form>
      {progress && (
        <p role="status"><progress max={progress.total || 1} value={progress.sent} /> {progress.sent} / {progress.total} sent: {progress.added} added, {progress.duplicates} duplicates</p>
      )}
      <Notice error={progress?.error} />
    </div>
  );
}
