/**
 * `npm run bench [-- --quick] [--seconds S] [--connections C]`: a hub on a fresh database (embedded,
 * or a new database on DATABASE_URL's server), seeded through the operator API, then per scenario
 * HTTP load, with the pgbench baseline of the same SQL around each order scenario, and the
 * fulfilment claim at growing queue sizes. `--quick` proves the harness in seconds (CI runs it);
 * the full run is for docs/benchmarks.md, never CI.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { feedScenario } from './catalog.ts';
import { claimScenario } from './claim.ts';
import { countSteal, type CpuFigures } from './cpu.ts';
import { httpScenario, type HttpScenario } from './http-load.ts';
import { LIMITS_RUNS, limitsScenario } from './limits.ts';
import { checkpoint, startBenchHub, type BenchHub } from './hub-process.ts';
import { pgbenchScript, runPgbench, type BaselineFigures } from './pgbench.ts';
import { commit, machine, print, save, type OrderRatio, type Report } from './report.ts';
import { seed, type Seeded } from './seed.ts';
import { drain, seedWebhookShops, setEndpoints, webhookCallers } from './webhooks.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    connections: { type: 'string', default: '16' },
  },
});
const quick = values.quick;
const seconds = Number(values.seconds ?? (quick ? 2 : 15));
const connections = Number(values.connections);
/** Above any rate this machine reaches, so that no scenario runs out of keys (it would show as errors). */
const ORDERS_PER_SECOND_CEILING = 3000;
/** The same for the limits comparison's runs, of which there are eight (fewer keys to seal at seeding). */
const LIMITS_ORDERS_PER_SECOND_CEILING = 1500;
const CLAIM_QUEUE_SIZES = quick ? [1_000, 10_000] : [1_000, 100_000, 1_000_000];
const CLAIMS_PER_SIZE = 80;

type OrderKind = 'spread' | 'hot';

function readScenarios(s: Seeded): HttpScenario[] {
  const m = s.merchants;
  return [
    { scenario: 'order-status', method: 'POST', path: '/api/v1/offers/order-status', callers: m.map((x) => ({ token: x.token, body: JSON.stringify({ orderId: x.orderId }) })) },
    { scenario: 'find-one', method: 'POST', path: '/api/v1/offers/find-one', callers: m.map((x) => ({ token: x.token, body: JSON.stringify({ offerId: s.offers.spread }) })) },
    { scenario: 'balance', method: 'GET', path: '/api/v1/balance', callers: m.map((x) => ({ token: x.token })) },
  ];
}

function orderScenario(s: Seeded, kind: OrderKind, runId: string): HttpScenario {
  const callers = kind === 'spread' ? s.merchants : s.merchants.slice(0, 1);
  const offerId = kind === 'spread' ? s.offers.spread : s.offers.hot;
  return {
    scenario: kind === 'spread' ? `create-order, ${s.merchants.length} merchants` : 'create-order, 1 hot merchant',
    method: 'POST',
    path: '/api/v1/offers/create-order',
    callers: callers.map((x) => ({ token: x.token, body: `{"offerId":${offerId},"price":${s.priceMinor / 100},"transactionId":"${kind}-${runId}-{n}"}` })),
    mustContain: '"status":"COMPLETED"',
  };
}

function meanCpu(a: CpuFigures, b: CpuFigures): CpuFigures {
  const mean = (x: number | undefined, y: number | undefined) => (x === undefined || y === undefined ? undefined : Math.round((x + y) / 2));
  return { hubUs: undefined, databaseUs: mean(a.databaseUs, b.databaseUs), generatorUs: mean(a.generatorUs, b.generatorUs)! };
}

function baselineRun(hub: BenchHub, s: Seeded, kind: OrderKind): Promise<BaselineFigures> {
  const first = s.merchants[0]!.merchantId;
  const merchants = { from: first, to: kind === 'spread' ? s.merchants.at(-1)!.merchantId : first };
  const offerId = kind === 'spread' ? s.offers.baselineSpread : s.offers.baselineHot;
  return runPgbench({
    scenario: kind, databaseUrl: hub.databaseUrl, databasePid: hub.cpu.databasePid, clients: connections, seconds,
    script: pgbenchScript(offerId, s.priceMinor, merchants),
  });
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
    const seeded = await seed(hub.url, { merchants: quick ? 20 : 100, keys: { hub: keysPerRun, baseline: 2 * keysPerRun, limits: LIMITS_RUNS * LIMITS_ORDERS_PER_SECOND_CEILING * seconds } });
    // As many merchants as the spread scenario's, each shop with a webhook endpoint on a local receiver.
    const hooked = await seedWebhookShops(hub.url, seeded.merchants.length, 2, keysPerRun);
    const runId = randomBytes(3).toString('hex');
    const steal = countSteal();
    const load = async (scenario: HttpScenario) => {
      await checkpoint(hub.databaseUrl);
      return httpScenario({ ...scenario, url: hub.url, connections, seconds, cpu: hub.cpu });
    };
    const http = [];
    const ratios: OrderRatio[] = [];
    for (const kind of ['spread', 'hot'] as const) {
      // The baseline runs before and after the hub's run, so that drift over time (table growth,
      // the machine's other load) weighs on both sides alike.
      await checkpoint(hub.databaseUrl);
      const before = await baselineRun(hub, seeded, kind);
      const figures = await load(orderScenario(seeded, kind, runId));
      await checkpoint(hub.databaseUrl);
      const after = await baselineRun(hub, seeded, kind);
      http.push(figures);
      const baselineTps = Math.round((before.tps + after.tps) / 2);
      ratios.push({
        scenario: kind, hubRps: figures.rps, baselineTps, baselineBefore: before.tps, baselineAfter: after.tps,
        ratio: figures.rps / baselineTps, baselineCpu: meanCpu(before.cpu, after.cpu),
      });
    }
    const limits = await limitsScenario({ url: hub.url, seeded, runId, load });
    http.push(...limits.http);
    // The same create-order load on the same shops, their endpoints off and then on, back to back:
    // the outbox's cost; then the rate at which the on-run's events are delivered.
    const hookedRun = (state: 'off' | 'on') => httpScenario({
      scenario: `create-order, ${seeded.merchants.length} merchants, webhooks ${state}`, method: 'POST', path: '/api/v1/offers/create-order',
      callers: webhookCallers(hooked, state === 'off' ? 0 : 1, runId), mustContain: '"status":"COMPLETED"', url: hub.url, connections, seconds, cpu: hub.cpu,
    });
    await setEndpoints(hub.url, hooked, false);
    await checkpoint(hub.databaseUrl);
    const withoutHooks = await hookedRun('off');
    await setEndpoints(hub.url, hooked, true);
    await checkpoint(hub.databaseUrl);
    hooked.receiver.setDefault({ kind: 'hang' });
    const withHooks = await hookedRun('on');
    http.push(withoutHooks, withHooks);
    const webhooks = {
      ...(await drain(hooked, withHooks.requests - withHooks.errors)),
      ordersOff: withoutHooks.rps, ordersOn: withHooks.rps, cpuOff: withoutHooks.cpu, cpuOn: withHooks.cpu,
    };
    await hooked.receiver.stop();
    for (const scenario of readScenarios(seeded)) http.push(await load(scenario));
    const feed = await feedScenario({
      url: hub.url, databaseUrl: hub.databaseUrl, token: seeded.merchants[0]!.token, offers: quick ? 10_000 : 100_000,
      // A reseller imports the feed page after page: one connection measures a page's own cost.
      connections: 1, seconds, cpu: hub.cpu,
    });
    http.push(feed.first, feed.last);
    const claims = await claimScenario(hub.databaseUrl, CLAIM_QUEUE_SIZES, CLAIMS_PER_SIZE);
    const report: Report = {
      date: new Date().toISOString(), commit: commit(), machine: machine(), database: hub.kind,
      connections, seconds, seedSeconds: seeded.seconds, cpuSteal: steal.share(), http, ratios, claims, limits: limits.figures,
      feed: { offers: feed.offers, lastOverFirstP50: feed.lastOverFirstP50 }, webhooks,
    };
    print(report);
    await save(report);
    const failed = http.filter((h) => h.errors > 0);
    if (failed.length > 0) process.stderr.write(`errors in: ${failed.map((h) => h.scenario).join(', ')}\n`);
    return failed.length > 0 ? 1 : 0;
  } finally {
    await hub.stop();
  }
}

process.exitCode = await main();
