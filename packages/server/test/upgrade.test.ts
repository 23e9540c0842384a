/**
 * An existing deployment upgrades cleanly. The fixture is a database as the hub at f6e7a12 left
 * it (before stored functions moved out of the migrations; test/fixtures/README.md says how it
 * was made): a merchant with a deposit, a shop, offers, and orders in every end state. Before the
 * upgrade the test adds an order still in flight, as that version left one (debited, PROCESSING,
 * its status check queued), for the migration that keeps draftBalance on the account to backfill.
 * A hub started on it must bring it to exactly the schema a fresh database gets, read the old
 * data back, take new orders, and pass the audit.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, migrate } from '../src/platform/db/index.ts';
import { connect, isolatedDatabase, type IsolatedDatabase } from './support/db.ts';
import { call, merchantClient, operator, startTestHub, type TestHub } from './support/hub.ts';

const FIXTURE = new URL('./fixtures/database-f6e7a12.sql.gz', import.meta.url);
/** What make-database.ts printed when it made the fixture. */
const OLD = { shopToken: '3ad2b60b6f04aa48fab5883d9a80b28c', merchantId: 1, completed: 10000001, refunded: 10000002, canceled: 10000004, codegames: 10000006 };
/** The order the test leaves in flight before the upgrade: offer 1004, 9.99 USD. */
const IN_FLIGHT = { orderId: 10000007, transactionId: 'acme-in-flight', amount: 999 };

/**
 * An order of offer 1004 accepted as PROCESSING by the old version and not settled yet: the
 * debit and its PURCHASE, the events, and a status check due long after the test.
 */
async function leaveAnOrderInFlight(url: string): Promise<void> {
  const db = await connect(url);
  try {
    await db.query('BEGIN');
    const { rows: [account] } = await db.query('UPDATE accounts SET balance = balance - $2 WHERE merchant_id = $1 RETURNING balance', [OLD.merchantId, IN_FLIGHT.amount]);
    const { rows: [order] } = await db.query(
      `INSERT INTO orders (shop_id, merchant_id, transaction_id, offer_id, product_name, offer_name, count, price, currency,
                           usd_per_unit, amount_usd, sandbox, returns_key, status, charged_price)
       VALUES (1, $1, $2, 1004, 'Xbox Game Pass', '1 Month', 1, $3, 'USD', 1, $3, false, true, 'PROCESSING', $3) RETURNING id`,
      [OLD.merchantId, IN_FLIGHT.transactionId, IN_FLIGHT.amount],
    );
    expect(Number(order.id)).toBe(IN_FLIGHT.orderId);
    await db.query(
      `INSERT INTO order_events (order_id, from_status, to_status, actor, reason)
       VALUES ($1, NULL, 'SUBMITTED', 'shop:1', NULL), ($1, 'SUBMITTED', 'PROCESSING', 'system', 'waiting on a supplier')`,
      [order.id],
    );
    await db.query(
      `INSERT INTO ledger_entries (merchant_id, type, amount, balance_after, order_id, description)
       VALUES ($1, 'PURCHASE', $2, $3, $4, $5)`,
      [OLD.merchantId, -IN_FLIGHT.amount, account.balance, order.id, `API Purchase - Xbox Game Pass 1 Month (order ${order.id})`],
    );
    await db.query("INSERT INTO fulfilment_jobs (order_id, source_index, phase, due_at) VALUES ($1, 0, 'poll', now() + interval '100 years')", [order.id]);
    await db.query('COMMIT');
  } finally {
    await db.end();
  }
}

let upgraded: IsolatedDatabase;
let fresh: IsolatedDatabase;
let hub: TestHub;

beforeAll(async () => {
  upgraded = await isolatedDatabase();
  fresh = await isolatedDatabase();
  // A client of its own: the dump empties search_path for the session that loads it.
  const loader = await connect(upgraded.url);
  try {
    await loader.query(gunzipSync(await readFile(FIXTURE)).toString('utf8'));
  } finally {
    await loader.end();
  }
  await leaveAnOrderInFlight(upgraded.url);
  hub = await startTestHub({ DATABASE_URL: upgraded.url });
  const pool = createPool(fresh.url, 1);
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
});
afterAll(async () => {
  await hub?.stop();
  await upgraded?.drop();
  await fresh?.drop();
});

/** The schema as the catalog describes it, names and definitions only (no oids, no data). */
async function schemaOf(url: string): Promise<Record<string, unknown[]>> {
  const queries: Record<string, string> = {
    relations: `SELECT relname, relkind, relpersistence FROM pg_class
                 WHERE relnamespace = 'public'::regnamespace AND relkind NOT IN ('i', 'c') ORDER BY relname`,
    columns: `SELECT c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull,
                     pg_get_expr(d.adbin, d.adrelid) AS "default", a.attidentity, a.attgenerated, a.attcollation::regcollation::text AS collation
                FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
               WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'c') AND a.attnum > 0 AND NOT a.attisdropped
               ORDER BY c.relname, a.attnum`,
    constraints: `SELECT conrelid::regclass::text AS relation, contypid::regtype::text AS type, conname, contype, pg_get_constraintdef(oid) AS definition
                    FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2, conname`,
    indexes: `SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS definition FROM pg_index
               WHERE indrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace) ORDER BY 1`,
    triggers: `SELECT tgrelid::regclass::text AS relation, tgname, pg_get_triggerdef(oid) AS definition, tgenabled FROM pg_trigger
                WHERE NOT tgisinternal ORDER BY 1, 2`,
    functions: `SELECT oid::regprocedure::text AS signature, pg_get_functiondef(oid) AS definition FROM pg_proc
                 WHERE pronamespace = 'public'::regnamespace ORDER BY 1`,
    types: `SELECT t.typname, t.typtype, format_type(t.typbasetype, t.typtypmod) AS base, t.typnotnull,
                   (SELECT array_agg(enumlabel ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = t.oid) AS labels
              FROM pg_type t LEFT JOIN pg_class c ON c.oid = t.typrelid
             WHERE t.typnamespace = 'public'::regnamespace AND t.typcategory <> 'A' AND (c.relkind IS NULL OR c.relkind = 'c')
             ORDER BY t.typname`,
    sequences: `SELECT sequencename, data_type::text, start_value::text, min_value::text, max_value::text, increment_by::text, cycle, cache_size::text
                  FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename`,
  };
  const client = await connect(url);
  try {
    const schema: Record<string, unknown[]> = {};
    for (const [part, sql] of Object.entries(queries)) schema[part] = (await client.query(sql)).rows;
    return schema;
  } finally {
    await client.end();
  }
}

describe('upgrading a database made by f6e7a12', () => {
  it('ends with the schema of a freshly migrated database', async () => {
    const [before, after] = [await schemaOf(upgraded.url), await schemaOf(fresh.url)];
    // The comparison sees the objects that moved: the functions and place_order's result type.
    expect(after.functions!.map((f: any) => f.signature)).toEqual([
      'offer_now(bigint)',
      'offer_partner_price(bigint,bigint)',
      'offer_supply(bigint,boolean)',
      'place_order(bigint,bigint,bigint,bigint,text,text,text,text,text,integer,bigint,bigint,numeric)',
      'place_orders(bigint[],bigint[],bigint[],bigint[],text[],text[],text[],text[],text[],integer[],bigint[],bigint[],numeric[])',
      'reject_mutation()',
      'usd_amount(bigint,numeric)',
      'webhooks_dispatch(integer)',
      'webhooks_fan_out(uuid,text,bigint[])',
      'webhooks_on_debit()',
      'webhooks_on_order_event()',
      'webhooks_schedule(bigint[],text[],timestamp with time zone,text)',
    ]);
    expect(after.types!.map((t: any) => t.typname)).toContain('place_order_result');
    expect(before).toEqual(after);
  });

  it('recorded the stored functions it applied', async () => {
    const client = await connect(upgraded.url);
    try {
      const { rows } = await client.query('SELECT name FROM stored_functions ORDER BY name');
      expect(rows.map((r) => r.name)).toEqual(['offer_now', 'offer_partner_price', 'offer_supply', 'place_order', 'place_orders', 'usd_amount', 'webhooks_dispatch', 'webhooks_fan_out', 'webhooks_schedule']);
    } finally {
      await client.end();
    }
  });

  it('reads the old data back through the APIs', async () => {
    const merchant = merchantClient(hub, OLD.shopToken);
    // The migration backfilled the hold from the order in flight.
    expect((await merchant('/balance')).body).toMatchObject({ balance: 74.21, draftBalance: 9.99, currency: { id: 3, code: 'USD' }, shopName: 'Acme Web' });
    expect((await merchant('/offers/order-status', { transactionId: IN_FLIGHT.transactionId })).body).toMatchObject({ orderId: IN_FLIGHT.orderId, status: 'PROCESSING' });
    expect((await merchant('/offers/order-status', { transactionId: 'acme-0001' })).body).toMatchObject({
      orderId: OLD.completed, status: 'COMPLETED', offerId: 1001, price: 560.1, key: 'PUBG-60-AAAA',
    });
    expect((await merchant('/offers/order-status', { orderId: OLD.refunded })).body).toMatchObject({ status: 'REFUND' });
    expect((await merchant('/offers/order-status', { orderId: OLD.canceled })).body).toMatchObject({ status: 'CANCELED' });
    const ledger = (await merchant('/balance/transactions?page=1&limit=20')).body;
    expect(ledger.transactions.map((t: any) => [t.type, t.amount, t.balanceAfter])).toEqual([
      ['PURCHASE', -9.99, 74.21], ['REFUND', 6.05, 84.2], ['PURCHASE', -4.5, 78.15], ['REFUND', 9.99, 82.65], ['PURCHASE', -9.99, 72.66],
      ['PURCHASE', -5.25, 82.65], ['PURCHASE', -6.05, 87.9], ['PURCHASE', -6.05, 93.95], ['DEPOSIT', 100, 100],
    ]);
    const codegames = await call(`${hub.url}/api/codegames/status`, { token: OLD.shopToken, body: { txn_id: 'cg-0001' } });
    expect(codegames.body).toMatchObject({ status: 'OK', partner_txn_id: String(OLD.codegames), product: { productKey: 'STEAM-5-AAAA' } });
    expect(await operator(hub).order(OLD.refunded)).toMatchObject({ id: OLD.refunded, status: 'REFUND', offerId: 1001 });
  });

  it('takes new orders over HTTP by both protocols, and still knows the old transactionIds', async () => {
    const merchant = merchantClient(hub, OLD.shopToken);
    const again = await merchant('/offers/create-order', { offerId: 1001, price: 560.10, transactionId: 'acme-0001' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'TRANSACTION_DUPLICATE', orderId: OLD.completed });

    const placed = await merchant('/offers/create-order', { offerId: 1001, price: 560.10, transactionId: 'after-upgrade-1' });
    expect(placed.status).toBe(200);
    expect(placed.body).toMatchObject({ status: 'COMPLETED', key: 'PUBG-60-CCCC' });
    const paid = await call(`${hub.url}/api/codegames/pay`, { token: OLD.shopToken, body: { product_id: 1002, price: 5, txn_id: 'cg-after-upgrade' } });
    expect(paid.body).toMatchObject({ status: 'OK', product: { productKey: 'STEAM-5-BBBB' } });
    // 84.20 - 9.99 (the order in flight) - 6.05 (560.10 RUB at 0.0108) - 4.50 (5.00 less its 10% commission)
    expect((await merchant('/balance')).body).toMatchObject({ balance: 63.66, draftBalance: 9.99 });
  });

  it('releases the backfilled hold like any other when the order in flight ends', async () => {
    expect(await operator(hub).audit()).toEqual({ ok: true, checks: expect.any(Number), violations: [] });
    await operator(hub).ok('POST', `/orders/${IN_FLIGHT.orderId}/cancel`, { reason: 'the supplier never answered' });
    expect((await merchantClient(hub, OLD.shopToken)('/balance')).body).toMatchObject({ balance: 73.65, draftBalance: 0 });
  });

  it('passes the operator audit', async () => {
    expect(await operator(hub).audit()).toEqual({ ok: true, checks: expect.any(Number), violations: [] });
  });
});
