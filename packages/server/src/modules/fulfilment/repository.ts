import type { Db, Tx } from '../../platform/db/index.ts';

export type Phase = 'place' | 'placing' | 'poll';

/** A job as a worker claimed it: `claimedPhase` is what it was before the claim. */
export interface ClaimedJob {
  orderId: number;
  sourceIndex: number;
  claimedPhase: Phase;
  attempts: number;
  lease: number;
}

/**
 * Locks up to `limit` due jobs, then leases them through the primary key. The limit is written
 * into the text, not bound, and the update is driven by the array of locked ids, so that the
 * generic plan PostgreSQL caches after five runs (and then stops planning) is the index walk at
 * any queue size. A bound LIMIT is estimated at a tenth of the due rows: for a large queue that
 * generic plan was a merge join over the whole table, so every claim was planned anew, and the
 * one a small queue cached hashed the whole table. The phase before the claim comes from the
 * locked rows, as RETURNING gives the new one.
 */
const CLAIM = (filter: string, limit: number) => `
  WITH due AS (
    SELECT order_id, phase FROM fulfilment_jobs
     WHERE due_at <= $1 ${filter}
     ORDER BY due_at LIMIT ${claimLimit(limit)} FOR UPDATE SKIP LOCKED),
  claimed AS (
    UPDATE fulfilment_jobs
       SET due_at = $1 + ((SELECT coalesce(max(timeout_ms), 0) FROM suppliers) + $2) * interval '1 millisecond',
           lease = lease + 1, updated_at = now(),
           phase = CASE WHEN phase = 'place' THEN 'placing' ELSE 'poll' END
     WHERE order_id = ANY (ARRAY(SELECT order_id FROM due))
    RETURNING order_id, source_index, attempts, lease)
  SELECT claimed.order_id AS "orderId", claimed.source_index AS "sourceIndex", due.phase AS "claimedPhase",
         claimed.attempts, claimed.lease
    FROM claimed JOIN due USING (order_id)`;

function claimLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`a claim's limit must be a positive integer, not ${limit}`);
  return limit;
}

/**
 * Claims up to `limit` due jobs. The lease lasts the slowest supplier's timeout plus `marginMs`:
 * long enough for a live worker to finish its call, short enough that a crashed worker's job is
 * soon taken over. The index on due_at keeps claiming flat in the size of the queue. One prepared
 * statement per limit, so a connection holds at most the worker's concurrency of them.
 */
export async function claimDue(db: Db, now: Date, marginMs: number, limit: number): Promise<ClaimedJob[]> {
  const { rows } = await db.query<ClaimedJob>({ name: `fulfilment.claim-due-${limit}`, text: CLAIM('', limit), values: [now, marginMs] });
  return rows;
}

export async function claimOrder(db: Db, orderId: number, now: Date, marginMs: number): Promise<ClaimedJob | undefined> {
  const { rows } = await db.query<ClaimedJob>(CLAIM('AND order_id = $3', 1), [now, marginMs, orderId]);
  return rows[0];
}

/** Locks the job for settling; false when another worker has claimed it since (our lease is stale). */
export async function holdLease(tx: Tx, job: ClaimedJob): Promise<boolean> {
  const { rowCount } = await tx.query('SELECT 1 FROM fulfilment_jobs WHERE order_id = $1 AND lease = $2 FOR UPDATE', [job.orderId, job.lease]);
  return rowCount === 1;
}

export async function reschedule(
  tx: Tx,
  orderId: number,
  next: { sourceIndex: number; phase: Phase; attempts: number; dueAt: Date; lastOutcome: string },
): Promise<void> {
  await tx.query(
    `UPDATE fulfilment_jobs SET source_index = $2, phase = $3, attempts = $4, due_at = $5, last_outcome = $6, updated_at = now()
      WHERE order_id = $1`,
    [orderId, next.sourceIndex, next.phase, next.attempts, next.dueAt, next.lastOutcome],
  );
}

export async function deleteJob(tx: Tx, orderId: number): Promise<void> {
  await tx.query('DELETE FROM fulfilment_jobs WHERE order_id = $1', [orderId]);
}

/** Removes the job only if nothing was sent upstream for the current source yet. */
export async function deleteUndispatched(tx: Tx, orderId: number): Promise<boolean> {
  const { rowCount } = await tx.query("DELETE FROM fulfilment_jobs WHERE order_id = $1 AND phase = 'place'", [orderId]);
  return rowCount === 1;
}

/** The queue for monitoring: jobs waiting, and how old the oldest one's order is. */
export async function queueStats(db: Db): Promise<{ depth: number; oldestSeconds: number | null }> {
  const { rows } = await db.query<{ depth: number; oldestSeconds: number | null }>(
    `SELECT (SELECT count(*) FROM fulfilment_jobs) AS depth,
            (SELECT extract(epoch FROM now() - o.created_at)::float8 FROM orders o
              WHERE o.id = (SELECT min(order_id) FROM fulfilment_jobs)) AS "oldestSeconds"`,
  );
  return rows[0]!;
}

export async function queueSize(db: Db): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::bigint AS n FROM fulfilment_jobs');
  return rows[0]!.n;
}
