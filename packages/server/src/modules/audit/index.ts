/**
 * The audit: proves the invariants of docs/ledger.md against the data itself. It is the one
 * module that reads every module's tables, and it only reads. `dropgate audit` and the test suite
 * run it; a violation names the invariant and the rows at fault.
 */
import type pg from 'pg';
import { withLongConnection, type Db } from '../../platform/db/index.ts';
import { TRANSITIONS } from '../orders/index.ts';

export interface Violation {
  invariant: string;
  detail: string;
}

interface Check {
  invariant: string;
  /** Each row returned is one violation, described by its `detail` column. */
  sql: string;
  params?: unknown[];
}

const CHECKS: Check[] = [
  {
    invariant: 'balance equals the sum of its ledger entries',
    sql: `SELECT format('merchant %s: balance %s, entries sum to %s', a.merchant_id, a.balance, coalesce(s.total, 0)) AS detail
            FROM accounts a LEFT JOIN (SELECT merchant_id, sum(amount) AS total FROM ledger_entries GROUP BY merchant_id) s
              ON s.merchant_id = a.merchant_id
           WHERE a.balance <> coalesce(s.total, 0)`,
  },
  {
    invariant: 'balance is never negative, at any entry',
    sql: `SELECT format('entry %s: balanceAfter %s, running sum %s', id, balance_after, running) AS detail
            FROM (SELECT id, balance_after, sum(amount) OVER (PARTITION BY merchant_id ORDER BY id) AS running
                    FROM ledger_entries) e
           WHERE balance_after <> running OR running < 0`,
  },
  {
    // Paid: every order but the sandbox's and those refused before any debit (amount 0: a paid
    // order is at least a cent, usd_amount).
    invariant: 'each paid order has exactly one PURCHASE of its amount',
    sql: `SELECT format('order %s: amount %s, purchases %s', o.id, o.amount_usd, coalesce(p.n, 0)) AS detail
            FROM orders o LEFT JOIN (SELECT order_id, count(*) AS n, sum(-amount) AS total FROM ledger_entries
                                      WHERE type = 'PURCHASE' GROUP BY order_id) p ON p.order_id = o.id
           WHERE ((o.sandbox OR o.amount_usd = 0) AND p.n IS NOT NULL)
              OR (NOT o.sandbox AND o.amount_usd > 0 AND (p.n IS DISTINCT FROM 1 OR p.total <> o.amount_usd))`,
  },
  {
    invariant: 'a paid order has a REFUND entry exactly when CANCELED or REFUND, and at most one; an unpaid one none',
    sql: `SELECT format('order %s (%s): refunds %s', o.id, o.status, coalesce(r.n, 0)) AS detail
            FROM orders o LEFT JOIN (SELECT order_id, count(*) AS n, sum(amount) AS total FROM ledger_entries
                                      WHERE type = 'REFUND' GROUP BY order_id) r ON r.order_id = o.id
           WHERE ((o.sandbox OR o.amount_usd = 0) AND r.n IS NOT NULL)
              OR (NOT o.sandbox AND o.amount_usd > 0 AND (
                 (o.status IN ('CANCELED', 'REFUND') AND (r.n IS DISTINCT FROM 1 OR r.total <> o.amount_usd))
              OR (o.status NOT IN ('CANCELED', 'REFUND') AND r.n IS NOT NULL)))`,
  },
  {
    invariant: 'an order debited nothing is a sandbox order or one refused at placement',
    sql: `SELECT format('order %s (%s) debited nothing', o.id, o.status) AS detail
            FROM orders o WHERE NOT o.sandbox AND o.amount_usd = 0
             AND (o.status <> 'CANCELED' OR NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id
                                                          AND e.from_status = 'SUBMITTED' AND e.to_status = 'CANCELED'))`,
  },
  {
    // The index orders_in_flight covers exactly the rows summed.
    invariant: "each account's held equals the sum of its in-flight orders",
    sql: `SELECT format('merchant %s: held %s, orders in flight sum to %s', a.merchant_id, a.held, coalesce(f.total, 0)) AS detail
            FROM accounts a LEFT JOIN (SELECT merchant_id, sum(amount_usd) AS total FROM orders
                                        WHERE status IN ('SUBMITTED', 'PROCESSING') GROUP BY merchant_id) f
              ON f.merchant_id = a.merchant_id
           WHERE a.held <> coalesce(f.total, 0)`,
  },
  {
    invariant: 'ledger entries of an order belong to its merchant',
    sql: `SELECT format('entry %s: merchant %s, order %s of merchant %s', e.id, e.merchant_id, o.id, o.merchant_id) AS detail
            FROM ledger_entries e JOIN orders o ON o.id = e.order_id WHERE e.merchant_id <> o.merchant_id`,
  },
  {
    invariant: 'each stock key belongs to at most one order, and is the key that order delivered',
    sql: `SELECT format('key %s: assigned to order %s (%s)', k.id, k.order_id, o.status) AS detail
            FROM stock_keys k JOIN orders o ON o.id = k.order_id
           WHERE o.delivered_key IS DISTINCT FROM k.sealed OR o.offer_id <> k.offer_id`,
  },
  {
    invariant: 'a completed order of a key-returning offer has its key',
    sql: `SELECT format('order %s is COMPLETED without a key', id) AS detail
            FROM orders WHERE status = 'COMPLETED' AND returns_key AND NOT sandbox AND delivered_key IS NULL`,
  },
  {
    invariant: 'a completed Telegram Stars order records its delivery',
    sql: `SELECT format('order %s (%s stars) is COMPLETED without a completed delivery in its fulfillment data', id, stars_amount) AS detail
            FROM orders WHERE status = 'COMPLETED' AND stars_amount IS NOT NULL
             AND fulfillment_data->>'delivery_status' IS DISTINCT FROM 'completed'`,
  },
  {
    invariant: 'an order waiting on a supplier has queued work or is in manual review',
    sql: `SELECT format('order %s is PROCESSING with no fulfilment job and no review reason', o.id) AS detail
            FROM orders o WHERE o.status = 'PROCESSING' AND o.review_reason IS NULL
             AND NOT EXISTS (SELECT 1 FROM fulfilment_jobs j WHERE j.order_id = o.id)`,
  },
  {
    invariant: 'order events follow the state table and end at the order status',
    sql: `WITH chain AS (
            SELECT e.order_id, e.id, e.from_status, e.to_status,
                   lag(e.to_status) OVER (PARTITION BY e.order_id ORDER BY e.id) AS previous,
                   row_number() OVER (PARTITION BY e.order_id ORDER BY e.id DESC) AS from_end
              FROM order_events e)
          SELECT format('order %s: event %s %s -> %s', c.order_id, c.id, coalesce(c.from_status, '∅'), c.to_status) AS detail
            FROM chain c JOIN orders o ON o.id = c.order_id
           WHERE c.from_status IS DISTINCT FROM c.previous
              OR (c.from_status IS NULL AND c.to_status <> 'SUBMITTED')
              OR (c.from_status IS NOT NULL AND NOT (c.from_status || '>' || c.to_status = ANY($1::text[])))
              OR (c.from_end = 1 AND c.to_status <> o.status)
          UNION ALL
          SELECT format('order %s has no events', o.id) FROM orders o
           WHERE NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id)`,
    params: [TRANSITIONS.map((t) => `${t.from}>${t.to}`)],
  },
];

const MAX_REPORTED_PER_CHECK = 20;

/** The audit, bound to the database: `run()` checks every invariant now. */
export class Audit {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** On a connection of its own: a whole history may take longer than a request's statement may. */
  run(): Promise<{ ok: boolean; checks: number; violations: Violation[] }> {
    return withLongConnection(this.#pool, audit);
  }
}

async function audit(db: Db): Promise<{ ok: boolean; checks: number; violations: Violation[] }> {
  const violations: Violation[] = [];
  for (const check of CHECKS) {
    const { rows } = await db.query<{ detail: string }>(`${check.sql} LIMIT ${MAX_REPORTED_PER_CHECK}`, check.params ?? []);
    violations.push(...rows.map((r) => ({ invariant: check.invariant, detail: r.detail })));
  }
  return { ok: violations.length === 0, checks: CHECKS.length, violations };
}
