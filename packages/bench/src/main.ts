/**
 * `npm run bench [-- --quick] [--seconds S] [--rounds R] [--connections C] [--only GROUPS]`: a hub
 * on a fresh database (embedded, or a new database on DATABASE_URL's server), seeded through the
 * operator API, then per scenario HTTP load, with the pgbench baseline of the same SQL around
 * each order run, latency at steady rates against pgbench at the same rates, and create-order
 * and the fulfilment claim as the stock table and the queue grow. `--quick` proves the harness in seconds (CI runs it);
 * the full run is for docs/benchmarks.md, never CI.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { feedScenario } from './catalog.ts';
import { claimScenario } from './claim.ts';
import { countSteal } from './cpu.ts';
import { httpScenario, type HttpFigures, type HttpScenario } from './http-load.ts';
import { LIMITS_RUNS, limitsScenario } from './limits.ts';
import { settle, startBenchHub, vacuumAll, type BenchHub } from './hub-process.ts';
import { steadyRates } from './open-loop.ts';
import { baselineScript, orderRounds, orderScenario, type OrderFigures } from './orders.ts';
import { pgbenchBatchScript, runPgbench, type BaselineFigures } from './pgbench.ts';
import { ranged } from './ranged.ts';
import { commit, machine, print, save, type Report } from './report.ts';
import { seed, type Seeded } from './seed.ts';
import { watchBatches } from './stalls.ts';
import { stockDepthScenario } from './stock-depth.ts';
import { drain, seedWebhookShops, setEndpoints, webhookCallers } from './webhooks.ts';

/** The scenario groups, in the order a run takes them; `--only` picks some. */
const GROUPS = ['orders', 'rate', 'limits', 'webhooks', 'reads', 'feed', 'stock', 'claim'] as const;
type Group = (typeof GROUPS)[number];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    rounds: { type: 'string' },
    connections: { type: 'string', default: '16' },
    only: { type: 'string' },
  },
});
const quick = values.quick;
const seconds = Number(values.seconds ?? (quick ? 2 : 10));
const rounds = Number(values.rounds ?? (quick ? 1 : 3));
const connections = Number(values.connections);
const only = new Set((values.only ?? GROUPS.join(',')).split(',') as Group[]);
for (const group of only) if (!GROUPS.includes(group)) throw new Error(`--only: unknown group "${group}" (groups: ${GROUPS.join(', ')})`);
/** Above any rate this machine reaches, so that no scenario runs out of keys (it would show as errors). */
const ORDERS_PER_SECOND_CEILING = 3000;
/** The same for the limits comparison's runs, of which there are eight (fewer keys to seal at seeding). */
const LIMITS_ORDERS_PER_SECOND_CEILING = 3000;
const CLAIM_QUEUE_SIZES = quick ? [1_000, 10_000] : [1_000, 100_000, 1_000_000];
const CLAIMS_PER_SIZE = quick ? 80 : 500;
const STOCK_DEPTHS = quick ? [0, 1_000, 10_000] : [0, 100_000, 1_000_000];
const STOCK_CALLS = quick ? 50 : 300;
/** The steady rates, as shares of the baseline's closed-loop throughput. */
const RATE_SHARES = [0.25, 0.5, 0.75];
const RATE_WARM_UP_SECONDS = quick ? 1 : 3;
/** The open-loop generator's sockets: more than the hub ever needs at these rates, so it never queues itself. */
const RATE_SOCKETS = 64;
/**
 * Before any timed run, the hub takes this long of each read and of spread orders, untimed: the
 * first seconds after a start (code compiled and optimised, every pooled connection's statements
 * prepared) otherwise land in the first scenario, which ran at 0.6× its own rate run again later.
 */
const WARM_UP_SECONDS = quick ? 1 : 5;

/** What the bench is doing now, on stderr: a full run takes minutes, and prints its figures at the end. */
function progress(what: string): void {
  process.stderr.write(`· ${what}\n`);
}

function readScenarios(s: Seeded): HttpScenario[] {
  const m = s.merchants;
  return [
    { scenario: 'order-status', method: 'POST', path: '/api/v1/offers/order-status', callers: m.map((x) => ({ token: x.token, body: JSON.stringify({ orderId: x.orderId }) })) },
    { scenario: 'find-one', method: 'POST', path: '/api/v1/offers/find-one', callers: m.map((x) => ({ token: x.token, body: JSON.stringify({ offerId: s.offers.spread }) })) },
    { scenario: 'balance', method: 'GET', path: '/api/v1/balance', callers: m.map((x) => ({ token: x.token })) },
  ];
}

async function main(): Promise<number> {
  // Limits off by default; the limits comparison sets them per shop (limits.ts). A webhook
  // attempt outlasts a scenario: the receiver holds every delivery of the webhooks-on run, so that
  // run measures the outbox alone (see webhooks.ts).
  const hub = await startBenchHub(process.env.DATABASE_URL, {
    DROPGATE_RATE_LIMIT: '0', DROPGATE_WEBHOOK_TIMEOUT_MS: String(Math.min(60_000, (seconds + 30) * 1000)),
  });
  try {
    const keysPerRun = ORDERS_PER_SECOND_CEILING * seconds;
    const rateKeys = only.has('rate') ? Math.ceil(ORDERS_PER_SECOND_CEILING * RATE_SHARES.reduce((a, b) => a + b, 0) * (seconds + RATE_WARM_UP_SECONDS)) : 0;
    progress('seeding through the operator API');
    const seeded = await seed(hub.url, {
      merchants: quick ? 20 : 100,
      keys: {
        spread: keysPerRun * (only.has('orders') ? rounds : 0) + rateKeys + ORDERS_PER_SECOND_CEILING * WARM_UP_SECONDS, hot: keysPerRun * (only.has('orders') ? rounds : 0),
        baselineSpread: keysPerRun * (only.has('orders') ? rounds + 1 : 1) + rateKeys, baselineHot: keysPerRun * (only.has('orders') ? rounds + 2 : 0),
        limits: only.has('limits') ? LIMITS_RUNS * LIMITS_ORDERS_PER_SECOND_CEILING * seconds : 0,
      },
    });
    progress('vacuuming the seeded tables');
    await vacuumAll(hub.databaseUrl);
    const runId = randomBytes(3).toString('hex');
    const steal = countSteal();
    progress(`warming up: ${WARM_UP_SECONDS} s of each read and of spread orders, untimed`);
    for (const scenario of [...readScenarios(seeded), orderScenario(seeded, 'spread', `${runId}warm`)]) {
      await httpScenario({ ...scenario, url: hub.url, connections, seconds: WARM_UP_SECONDS, cpu: hub.cpu });
    }
    const settled = async () => {
      const waitedMs = await settle(hub.databaseUrl);
      if (waitedMs >= 1000) progress(`waited ${(waitedMs / 1000).toFixed(1)} s for autovacuum of the run before`);
    };
    const load = async (scenario: HttpScenario): Promise<HttpFigures> => {
      progress(scenario.scenario);
      await settled();
      const batches = await watchBatches(hub);
      const figures = await httpScenario({ ...scenario, url: hub.url, connections, seconds, cpu: hub.cpu });
      const meanBatch = await batches.stop();
      return meanBatch > 0 ? { ...figures, meanBatch } : figures;
    };
    const baseline = async (kind: string, script: string, clients = connections) => {
      progress(`pgbench: ${kind}`);
      await settled();
      return runPgbench({ scenario: kind, databaseUrl: hub.databaseUrl, databasePid: hub.cpu.databasePid, clients, seconds, script });
    };
    const http: HttpFigures[] = [];
    const report: Report = {
      date: new Date().toISOString(), commit: commit(), machine: machine(), database: hub.kind,
      connections, seconds, rounds, seedSeconds: seeded.seconds, cpuSteal: 0, http,
    };
    if (only.has('orders')) {
      report.orders = await orderRounds(seeded, rounds, runId, { hub: load, baseline });
      http.push(...report.orders.kinds.flatMap((k) => k.rounds.map((r) => r.hub)));
      report.batchedBaseline = await batchedBaseline(report.orders, seeded, baseline);
    }
    if (only.has('rate')) {
      progress('steady rates: the hub and pgbench -R at 25, 50 and 75 % of the baseline');
      report.steadyRates = await steadyRateScenario(hub, seeded, report, runId);
    }
    if (only.has('limits')) {
      const limits = await limitsScenario({ url: hub.url, seeded, runId, load });
      http.push(...limits.http);
      report.limits = limits.figures;
    }
    if (only.has('webhooks')) {
      progress('create-order with webhooks off, then on');
      report.webhooks = await webhooksScenario(hub, seeded, runId, keysPerRun, http);
    }
    if (only.has('reads')) for (const scenario of readScenarios(seeded)) http.push(await load(scenario));
    if (only.has('feed')) {
      progress('the catalog feed, first and last page');
      const feed = await feedScenario({
        url: hub.url, databaseUrl: hub.databaseUrl, token: seeded.merchants[0]!.token, offers: quick ? 10_000 : 100_000,
        // A reseller imports the feed page after page: one connection measures a page's own cost.
        connections: 1, seconds, cpu: hub.cpu,
      });
      http.push(feed.first, feed.last);
      report.feed = { offers: feed.offers, lastOverFirstP50: feed.lastOverFirstP50 };
    }
    if (only.has('stock')) {
      progress(`create-order by keys already sold: ${STOCK_DEPTHS.join(', ')}`);
      report.stockDepth = await stockDepthScenario(hub.databaseUrl, STOCK_DEPTHS, STOCK_CALLS);
    }
    if (only.has('claim')) {
      progress(`the worker's claim by orders waiting: ${CLAIM_QUEUE_SIZES.join(', ')}`);
      report.claims = await claimScenario(hub.databaseUrl, CLAIM_QUEUE_SIZES, CLAIMS_PER_SIZE);
    }
    report.cpuSteal = steal.share();
    print(report);
    await save(report);
    const failed = [...http.filter((h) => h.errors > 0).map((h) => h.scenario),
      ...(report.steadyRates ?? []).filter((r) => r.hub.errors > 0).map((r) => `create-order at ${r.rate}/s`)];
    if (failed.length > 0) process.stderr.write(`errors in: ${failed.join(', ')}\n`);
    return failed.length > 0 ? 1 : 0;
  } finally {
    await hub.stop();
  }
}

/**
 * The batched design's own baseline for the hot merchant: pgbench sending place_orders with as
 * many orders per statement as the hub's batcher carried, on average, in the hot rounds, from one
 * client, as the hub keeps one statement of a merchant in flight at a time.
 */
async function batchedBaseline(orders: OrderFigures, seeded: Seeded, baseline: (kind: string, script: string, clients: number) => Promise<BaselineFigures>) {
  const hot = orders.kinds.find((k) => k.kind === 'hot')!;
  const batch = Math.max(1, Math.round(ranged(hot.rounds.map((r) => r.hub.meanBatch ?? 1)).median));
  const figures = await baseline('hot, batched', pgbenchBatchScript(seeded.offers.baselineHot, seeded.priceMinor, seeded.merchants[0]!.merchantId, batch), 1);
  return { batch, statementsPerSecond: figures.tps, ordersPerSecond: figures.tps * batch, hubOverIt: hot.hubRps.median / (figures.tps * batch) };
}

/** Spread create-order at steady rates, shares of the baseline's closed-loop throughput in this run. */
async function steadyRateScenario(hub: BenchHub, seeded: Seeded, report: Report, runId: string) {
  const script = baselineScript(seeded, 'spread');
  const spread = report.orders?.kinds.find((k) => k.kind === 'spread');
  const baselineTps = spread?.baselineTps.median ?? (await runPgbench({
    scenario: 'spread', databaseUrl: hub.databaseUrl, databasePid: hub.cpu.databasePid, clients: connections, seconds, script,
  })).tps;
  return steadyRates({
    url: hub.url, path: '/api/v1/offers/create-order', mustContain: '"status":"COMPLETED"',
    callers: (run) => orderScenario(seeded, 'spread', `${runId}${run}`).callers,
    baselineTps, shares: RATE_SHARES, seconds, warmUpSeconds: RATE_WARM_UP_SECONDS, sockets: RATE_SOCKETS,
    pgbench: { databaseUrl: hub.databaseUrl, databasePid: hub.cpu.databasePid, script, clients: connections },
    cpu: hub.cpu, metrics: hub, beforeEach: async () => { await settle(hub.databaseUrl); },
  });
}

/**
 * The same create-order load on shops of their own, their endpoints off and then on, back to
 * back: the outbox's cost; then the rate at which the on-run's events are delivered.
 */
async function webhooksScenario(hub: BenchHub, seeded: Seeded, runId: string, keysPerRun: number, http: HttpFigures[]): Promise<NonNullable<Report['webhooks']>> {
  const hooked = await seedWebhookShops(hub.url, seeded.merchants.length, 2, keysPerRun);
  const hookedRun = (state: 'off' | 'on') => httpScenario({
    scenario: `create-order, ${seeded.merchants.length} merchants, webhooks ${state}`, method: 'POST', path: '/api/v1/offers/create-order',
    callers: webhookCallers(hooked, state === 'off' ? 0 : 1, runId), mustContain: '"status":"COMPLETED"', url: hub.url, connections, seconds, cpu: hub.cpu,
  });
  try {
    await setEndpoints(hub.url, hooked, false);
    await settle(hub.databaseUrl);
    const withoutHooks = await hookedRun('off');
    await setEndpoints(hub.url, hooked, true);
    await settle(hub.databaseUrl);
    hooked.receiver.setDefault({ kind: 'hang' });
    const withHooks = await hookedRun('on');
    http.push(withoutHooks, withHooks);
    return {
      ...(await drain(hooked, withHooks.requests - withHooks.errors)),
      ordersOff: withoutHooks.rps, ordersOn: withHooks.rps, cpuOff: withoutHooks.cpu, cpuOn: withHooks.cpu,
    };
  } finally {
    await hooked.receiver.stop();
  }
}

process.exitCode = await main();
