/**
 * `npm run bench:backoffice [-- --orders N]`: the back-office's lists, searches and dashboard over
 * 1,000,000 generated orders (and a ledger entry each), on a fresh database (embedded, or a new
 * database on DATABASE_URL's server). Each query is the hub's own: the module function runs
 * against a recording handle, and its exact SQL and parameters are then EXPLAINed (ANALYZE) and
 * timed (median and p95 of warm runs). Prints a table for docs/backoffice.md. Never in CI.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createPool, migrate } from '@dropgate/server';
import {
  listEntriesPage, listOrders, lowBalances, lowStock, ordersPerHour, readFunds, waitingCounts,
} from '@dropgate/server/queries';
import { createScratchDatabase } from '@dropgate/server/testing/database';

const { values } = parseArgs({ options: { orders: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '30' } } });
const ORDERS = Number(values.orders);
const RUNS = Number(values.runs);
const MERCHANTS = 200;

/** A fresh database: a new one on DATABASE_URL's server, or an embedded PostgreSQL of its own. */
const database = () => createScratchDatabase({ serverUrl: process.env.DATABASE_URL, prefix: 'dropgate_bench_bo' });

/**
 * Orders spread over 60 days (newest last) across 200 merchants, 90% COMPLETED, 4% CANCELED,
 * 3% REFUND, 3% PROCESSING (a third of those in review), a fifth with supplier ids.
 */
async function generate(pool: pg.Pool): Promise<void> {
  await pool.query(`INSERT INTO merchants (name) SELECT 'merchant ' || g FROM generate_series(1, ${MERCHANTS}) g`);
  await pool.query('INSERT INTO accounts (merchant_id, balance) SELECT id, (id * 7919) % 500000 FROM merchants');
  await pool.query(`INSERT INTO shops (merchant_id, name, token_hash) SELECT id, 'shop ' || id, sha256(id::text::bytea) FROM merchants`);
  await pool.query(`INSERT INTO products (id, name) SELECT 1000000 + g, 'Product ' || g FROM generate_series(1, 50) g`);
  await pool.query(`INSERT INTO offers (id, product_id, offer_name, price, currency) SELECT 5000 + g, 1000000 + g, 'Offer ' || g, 1000 + g, 'USD' FROM generate_series(1, 50) g`);
  await pool.query(`INSERT INTO stock_keys (offer_id, sealed, fingerprint) SELECT 5000 + (g % 50) + 1, '\\x00'::bytea, sha256(g::text::bytea) FROM generate_series(1, 20000) g`);
  await pool.query(`
    INSERT INTO orders (shop_id, merchant_id, transaction_id, offer_id, product_name, offer_name, count, price, currency, usd_per_unit,
                        amount_usd, sandbox, returns_key, status, review_reason, supplier_id, supplier_txn_id, upstream_ref, supplier_cost_usd,
                        protocol, charged_price, created_at, updated_at)
    SELECT m, m, 'txn-' || g, 5000 + (g % 50) + 1, 'Product', 'Offer', 1, 1000, 'USD', 1, 1000, false, true,
           CASE WHEN g % 100 < 90 THEN 'COMPLETED' WHEN g % 100 < 94 THEN 'CANCELED' WHEN g % 100 < 97 THEN 'REFUND' ELSE 'PROCESSING' END,
           CASE WHEN g % 100 = 99 THEN 'outcome unknown after 100 status checks' END,
           NULL, CASE WHEN g % 5 = 0 THEN 'sup-' || g || '-0' END, CASE WHEN g % 5 = 0 THEN 'up-' || g END, CASE WHEN g % 5 = 0 THEN 800 END,
           'partner', 1000, t, t
      FROM generate_series(1, ${ORDERS}) g,
           LATERAL (SELECT ((g / 3) % ${MERCHANTS}) + 1 AS m, now() - make_interval(secs => (${ORDERS} - g) * (60 * 86400.0 / ${ORDERS})) AS t) x`);
  await pool.query(`
    INSERT INTO ledger_entries (merchant_id, type, amount, balance_after, order_id, description, created_at)
    SELECT merchant_id, 'PURCHASE', -amount_usd, 1000000, id, 'API Purchase', created_at FROM orders ORDER BY id`);
  // The hold each account carries for its orders in flight, as place_order keeps it.
  await pool.query(`
    UPDATE accounts a SET held = f.held
      FROM (SELECT merchant_id, sum(amount_usd) AS held FROM orders WHERE status IN ('SUBMITTED', 'PROCESSING') GROUP BY merchant_id) f
     WHERE f.merchant_id = a.merchant_id`);
  await pool.query('ANALYZE');
}

interface Captured {
  text: string;
  values: unknown[];
}

/** A Db that records the statements a module function sends, and runs them. */
function recorder(pool: pg.Pool, into: Captured[]) {
  return {
    query(config: string | { text: string; values?: unknown[] }, values?: unknown[]) {
      const text = typeof config === 'string' ? config : config.text;
      const params = typeof config === 'string' ? values ?? [] : config.values ?? values ?? [];
      into.push({ text, values: params });
      return pool.query(text, params as unknown[]);
    },
  } as unknown as pg.Pool;
}

interface Row {
  query: string;
  rows: number;
  planIndexes: string;
  seqScan: boolean;
  medianMs: number;
  p95Ms: number;
}

async function measure(pool: pg.Pool, name: string, run: (db: pg.Pool) => Promise<unknown>): Promise<Row[]> {
  const captured: Captured[] = [];
  await run(recorder(pool, captured));
  const out: Row[] = [];
  for (const [i, statement] of captured.entries()) {
    const plan = (await pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`, statement.values)).rows.map((r) => r['QUERY PLAN'] as string).join('\n');
    const indexes = [...new Set([...plan.matchAll(/(?:Index(?: Only)? Scan(?: Backward)? using|Bitmap Index Scan on) (\w+)/g)].map((m) => m[1]!))];
    const timings: number[] = [];
    let rows = 0;
    for (let r = 0; r < RUNS; r++) {
      const started = performance.now();
      rows = (await pool.query(statement.text, statement.values)).rowCount ?? 0;
      timings.push(performance.now() - started);
    }
    timings.sort((x, y) => x - y);
    out.push({
      query: captured.length > 1 ? `${name} (${i + 1}/${captured.length})` : name,
      rows,
      planIndexes: indexes.join(', ') || '—',
      seqScan: /Seq Scan/.test(plan),
      medianMs: timings[Math.floor(RUNS / 2)]!,
      p95Ms: timings[Math.min(RUNS - 1, Math.floor(RUNS * 0.95))]!,
    });
    if (process.env.BENCH_PLANS) process.stdout.write(`\n-- ${name}\n${plan}\n`);
  }
  return out;
}

async function main(): Promise<void> {
  const db = await database();
  const pool = createPool(db.url, 4);
  try {
    await migrate(pool);
    const started = Date.now();
    await generate(pool);
    process.stdout.write(`generated ${ORDERS.toLocaleString('en')} orders and ledger entries in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    const { rows: [mid] } = await pool.query<{ id: number }>('SELECT (min(id) + max(id)) / 2 AS id FROM orders');
    const deep = Number(mid!.id);
    const merchant = 17;
    const cases: Array<[string, (db: pg.Pool) => Promise<unknown>]> = [
      ['console: orders, newest page', (d) => listOrders(d, {}, 50)],
      ['console: orders, a page half a million deep', (d) => listOrders(d, { before: deep }, 50)],
      ['console: orders by status (PROCESSING)', (d) => listOrders(d, { status: 'PROCESSING' }, 50)],
      ['console: orders by status, deep page', (d) => listOrders(d, { status: 'COMPLETED', before: deep }, 50)],
      ['console: manual review', (d) => listOrders(d, { review: true }, 50)],
      ['console: orders of one merchant', (d) => listOrders(d, { merchantId: merchant }, 50)],
      ['search: by orderId', (d) => listOrders(d, { search: String(deep) }, 50)],
      ['search: by transactionId', (d) => listOrders(d, { search: `txn-${Math.floor(ORDERS / 3)}` }, 50)],
      ['search: by supplier txn id', (d) => listOrders(d, { search: `sup-${Math.floor(ORDERS / 5) * 2}-0` }, 50)],
      ['cabinet: orders, a page deep', (d) => listOrders(d, { merchantId: merchant, before: deep }, 50)],
      ['cabinet: orders by status', (d) => listOrders(d, { merchantId: merchant, status: 'REFUND' }, 50)],
      ['cabinet: transactions, newest page', (d) => listEntriesPage(d, merchant, {}, 50)],
      ['cabinet: transactions, last week', (d) => listEntriesPage(d, merchant, { from: new Date(Date.now() - 7 * 86400_000) }, 50)],
      ['cabinet: balance and draft balance', (d) => readFunds(d, [merchant])],
      ['dashboard: orders per hour, 24 h', (d) => ordersPerHour(d, 24)],
      ['dashboard: waiting and review counts', (d) => waitingCounts(d)],
      ['dashboard: low balances', (d) => lowBalances(d, 10000, 20)],
      ['dashboard: own-stock offers low on keys', (d) => lowStock(d, 5)],
    ];
    const rows: Row[] = [];
    for (const [name, run] of cases) rows.push(...(await measure(pool, name, run)));
    const { rows: [version] } = await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    process.stdout.write(`\nPostgreSQL ${version!.v}, ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded'}; ${ORDERS.toLocaleString('en')} orders; ${RUNS} warm runs each\n\n`);
    process.stdout.write('| query | rows | indexes in the plan | seq scan | median ms | p95 ms |\n|---|---|---|---|---|---|\n');
    for (const r of rows) {
      process.stdout.write(`| ${r.query} | ${r.rows} | ${r.planIndexes} | ${r.seqScan ? 'yes' : 'no'} | ${r.medianMs.toFixed(2)} | ${r.p95Ms.toFixed(2)} |\n`);
    }
  } finally {
    await pool.end();
    await db.drop();
  }
}

await main();
