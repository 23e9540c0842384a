/**
 * The hub under test, in its own process, on a fresh database: an embedded PostgreSQL in a new
 * folder, or a new database on DATABASE_URL's server. Returns what the load and the baseline need.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { embeddedDatabaseUrl } from '@dropgate/server';
import { createScratchDatabase } from '@dropgate/server/testing/database';
import { freePort } from '@dropgate/server/testing/ports';
import { startHubProcess, type HubProcess } from '@dropgate/server/testing/process';
import { embeddedPostmaster, type CpuSubjects } from './cpu.ts';

export const ADMIN_TOKEN = `bench-${randomBytes(12).toString('hex')}`;
/** The bench reads the hub's own metrics (event-loop delay, collections) around a run. */
const METRICS_TOKEN = `bench-metrics-${randomBytes(12).toString('hex')}`;

export interface BenchHub {
  process: HubProcess;
  url: string;
  metricsToken: string;
  /** The database the hub uses, for pgbench. */
  databaseUrl: string;
  kind: 'embedded' | 'external';
  /** Whose CPU the bench counts: the hub, and the database server when it is the hub's own. */
  cpu: CpuSubjects & { hubPid: number };
  stop(): Promise<void>;
}

export async function startBenchHub(externalUrl: string | undefined, env: Record<string, string> = {}): Promise<BenchHub> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'dropgate-bench-'));
  const pgPort = await freePort();
  // Embedded: the hub's own, in dataDir (the bench counts its CPU); external: a new database on that server.
  const fresh = externalUrl ? await createScratchDatabase({ serverUrl: externalUrl, prefix: 'dropgate_bench' }) : undefined;
  const process = await startHubProcess({
    PORT: String(await freePort()),
    DATA_DIR: dataDir,
    DROPGATE_PG_PORT: String(pgPort),
    DROPGATE_ADMIN_TOKEN: ADMIN_TOKEN,
    DROPGATE_METRICS_TOKEN: METRICS_TOKEN,
    DROPGATE_SECRET_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    // The webhook scenario's receiver is on loopback, over plain HTTP.
    DROPGATE_WEBHOOK_ALLOW_HTTP: '1',
    DROPGATE_WEBHOOK_ALLOW_PRIVATE: '1',
    ...env,
    ...(fresh && { DATABASE_URL: fresh.url }),
  });
  const databaseUrl = fresh?.url
    ?? embeddedDatabaseUrl(path.join(dataDir, 'pg'), pgPort, (await readFile(path.join(dataDir, 'pg-password'), 'utf8')).trim());
  return {
    process,
    url: process.url,
    metricsToken: METRICS_TOKEN,
    databaseUrl,
    kind: fresh ? 'external' : 'embedded',
    cpu: { hubPid: process.child.pid!, databasePid: fresh ? undefined : embeddedPostmaster(process.child.pid!) },
    async stop() {
      process.child.kill('SIGTERM');
      await process.exited;
      await fresh?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** How long a run waits for an earlier run's autovacuum before it starts anyway. */
const SETTLE_TIMEOUT_MS = 60_000;

/**
 * Each run starts settled: no autovacuum of an earlier run's garbage still at work in the
 * database (it would be charged to this run), then a checkpoint, so that none pays for the dirty
 * pages of the run before it. Returns how long it waited for autovacuum.
 */
export async function settle(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const started = Date.now();
    while (Date.now() - started < SETTLE_TIMEOUT_MS && await vacuuming(client)) await sleep(250);
    await client.query('CHECKPOINT');
    return Date.now() - started;
  } finally {
    await client.end();
  }
}

async function vacuuming(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ busy: boolean }>(
    "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' AND datname = current_database()) AS busy");
  return rows[0]!.busy;
}

/** After seeding: the tables vacuumed and analysed, as on a hub that has been running a while. */
export async function vacuumAll(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('VACUUM (ANALYZE)').finally(() => client.end());
}
