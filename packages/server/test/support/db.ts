/**
 * Direct database access for the few things a test cannot do over HTTP: read what is stored at
 * rest (sealed keys), build an order state no API path reaches in this release (an order still
 * in flight), and give a test a deployment of its own (a fresh database) when it needs global
 * state that parallel files would otherwise share (FX rates) or must break the database.
 */
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.ts';

/** A client on the run's shared database; the caller ends it. */
export async function connect(url: string = inject('databaseUrl')): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** A client on the run's shared database for the calling file or describe block: connected before its tests, ended after. */
export function useDatabaseClient(): pg.Client {
  const client = new pg.Client({ connectionString: inject('databaseUrl') });
  beforeAll(() => client.connect());
  afterAll(() => client.end());
  return client;
}

export type IsolatedDatabase = Pick<ScratchDatabase, 'url' | 'drop'>;

/**
 * A new, empty database on the run's PostgreSQL server (embedded or external alike). A hub
 * started on it migrates it like a fresh deployment: only the USD rate and offer 999 exist.
 */
export function isolatedDatabase(): Promise<IsolatedDatabase> {
  return createScratchDatabase({ serverUrl: inject('databaseUrl'), prefix: 'dropgate_iso' });
}

/** An isolated database for the calling file or describe block: made before its tests, dropped after. */
export function useIsolatedDatabase(): IsolatedDatabase {
  let database: IsolatedDatabase | undefined;
  beforeAll(async () => {
    database = await isolatedDatabase();
  });
  afterAll(() => database?.drop());
  return {
    get url() {
      if (!database) throw new Error('the isolated database exists from beforeAll on: use it in a hook or a test');
      return database.url;
    },
    drop: async () => database?.drop(),
  };
}

/**
 * An order still in flight (PROCESSING), written as place_order and a supplier adapter would
 * leave it, so that the audit stays clean: in ONE transaction, the account is debited (only if
 * the balance covers it, like place_order) and the amount put on its hold, the order row holds the offer's snapshot (a Partner
 * API order: charged_price is the price), its events
 * go NULL -> SUBMITTED -> PROCESSING, and a PURCHASE entry carries the new balance. Stock offers
 * complete inside create-order, and reaching PROCESSING through a supplier takes a simulator and
 * timing, so the Partner API tests of in-flight behaviour (draftBalance, cancel-order,
 * ORDER_NOT_COMPLETED) build the state here, deterministically. The offer must be priced in USD
 * (rate 1, no FX).
 *
 * Since the supplier network landed, the audit also requires every PROCESSING order to have
 * queued work (a fulfilment job) or to be in manual review, so the fixture writes the job too,
 * as place_order and the worker would, due in a hundred years so that no worker (whatever its
 * clock) ever picks it up:
 *   stage 'queued': a `place` job: not yet sent to a supplier, so the merchant may still cancel;
 *   stage 'sent' (default): a `poll` job: sent upstream, outcome pending (cancel-order refuses).
 */
export async function insertInFlightOrder(
  db: pg.Client,
  order: { shopId: number; merchantId: number; offerId: number; transactionId: string; stage?: 'queued' | 'sent' },
): Promise<{ orderId: number; amountUsd: number }> {
  await db.query('BEGIN');
  try {
    const { rows: [offer] } = await db.query<{ product_name: string; offer_name: string; count: number; price: string; currency: string; returns_key: boolean }>(
      'SELECT p.name AS product_name, o.offer_name, o.count, o.price, o.currency, o.returns_key FROM offers o JOIN products p ON p.id = o.product_id WHERE o.id = $1',
      [order.offerId],
    );
    if (!offer || offer.currency !== 'USD') throw new Error(`fixture needs an existing USD offer, got ${order.offerId}`);
    const amount = Number(offer.price);
    const { rows: [account] } = await db.query<{ balance: string }>(
      'UPDATE accounts SET balance = balance - $2, held = held + $2 WHERE merchant_id = $1 AND balance >= $2 RETURNING balance',
      [order.merchantId, amount],
    );
    if (!account) throw new Error(`fixture: merchant ${order.merchantId} cannot pay ${amount} cents`);
    const { rows: [inserted] } = await db.query<{ id: string }>(
      `INSERT INTO orders (shop_id, merchant_id, transaction_id, offer_id, product_name, offer_name, count, price,
                           currency, usd_per_unit, amount_usd, sandbox, returns_key, status, protocol, charged_price)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'USD', 1, $8, false, $9, 'PROCESSING', 'partner', $8) RETURNING id`,
      [order.shopId, order.merchantId, order.transactionId, order.offerId, offer.product_name, offer.offer_name,
        offer.count, amount, offer.returns_key],
    );
    const orderId = Number(inserted!.id);
    await db.query(
      `INSERT INTO order_events (order_id, from_status, to_status, actor, reason)
       VALUES ($1, NULL, 'SUBMITTED', 'shop:' || $2::text, NULL),
              ($1, 'SUBMITTED', 'PROCESSING', 'system', 'waiting on a supplier (test fixture)')`,
      [orderId, order.shopId],
    );
    await db.query(
      `INSERT INTO ledger_entries (merchant_id, type, amount, balance_after, order_id, description)
       VALUES ($1, 'PURCHASE', $2, $3, $4, $5)`,
      [order.merchantId, -amount, account.balance, orderId, `API Purchase - ${offer.product_name} ${offer.offer_name} (order ${orderId})`],
    );
    await db.query(
      `INSERT INTO fulfilment_jobs (order_id, source_index, phase, due_at) VALUES ($1, 0, $2, now() + interval '100 years')`,
      [orderId, order.stage === 'queued' ? 'place' : 'poll'],
    );
    await db.query('COMMIT');
    return { orderId, amountUsd: amount };
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  }
}
