/**
 * A fulfilment queue of any size, written straight into a migrated, empty database: orders as
 * place_order and the worker leave them while a supplier's answer is pending, each with a `poll`
 * job due somewhere between four minutes ago and one minute from now (a backlog: most are due).
 * Only the rows a claim reads are written (no ledger rows), so `audit` would not pass on it: it
 * exists to time and plan the worker's claim (the claim test, the benchmark's claim scenario).
 * No test runner here: the benchmark imports it as `@dropgate/server/testing/waiting-queue`.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';

const INSERT_BATCH = 100_000;

export async function seedWaitingQueue(pool: pg.Pool | pg.Client, waiting: number): Promise<void> {
  await seedCatalog(pool);
  for (let from = 0; from < waiting; from += INSERT_BATCH) await insertWaitingOrders(pool, from, Math.min(INSERT_BATCH, waiting - from));
  await pool.query('VACUUM ANALYZE fulfilment_jobs');
  await pool.query('VACUUM ANALYZE orders');
}

/** One merchant, shop, USD offer and CodeGames supplier source: what the waiting orders reference. */
async function seedCatalog(pool: pg.Pool | pg.Client): Promise<void> {
  await pool.query(`
    INSERT INTO merchants (id, name) OVERRIDING SYSTEM VALUE VALUES (1, 'waiting queue');
    INSERT INTO accounts (merchant_id, balance) VALUES (1, 0);
    INSERT INTO shops (id, merchant_id, name, token_hash) OVERRIDING SYSTEM VALUE VALUES (1, 1, 'waiting queue', '\\x${randomBytes(32).toString('hex')}');
    INSERT INTO products (id, name) VALUES (1000000, 'Waiting Queue');
    INSERT INTO offers (id, product_id, offer_name, price, currency, returns_key) VALUES (1, 1000000, 'Card', 100, 'USD', true);
    INSERT INTO suppliers (id, kind, name, base_url) OVERRIDING SYSTEM VALUE VALUES (1, 'codegames', 'waiting queue', 'http://127.0.0.1:9');
    INSERT INTO offer_sources (offer_id, position, supplier_id, supplier_product_id, cost, cost_currency) VALUES (1, 0, 1, 'card', 90, 'USD');`);
}

async function insertWaitingOrders(pool: pg.Pool | pg.Client, from: number, count: number): Promise<void> {
  await pool.query(`
    WITH placed AS (
      INSERT INTO orders (shop_id, merchant_id, transaction_id, offer_id, product_name, offer_name, count, price, currency,
                          usd_per_unit, amount_usd, sandbox, returns_key, status, protocol, charged_price, supplier_id, supplier_txn_id)
      SELECT 1, 1, 'waiting-' || n, 1, 'Waiting Queue', 'Card', 1, 100, 'USD', 1, 100, false, true, 'PROCESSING', 'partner', 100, 1, 'waiting-' || n
        FROM generate_series($1::bigint + 1, $1::bigint + $2) AS n
      RETURNING id)
    INSERT INTO fulfilment_jobs (order_id, source_index, phase, attempts, due_at)
    SELECT id, 0, 'poll', (random() * 99)::int, now() + (random() * 300 - 240) * interval '1 second' FROM placed`,
  [from, count]);
}
