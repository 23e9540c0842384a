/**
 * Where a run's requests waited, beside its latency: the hub's event-loop delay and garbage
 * collections (its own /metrics, prom-client's default metrics, read before and after), and the
 * database's side, sampled every few milliseconds from pg_stat_activity: what each active client
 * backend was waiting on (a lock, a lightweight lock, I/O, the client) or running. Plus the
 * checkpoints and autovacuum runs that fell inside the run. A sampled wait profile, not a trace:
 * it tells which kind of wait the p99 is made of.
 */
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';

export interface StallFigures {
  eventLoopDelayMaxMs: number;
  eventLoopDelayP99Ms: number;
  gcPauses: number;
  gcPauseTotalMs: number;
  /** Collections that took 10 ms or more. */
  gcPausesOver10Ms: number;
  checkpoints: number;
  autovacuums: number;
  /** Of the samples, how many active client backends were in each state, on average. */
  backends: Record<string, number>;
  samples: number;
}

const SAMPLE_EVERY_MS = 10;

export interface HubMetricsSource {
  url: string;
  metricsToken: string;
}

export async function watchStalls(hub: HubMetricsSource, databaseUrl: string): Promise<{ stop(): Promise<StallFigures> }> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'dropgate-bench-sampler' });
  await client.connect();
  const before = { metrics: await scrape(hub), database: await databaseCounters(client) };
  const states = new Map<string, number>();
  let samples = 0;
  let running = true;
  const sampling = (async () => {
    while (running) {
      const { rows } = await client.query<{ state: string; n: number }>(`
        SELECT coalesce(wait_event_type || ':' || wait_event, 'running') AS state, count(*)::int AS n
          FROM pg_stat_activity
         WHERE backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid()
         GROUP BY 1`);
      for (const row of rows) states.set(row.state, (states.get(row.state) ?? 0) + row.n);
      samples++;
      await sleep(SAMPLE_EVERY_MS);
    }
  })();
  return {
    async stop() {
      running = false;
      await sampling;
      const after = { metrics: await scrape(hub), database: await databaseCounters(client) };
      await client.end();
      const gcCount = sumOf(after.metrics, 'nodejs_gc_duration_seconds_count') - sumOf(before.metrics, 'nodejs_gc_duration_seconds_count');
      const gcUnder10 = sumOf(after.metrics, 'nodejs_gc_duration_seconds_bucket', 'le="0.01"') - sumOf(before.metrics, 'nodejs_gc_duration_seconds_bucket', 'le="0.01"');
      const backends = Object.fromEntries([...states].sort((a, b) => b[1] - a[1]).map(([state, n]) => [state, Math.round((100 * n) / Math.max(1, samples)) / 100]));
      return {
        eventLoopDelayMaxMs: round(1000 * (after.metrics.get('nodejs_eventloop_lag_max_seconds') ?? 0)),
        eventLoopDelayP99Ms: round(1000 * (after.metrics.get('nodejs_eventloop_lag_p99_seconds') ?? 0)),
        gcPauses: gcCount,
        gcPauseTotalMs: round(1000 * (sumOf(after.metrics, 'nodejs_gc_duration_seconds_sum') - sumOf(before.metrics, 'nodejs_gc_duration_seconds_sum'))),
        gcPausesOver10Ms: gcCount - gcUnder10,
        checkpoints: after.database.checkpoints - before.database.checkpoints,
        autovacuums: after.database.autovacuums - before.database.autovacuums,
        backends,
        samples,
      };
    },
  };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** Orders per placing statement over a run: the hub's batch histogram, read before and after. */
export async function watchBatches(hub: HubMetricsSource): Promise<{ stop(): Promise<number> }> {
  const before = await scrape(hub);
  return {
    async stop() {
      const after = await scrape(hub);
      const of = (name: string) => sumOf(after, name) - sumOf(before, name);
      const statements = of('dropgate_order_batch_size_count');
      return statements === 0 ? 0 : Math.round((10 * of('dropgate_order_batch_size_sum')) / statements) / 10;
    },
  };
}

/** The hub's metrics as "name{labels}" → value; reading them also resets the event-loop histogram. */
export async function scrape(hub: HubMetricsSource): Promise<Map<string, number>> {
  const answer = await fetch(`${hub.url}/metrics`, { headers: { authorization: `Bearer ${hub.metricsToken}` } });
  if (!answer.ok) throw new Error(`GET /metrics: ${answer.status}`);
  const values = new Map<string, number>();
  for (const line of (await answer.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}

/** The sum of a metric over its label sets, those containing `having` only when given. */
export function sumOf(metrics: Map<string, number>, name: string, having?: string): number {
  let sum = 0;
  for (const [key, value] of metrics) {
    if ((key === name || key.startsWith(`${name}{`)) && (having === undefined || key.includes(having))) sum += value;
  }
  return sum;
}

async function databaseCounters(client: pg.Client): Promise<{ checkpoints: number; autovacuums: number }> {
  // PostgreSQL 17 moved the checkpoint counters to pg_stat_checkpointer.
  const checkpoints = await client.query<{ n: string }>('SELECT (num_timed + num_requested)::text AS n FROM pg_stat_checkpointer')
    .catch(() => client.query<{ n: string }>('SELECT (checkpoints_timed + checkpoints_req)::text AS n FROM pg_stat_bgwriter'));
  const vacuums = await client.query<{ n: string }>('SELECT coalesce(sum(autovacuum_count + autoanalyze_count), 0)::text AS n FROM pg_stat_user_tables');
  return { checkpoints: Number(checkpoints.rows[0]!.n), autovacuums: Number(vacuums.rows[0]!.n) };
}
