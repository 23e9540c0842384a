/**
 * `npm run bench [-- --quick] [--seconds S] [--connections C]`: a hub on a fresh database (embedded,
 * or a new database on DATABASE_URL's server), seeded through the operator API, then HTTP load
 * per scenario and the pgbench baseline of the same SQL, in one run. `--quick` proves the harness
 * in seconds (the test suite runs it); the full run is for docs/benchmarks.md, never CI.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { httpScenario, type HttpFigures, type HttpRequestSpec } from './http-load.ts';
import { startBenchHub } from './hub-process.ts';
import { pgbenchScript, runPgbench } from './pgbench.ts';
import { commit, machine, print, save, type Report } from './report.ts';
import { seed, type Seeded } from './seed.ts';

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
/** An upper bound of orders per second, to stock enough keys that no scenario runs out. */
const ORDERS_PER_SECOND_CEILING = quick ? 5000 : 6000;

const notCompleted = (body: string) => !body.includes('"status":"COMPLETED"');

function scenarios(s: Seeded, runId: string) {
  const m = s.merchants;
  const order = (offerId: number, token: (n: number) => string, prefix: string) => (n: number): HttpRequestSpec => ({
    method: 'POST', path: '/api/v1/offers/create-order', token: token(n),
    body: { offerId, price: s.priceMinor / 100, transactionId: `${prefix}-${runId}-${n}` },
  });
  return [
    { scenario: `create-order, ${m.length} merchants`, request: order(s.offers.spread, (n) => m[n % m.length]!.token, 's'), isFailure: notCompleted, order: 'spread' as const },
    { scenario: 'create-order, 1 hot merchant', request: order(s.offers.hot, () => m[0]!.token, 'h'), isFailure: notCompleted, order: 'hot' as const },
    { scenario: 'order-status', request: (n: number): HttpRequestSpec => ({ method: 'POST', path: '/api/v1/offers/order-status', token: m[n % m.length]!.token, body: { orderId: m[n % m.length]!.orderId } }) },
    { scenario: 'find-one', request: (n: number): HttpRequestSpec => ({ method: 'POST', path: '/api/v1/offers/find-one', token: m[n % m.length]!.token, body: { offerId: s.offers.spread } }) },
    { scenario: 'balance', request: (n: number): HttpRequestSpec => ({ method: 'GET', path: '/api/v1/balance', token: m[n % m.length]!.token }) },
  ];
}

async function main(): Promise<number> {
  const hub = await startBenchHub(process.env.DATABASE_URL);
  try {
    const seeded = await seed(hub.url, { merchants: quick ? 20 : 100, keysPerOffer: ORDERS_PER_SECOND_CEILING * seconds });
    const runId = randomBytes(3).toString('hex');
    const http: HttpFigures[] = [];
    for (const s of scenarios(seeded, runId)) {
      http.push(await httpScenario({ ...s, url: hub.url, connections, seconds, hubPid: hub.process.child.pid! }));
    }
    const first = seeded.merchants[0]!.merchantId;
    const baseline = [
      await runPgbench({ scenario: 'spread', databaseUrl: hub.databaseUrl, clients: connections, seconds,
        script: pgbenchScript(seeded.offers.baselineSpread, seeded.priceMinor, { from: first, to: seeded.merchants.at(-1)!.merchantId }) }),
      await runPgbench({ scenario: 'hot', databaseUrl: hub.databaseUrl, clients: connections, seconds,
        script: pgbenchScript(seeded.offers.baselineHot, seeded.priceMinor, { from: first, to: first }) }),
    ];
    const ratios = (['spread', 'hot'] as const).map((kind, i) => {
      const hubRps = http[i]!.rps;
      const baselineTps = baseline[i]!.tps;
      return { scenario: kind, hubRps, baselineTps, ratio: hubRps / baselineTps };
    });
    const report: Report = {
      date: new Date().toISOString(), commit: commit(), machine: machine(), database: hub.kind,
      connections, seconds, seedSeconds: seeded.seconds, http, baseline, ratios,
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
