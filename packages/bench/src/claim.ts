/**
 * How long a worker takes to claim due status checks while N orders wait on a supplier. It runs
 * the worker's own claim (`claimDue`, the statement every hub instance issues each poll) on a
 * database of its own on the same server, so that no running worker takes the jobs meanwhile.
 *
 * Each size has a database of its own, 1,000, 100,000 and 1,000,000 (1,000 and 10,000 in --quick) PROCESSING orders,
 * each with a `poll` job due somewhere between four minutes ago and one minute from now (a
 * backlog: most are due). A claim must cost the same at every size: it reads the due_at index
 * from its low end and stops after `limit` rows. The first claims warm the cache and are not
 * timed (a worker claiming every second keeps that end of the index warm); then the sizes take
 * one claim each, round after round, so that the machine's drift weighs on all of them alike.
 * After each claim, untimed, the claimed jobs go back into the backlog, as a worker reschedules a
 * check whose supplier is still pending (here into the past): the queue keeps its shape over any
 * number of rounds, so there can be enough of them to average out the commit's flush.
 */
import pg from 'pg';
import { createPool, migrate } from '@dropgate/server';
import { claimDue } from '@dropgate/server/queries';
import { createScratchDatabase } from '@dropgate/server/testing/database';
import { seedWaitingQueue } from '@dropgate/server/testing/waiting-queue';
import { settle } from './hub-process.ts';
import { quantile, ranged, type Ranged } from './ranged.ts';

export interface ClaimFigures {
  waiting: number;
  claims: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** WAL written from just before to just after a claim, mean (the server's, so the hub's own writes meanwhile too). */
  walBytesPerClaim: number;
}

export interface ClaimScenario {
  queues: ClaimFigures[];
  /** The largest queue's p50 ÷ the smallest's, in each block of consecutive rounds. */
  largestOverSmallest: Ranged;
}

/** The worker's defaults: 8 jobs per claim, a lease of the slowest timeout plus 5 s. */
const CLAIM_LIMIT = 8;
const LEASE_MARGIN_MS = 5_000;
const WARM_UP_CLAIMS = 10;
/** The rounds fall into this many blocks, each giving the ratio once: its spread shows how settled it is. */
const RATIO_BLOCKS = 5;

export async function claimScenario(serverUrl: string, sizes: number[], claims: number): Promise<ClaimScenario> {
  const queues: Array<{ url: string; drop(): Promise<void>; pool: pg.Pool }> = [];
  try {
    for (const size of sizes) {
      const database = await createScratchDatabase({ serverUrl, prefix: 'dropgate_claim' });
      const pool = createPool(database.url, 2);
      queues.push({ url: database.url, pool, drop: async () => { await pool.end(); await database.drop(); } });
      await migrate(pool);
      await seedWaitingQueue(pool, size);
    }
    // Seeding a million orders writes about 1.5 GB of WAL; without a checkpoint after it, the
    // one it sets off runs during the rounds, and the rounds of a full run start wherever the
    // scenarios before them left the checkpoint cycle. Every other run starts settled too.
    for (const queue of queues) await settle(queue.url);
    for (const queue of queues) for (let i = 0; i < WARM_UP_CLAIMS; i++) await timeClaim(queue.pool);
    // Round by round, one claim per queue: the machine's drift weighs on every size alike.
    const times = sizes.map(() => [] as number[]);
    const walBytes = sizes.map(() => 0);
    for (let round = 0; round < claims; round++) {
      for (const [i, queue] of queues.entries()) {
        const claim = await timeClaim(queue.pool);
        times[i]!.push(claim.ms);
        walBytes[i]! += claim.walBytes;
      }
    }
    return {
      queues: sizes.map((waiting, i) => ({ waiting, claims, ...percentiles(times[i]!), walBytesPerClaim: Math.round(walBytes[i]! / claims) })),
      largestOverSmallest: ranged(blockRatios(times[0]!, times.at(-1)!)),
    };
  } finally {
    for (const queue of queues) await queue.drop();
  }
}

async function timeClaim(pool: pg.Pool): Promise<{ ms: number; walBytes: number }> {
  const walBefore = await walPosition(pool);
  const started = performance.now();
  const claimed = await claimDue(pool, new Date(), LEASE_MARGIN_MS, CLAIM_LIMIT);
  const ms = performance.now() - started;
  const walBytes = Number(await walPosition(pool) - walBefore);
  if (claimed.length !== CLAIM_LIMIT) throw new Error(`a claim found ${claimed.length} due jobs, expected ${CLAIM_LIMIT}: too few waiting for the run`);
  await requeue(pool, claimed.map((job) => job.orderId));
  return { ms, walBytes };
}

async function walPosition(pool: pg.Pool): Promise<bigint> {
  const { rows } = await pool.query<{ at: string }>("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::text AS at");
  return BigInt(rows[0]!.at);
}

/** The claimed jobs due again, somewhere in the last four minutes: the backlog as it was. */
async function requeue(pool: pg.Pool, orderIds: number[]): Promise<void> {
  await pool.query(`UPDATE fulfilment_jobs SET due_at = now() - random() * 240 * interval '1 second' WHERE order_id = ANY($1::bigint[])`, [orderIds]);
}

function blockRatios(smallest: number[], largest: number[]): number[] {
  const size = Math.ceil(smallest.length / RATIO_BLOCKS);
  const p50 = (times: number[]) => quantile([...times].sort((a, b) => a - b), 0.5);
  return Array.from({ length: RATIO_BLOCKS }, (_, block) => block * size)
    .filter((from) => from < smallest.length)
    .map((from) => p50(largest.slice(from, from + size)) / p50(smallest.slice(from, from + size)));
}

function percentiles(times: number[]): { p50Ms: number; p95Ms: number; maxMs: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => Number(quantile(sorted, q).toFixed(2));
  return { p50Ms: at(0.5), p95Ms: at(0.95), maxMs: at(1) };
}
