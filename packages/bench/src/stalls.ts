/**
 * Where a run's requests waited, beside its latency: the hub's event-loop lag and garbage
 * collections (its own /metrics, prom-client's default metrics, read before and after), and the
 * database's side, sampled every few milliseconds from pg_stat_activity: what each active client
 * backend was waiting on (a lock, a lightweight lock, I/O, the client) or running. Plus the
 * checkpoints and autovacuum runs that fell inside the run. A sampled wait profile, not a trace:
 * it tells which kind of wait the p99 is made of.
 */
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';

export interface StallFigures {
  /** How late the event-loop monitor's timer fired: its p99 and worst, over the run. */
  eventLoopLagMaxMs: number;
  eventLoopLagP99Ms: number;
  /** The hub's own time to accept an order, from its checks to the committed statement (≈: read off its histogram). */
  placementP99Ms: number;
  /** Of that, how long orders waited for their placing statement. */
  statementWaitMeanMs: number;
  statementWaitP99Ms: number;
  /** The share of orders that waited over a millisecond for their statement. */
  waitedOverOneMs: number;
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
/**
 * prom-client's default event-loop monitoring precision. Node's histogram holds the time between
 * the monitor's timer runs, the interval included: an idle loop reads 10 ms. The lag is the rest.
 */
const EVENT_LOOP_TIMER_MS = 10;

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
      const delta = (name: string, having?: string) => growth(before.metrics, after.metrics, name, having);
      const gcCount = delta('nodejs_gc_duration_seconds_count');
      const gcUnder10 = delta('nodejs_gc_duration_seconds_bucket', 'le="0.01"');
      const waited = delta('dropgate_order_statement_wait_seconds_count');
      const backends = Object.fromEntries([...states].sort((a, b) => b[1] - a[1]).map(([state, n]) => [state, Math.round((100 * n) / Math.max(1, samples)) / 100]));
      return {
        eventLoopLagMaxMs: lateness(after.metrics.get('nodejs_eventloop_lag_max_seconds')),
        eventLoopLagP99Ms: lateness(after.metrics.get('nodejs_eventloop_lag_p99_seconds')),
        placementP99Ms: round(1000 * histogramQuantile(before.metrics, after.metrics, 'dropgate_order_placement_seconds', 0.99)),
        statementWaitMeanMs: waited === 0 ? 0 : round((1000 * delta('dropgate_order_statement_wait_seconds_sum')) / waited),
        statementWaitP99Ms: round(1000 * histogramQuantile(before.metrics, after.metrics, 'dropgate_order_statement_wait_seconds', 0.99)),
        waitedOverOneMs: histogramShareAbove(before.metrics, after.metrics, 'dropgate_order_statement_wait_seconds', 0.001),
        gcPauses: gcCount,
        gcPauseTotalMs: round(1000 * delta('nodejs_gc_duration_seconds_sum')),
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
const lateness = (seconds = 0) => round(Math.max(0, 1000 * seconds - EVENT_LOOP_TIMER_MS));

/** Orders per placing statement over a run: the hub's batch histogram, read before and after. */
export async function watchBatches(hub: HubMetricsSource): Promise<{ stop(): Promise<number> }> {
  const before = await scrape(hub);
  return {
    async stop() {
      const after = await scrape(hub);
      const statements = growth(before, after, 'dropgate_order_batch_size_count');
      return statements === 0 ? 0 : Math.round((10 * growth(before, after, 'dropgate_order_batch_size_sum')) / statements) / 10;
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

/**
 * A histogram's observations between two scrapes: its buckets (upper bound, cumulative count),
 * summed over their other labels, and how many there were in all.
 */
function bucketsBetween(before: Map<string, number>, after: Map<string, number>, name: string): { buckets: Array<[number, number]>; total: number } {
  const bounds = new Set<string>();
  for (const key of after.keys()) {
    const le = key.startsWith(`${name}_bucket{`) ? /le="([^"]+)"/.exec(key)?.[1] : undefined;
    if (le !== undefined && le !== '+Inf') bounds.add(le);
  }
  const cumulative = (le: string) => growth(before, after, `${name}_bucket`, `le="${le}"`);
  const buckets = [...bounds].map((le): [number, number] => [Number(le), cumulative(le)]).sort((a, b) => a[0] - b[0]);
  return { buckets, total: cumulative('+Inf') };
}

/**
 * A quantile of a histogram's observations between two scrapes, interpolated linearly within the
 * bucket it falls in (as Prometheus's histogram_quantile does): as exact as the buckets are fine.
 * 0 when nothing was observed.
 */
function histogramQuantile(before: Map<string, number>, after: Map<string, number>, name: string, q: number): number {
  const { buckets, total } = bucketsBetween(before, after, name);
  if (total === 0) return 0;
  let [lower, below] = [0, 0];
  for (const [bound, count] of buckets) {
    if (count >= q * total) return lower + ((bound - lower) * (q * total - below)) / Math.max(1, count - below);
    [lower, below] = [bound, count];
  }
  return lower; // in the +Inf bucket: at least the largest bound
}

/** The share of a histogram's observations between two scrapes above one of its bucket bounds. */
function histogramShareAbove(before: Map<string, number>, after: Map<string, number>, name: string, bound: number): number {
  const { buckets, total } = bucketsBetween(before, after, name);
  const atOrBelow = buckets.find(([le]) => le === bound);
  if (atOrBelow === undefined) throw new Error(`${name} has no bucket bound ${bound}`);
  return total === 0 ? 0 : 1 - atOrBelow[1] / total;
}

/** How much a metric grew between two scrapes, summed as sumOf sums it. */
function growth(before: Map<string, number>, after: Map<string, number>, name: string, having?: string): number {
  return sumOf(after, name, having) - sumOf(before, name, having);
}

/** The sum of a metric over its label sets, those containing `having` only when given. */
function sumOf(metrics: Map<string, number>, name: string, having?: string): number {
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
