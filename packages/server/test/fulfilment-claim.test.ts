/**
 * The worker's claim, planned and answered at two queue sizes. PostgreSQL plans a prepared
 * statement for its parameters a few times, then switches to one generic plan if that looks as
 * cheap: both must walk the due index from its low end and reach each claimed row through the
 * primary key, never a join over the whole queue (a bound LIMIT once planned a merge join over a
 * million due rows, and a small queue was hashed whole at every claim).
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, migrate } from '../src/platform/db/index.ts';
import { claimDue } from '../src/modules/fulfilment/index.ts';
import { isolatedDatabase, type IsolatedDatabase } from './support/db.ts';
import { seedWaitingQueue } from './support/waiting-queue.ts';

const LIMIT = 8;
const MARGIN_MS = 5_000;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Parent Relationship'?: string;
  Plans?: PlanNode[];
}

const JOINS = new Set(['Hash Join', 'Merge Join', 'Nested Loop']);

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** What a node reads rows from, leaving out the CTEs and subqueries it merely runs first. */
function inputs(plan: PlanNode): PlanNode[] {
  return (plan.Plans ?? []).filter((child) => child['Parent Relationship'] !== 'InitPlan' && child['Parent Relationship'] !== 'SubPlan')
    .flatMap((child) => [child, ...inputs(child)]);
}

describe.each([5_000, 50_000])('the claim with %i jobs waiting', (waiting) => {
  let database: IsolatedDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    database = await isolatedDatabase();
    pool = createPool(database.url, 2);
    await migrate(pool);
    await seedWaitingQueue(pool, waiting);
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it.each(['force_custom_plan', 'force_generic_plan'])('%s: the due index, then each row by its key', async (mode) => {
    const client = await pool.connect();
    try {
      await client.query(`SET plan_cache_mode = ${mode}`);
      await claimDue(client, new Date(), MARGIN_MS, LIMIT); // prepares the statement on this connection
      const { rows } = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
        `EXPLAIN (FORMAT JSON) EXECUTE "fulfilment.claim-due-${LIMIT}"('${new Date().toISOString()}', ${MARGIN_MS})`);
      const plan = nodes(rows[0]!['QUERY PLAN'][0]!.Plan);
      const onJobs = plan.filter((node) => node['Relation Name'] === 'fulfilment_jobs').map((node) => node['Node Type']);
      expect(onJobs).toEqual(expect.arrayContaining(['Index Scan', 'ModifyTable']));
      expect(onJobs.filter((type) => type !== 'Index Scan' && type !== 'ModifyTable')).toEqual([]);
      const joinsOverJobs = plan.filter((node) => JOINS.has(node['Node Type']) && inputs(node).some((input) => input['Relation Name'] === 'fulfilment_jobs'));
      expect(joinsOverJobs.map((node) => node['Node Type'])).toEqual([]);
    } finally {
      await client.query('RESET plan_cache_mode');
      client.release();
    }
  });

  it('answers each claimed job with the phase it had, and leases it', async () => {
    const { rows: [first] } = await pool.query<{ orderId: string }>(
      `UPDATE fulfilment_jobs SET phase = 'place', due_at = now() - interval '1 hour'
        WHERE order_id = (SELECT min(order_id) FROM fulfilment_jobs) RETURNING order_id AS "orderId"`);
    const claimed = await claimDue(pool, new Date(), MARGIN_MS, LIMIT);
    expect(claimed).toHaveLength(LIMIT);
    const placing = claimed.find((job) => job.orderId === Number(first!.orderId));
    expect(placing).toMatchObject({ claimedPhase: 'place', lease: 1 });
    expect(claimed.filter((job) => job !== placing).map((job) => job.claimedPhase)).toEqual(Array(LIMIT - 1).fill('poll'));
    const { rows } = await pool.query<{ phase: string; leasedAhead: boolean }>(
      `SELECT phase, due_at > now() AS "leasedAhead" FROM fulfilment_jobs WHERE order_id = ANY($1::bigint[]) ORDER BY order_id`,
      [claimed.map((job) => job.orderId)]);
    expect(rows[0]).toEqual({ phase: 'placing', leasedAhead: true });
    expect(rows.slice(1)).toEqual(Array(LIMIT - 1).fill({ phase: 'poll', leasedAhead: true }));
  });
});
