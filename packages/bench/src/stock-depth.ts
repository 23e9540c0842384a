/**
 * What a create-order costs as an offer's stock is sold: place_order (the hub's statement, one
 * connection, one call at a time) on offers that have 0, 100,000 and 1,000,000 keys already sold
 * (0, 1,000 and 10,000 in --quick), on a database of its own on the same server.
 *
 * The sold keys are sold the way orders sell them: each key's row is updated with its order, so
 * the index of unclaimed keys still holds their entries, dead, until a vacuum removes them; a
 * claim reads its offer's unclaimed keys from the lowest id, through those entries. The calls are
 * timed twice: right after the selling (before any vacuum could run), and once the server's
 * autovacuum has been through the stock table, with the settings the hub's migrations give it.
 * The offers' calls are interleaved, round by round, so that the machine's drift weighs on all alike.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createPool, migrate } from '@dropgate/server';
import { PLACE_ORDER_SQL } from '@dropgate/server/queries';
import { createScratchDatabase } from '@dropgate/server/testing/database';
import { quantile } from './ranged.ts';

export interface StockDepthFigures {
  sold: number;
  calls: number;
  p50Ms: number;
  p95Ms: number;
}

export interface StockDepthReport {
  /** Right after the selling: the dead index entries in place. */
  asSold: StockDepthFigures[];
  /** Once autovacuum has run on the stock table; undefined if it did not within the wait. */
  vacuumed: StockDepthFigures[] | undefined;
  /** From the end of the as-sold pass to the end of that autovacuum. */
  vacuumWaitSeconds: number;
}

const SELL_BATCH = 100_000;
const WARM_UP_CALLS = 20;
const OFFER_BASE = 7000;

export async function stockDepthScenario(serverUrl: string, depths: number[], calls: number): Promise<StockDepthReport> {
  const database = await createScratchDatabase({ serverUrl, prefix: 'dropgate_stock' });
  const pool = createPool(database.url, 2);
  try {
    await migrate(pool);
    await seedShop(pool);
    // No vacuum until the as-sold pass is over: that pass is the state between two vacuums.
    await pool.query('ALTER TABLE stock_keys SET (autovacuum_enabled = false)');
    // Each offer keeps a key for every call of both passes, warm-up included.
    for (const [i, sold] of depths.entries()) await seedOffer(pool, OFFER_BASE + i, sold, 2 * (calls + WARM_UP_CALLS));
    await pool.query('ANALYZE');
    const vacuumsBefore = await autovacuums(pool);
    const asSold = await timeOrders(pool, depths, calls, 'as-sold');
    await pool.query('ALTER TABLE stock_keys SET (autovacuum_enabled = true)');
    const waitStarted = performance.now();
    const vacuumedInTime = await waitForAutovacuum(pool, vacuumsBefore);
    const vacuumWaitSeconds = Math.round((performance.now() - waitStarted) / 100) / 10;
    const vacuumed = vacuumedInTime ? await timeOrders(pool, depths, calls, 'vacuumed') : undefined;
    return { asSold, vacuumed, vacuumWaitSeconds };
  } finally {
    await pool.end();
    await database.drop();
  }
}

/** Longer than an external server's default launcher interval (a minute) and the vacuum itself. */
const AUTOVACUUM_WAIT_MS = 150_000;

async function autovacuums(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(`SELECT autovacuum_count::text AS n FROM pg_stat_user_tables WHERE relname = 'stock_keys'`);
  return Number(rows[0]!.n);
}

async function waitForAutovacuum(pool: pg.Pool, before: number): Promise<boolean> {
  for (const deadline = performance.now() + AUTOVACUUM_WAIT_MS; performance.now() < deadline; await sleep(500)) {
    if ((await autovacuums(pool)) > before) return true;
  }
  return false;
}

async function timeOrders(pool: pg.Pool, depths: number[], calls: number, pass: string): Promise<StockDepthFigures[]> {
  const client = await pool.connect();
  try {
    const times = depths.map(() => [] as number[]);
    for (let round = 0; round < WARM_UP_CALLS + calls; round++) {
      for (const [i] of depths.entries()) {
        const started = performance.now();
        const { rows } = await client.query<{ outcome: string; status: string }>({
          name: 'place',
          text: PLACE_ORDER_SQL,
          values: [1, 1, OFFER_BASE + i, 100, `${pass}-${i}-${round}`, null, null, null, 'partner', null, null, null, null],
        });
        const elapsed = performance.now() - started;
        if (rows[0]?.outcome !== 'CREATED' || rows[0].status !== 'COMPLETED') throw new Error(`order on offer ${OFFER_BASE + i}: ${JSON.stringify(rows[0])}`);
        if (round >= WARM_UP_CALLS) times[i]!.push(elapsed);
      }
    }
    return depths.map((sold, i) => {
      const sorted = times[i]!.sort((a, b) => a - b);
      const at = (q: number) => Number(quantile(sorted, q).toFixed(2));
      return { sold, calls, p50Ms: at(0.5), p95Ms: at(0.95) };
    });
  } finally {
    client.release();
  }
}

async function seedShop(pool: pg.Pool): Promise<void> {
  await pool.query(`
    INSERT INTO merchants (id, name) OVERRIDING SYSTEM VALUE VALUES (1, 'stock bench');
    INSERT INTO accounts (merchant_id, balance) VALUES (1, 1000000000000);
    INSERT INTO shops (id, merchant_id, name, token_hash) OVERRIDING SYSTEM VALUE VALUES (1, 1, 'stock bench', '\\x${randomBytes(32).toString('hex')}');
    INSERT INTO products (id, name) VALUES (1000000, 'Stock Bench');`);
}

/** An offer with `sold` keys sold, by orders of their own, and `unsold` left for the timed calls. */
async function seedOffer(pool: pg.Pool, offerId: number, sold: number, unsold: number): Promise<void> {
  await pool.query(`INSERT INTO offers (id, product_id, offer_name, price, currency, returns_key) VALUES ($1, 1000000, 'Card', 100, 'USD', true)`, [offerId]);
  await pool.query(`
    INSERT INTO stock_keys (offer_id, sealed, fingerprint)
    SELECT $1::bigint, decode(md5($1::bigint || '-' || n), 'hex'), decode(md5($1::bigint || '-' || n), 'hex') FROM generate_series(1, $2::bigint) AS n`,
  [offerId, sold + unsold]);
  for (let done = 0; done < sold; done += SELL_BATCH) {
    await pool.query(`
      WITH keys AS (
        SELECT id FROM stock_keys WHERE offer_id = $1::bigint AND order_id IS NULL ORDER BY id LIMIT $2),
      placed AS (
        INSERT INTO orders (shop_id, merchant_id, transaction_id, offer_id, product_name, offer_name, count, price, currency,
                            usd_per_unit, amount_usd, sandbox, returns_key, status, protocol, charged_price)
        SELECT 1, 1, 'sold-' || id, $1, 'Stock Bench', 'Card', 1, 100, 'USD', 1, 100, false, true, 'COMPLETED', 'partner', 100 FROM keys
        RETURNING id, transaction_id)
      UPDATE stock_keys k SET order_id = placed.id FROM placed WHERE k.id = substr(placed.transaction_id, 6)::bigint`,
    [offerId, Math.min(SELL_BATCH, sold - done)]);
  }
}
