import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Logger, run, runMigrations, type Runner, type TaskList, type WorkerEvents } from 'graphile-worker';
import type pg from 'pg';
import { createPool } from '../db/index.ts';
import { Heartbeat } from './heartbeat.ts';
import { PumpLoop, type JobPump } from './pump.ts';

export type JobTasks = TaskList;

export interface JobsLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface JobsOptions {
  databaseUrl: string;
  tasks: JobTasks;
  /** Jobs this instance runs at once. */
  concurrency: number;
  /** How often an idle runner looks for due jobs (besides being woken by LISTEN/NOTIFY). */
  pollIntervalMs: number;
  /** How often this instance says it is alive; three missed beats and the others unlock its jobs. */
  heartbeatMs: number;
  /** Outboxes turned into jobs in batches, on this runner's pool (pump.ts). */
  pumps?: JobPump[];
  log: JobsLog;
}

export interface JobRunner {
  /** Ends the running jobs' waits and stops; jobs not finished are taken up again later. */
  stop(): Promise<void>;
  readonly pool: pg.Pool;
}

/**
 * Starts graphile-worker (which migrates its own schema first) on a pool of its own, so jobs never
 * take the connections requests wait for, and without its signal handlers: the hub owns shutdown.
 */
export async function startJobs(options: JobsOptions): Promise<JobRunner> {
  const pool = createPool(options.databaseUrl, options.concurrency + 2);
  // A connection lost mid-job must not crash the hub: graphile-worker retries the job.
  pool.on('connect', (client) => client.on('error', (error) => options.log.warn({ err: error }, 'jobs: a database connection failed')));
  const events: WorkerEvents = new EventEmitter();
  const heartbeat = new Heartbeat(pool, randomUUID(), options.heartbeatMs, options.log);
  // Jobs are locked under the pool's id (batched fetches) or a worker's: record both.
  events.on('pool:create', ({ workerPool }) => heartbeat.addWorker(workerPool.id));
  events.on('worker:create', ({ worker }) => heartbeat.addWorker(worker.workerId));
  const logger = new Logger(() => (level, message, meta) => logTo(options.log, level, message, meta));
  let runner: Runner;
  try {
    await migrateSchema(pool, logger);
    runner = await run({
      pgPool: pool,
      taskList: options.tasks,
      concurrency: options.concurrency,
      pollInterval: options.pollIntervalMs,
      noHandleSignals: true,
      events,
      logger,
    });
    await heartbeat.start();
  } catch (error) {
    await heartbeat.stop();
    await pool.end().catch(() => {});
    throw error;
  }
  const pumps = (options.pumps ?? []).map((pump) => new PumpLoop(pump, pool, options.log));
  for (const pump of pumps) pump.start();
  return {
    pool,
    async stop() {
      await Promise.all(pumps.map((pump) => pump.stop()));
      await heartbeat.stop();
      await runner.stop().catch((error: unknown) => options.log.warn({ err: error }, 'jobs: the runner stopped with an error'));
      await pool.end().catch(() => {});
    },
  };
}

/** Ours, distinct from the schema migrations' lock (platform/db/migrate.ts). */
const JOBS_SCHEMA_LOCK = 727_000_010;

/**
 * graphile-worker's own schema, migrated by one instance at a time: instances starting together
 * would otherwise run its migrations concurrently and trip over each other's tables.
 */
async function migrateSchema(pool: pg.Pool, logger: Logger): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [JOBS_SCHEMA_LOCK]);
    await runMigrations({ pgPool: pool, logger });
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [JOBS_SCHEMA_LOCK]).catch(() => {});
    client.release();
  }
}

function logTo(log: JobsLog, level: string, message: string, meta: unknown): void {
  const details = { ...(meta as object), scope: 'jobs' };
  if (level === 'error') log.error(details, message);
  else if (level === 'warning') log.warn(details, message);
  // graphile-worker's info and debug lines (every job started and finished) stay out of the hub's log.
}
