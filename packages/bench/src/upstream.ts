/**
 * `npm run bench:upstream [-- --quick] [--offers N] [--seconds S]`: an upstream catalog sync at
 * size. A GamesDrop simulator serves a generated catalog of N offers (100,000; --quick: 10,000);
 * the hub (its own process, fresh database) syncs it as `dropgate supplier sync` does: the first
 * sync (time, the hub's peak RSS, a progress line on the terminal), a second with no change (it
 * must write nothing), then find-one and create-order p50/p99 idle and while syncs run back to
 * back, and last the import of the whole catalog as own offers (one request, as
 * `dropgate supplier catalog import` sends it: time, peak RSS, against the first sync's time).
 * Figures on stdout and in .bench/upstream.json; docs/catalog.md and docs/benchmarks.md carry them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpClient } from '@dropgate/sdk';
import { startGamesDropSimulator } from '@dropgate/simulators';
import { startBenchHub, ADMIN_TOKEN, type BenchHub } from './hub-process.ts';
import { httpScenario, type HttpFigures, type HttpScenario } from './http-load.ts';
import { commit, machine } from './report.ts';
import { sampleRss } from './rss.ts';
import { seed, type Seeded } from './seed.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    offers: { type: 'string' },
    seconds: { type: 'string' },
    connections: { type: 'string', default: '8' },
  },
});
const quick = values.quick;
const offers = Number(values.offers ?? (quick ? 10_000 : 100_000));
const seconds = Number(values.seconds ?? (quick ? 2 : 10));
const connections = Number(values.connections);
/** The bound on the hub's memory during a first sync of 100,000 offers (docs/benchmarks.md). */
const RSS_LIMIT_MB = 250;

interface SyncFigures {
  seconds: number;
  peakRssMb: number;
  seen: number;
  added: number;
  changed: number;
  gone: number;
  status: string;
}

async function main(): Promise<number> {
  const sim = await startGamesDropSimulator({ token: 'bench-upstream', offers: [], generatedOffers: offers });
  const hub = await startBenchHub(process.env.DATABASE_URL);
  try {
    const admin = operatorApi(hub.url);
    const supplier = await admin('POST', '/suppliers', { kind: 'gamesdrop', name: 'bench upstream', url: sim.url, token: 'bench-upstream', timeoutMs: 60_000 });
    const first = await timedSync(hub, admin, supplier.id, 'first sync');
    const again = await timedSync(hub, admin, supplier.id, 'no-change re-sync');
    const seeded = await seed(hub.url, { merchants: 10, keys: { spread: 1500 * seconds * 2, hot: 0, baselineSpread: 0, baselineHot: 0, limits: 0 } });
    const idle = await latencies(hub, seeded, 'idle');
    const busy = await whileSyncing(admin, supplier.id, () => latencies(hub, seeded, 'during a sync'));
    const imported = await timedImport(hub, admin, supplier.id);
    const report = { date: new Date().toISOString(), commit: commit(), machine: machine(), database: hub.kind, offers, seconds, connections, first, again, idle, busy, imported };
    print(report);
    await mkdir('.bench', { recursive: true });
    await writeFile('.bench/upstream.json', `${JSON.stringify(report, null, 2)}\n`);
    const problems = [
      ...(first.status !== 'applied' || first.added !== offers ? [`first sync: ${first.status}, ${first.added} added of ${offers}`] : []),
      ...(again.added + again.changed + again.gone !== 0 ? ['the no-change re-sync changed rows'] : []),
      ...(offers >= 100_000 && first.peakRssMb > RSS_LIMIT_MB ? [`peak RSS ${first.peakRssMb} MB > ${RSS_LIMIT_MB} MB`] : []),
      ...(imported.imported !== offers ? [`import: ${imported.imported} imported of ${offers}`] : []),
      ...(offers >= 100_000 && imported.peakRssMb > RSS_LIMIT_MB ? [`import peak RSS ${imported.peakRssMb} MB > ${RSS_LIMIT_MB} MB`] : []),
      ...[...idle, ...busy.figures].filter((f) => f.errors > 0).map((f) => `errors in ${f.scenario}`),
    ];
    for (const problem of problems) process.stderr.write(`${problem}\n`);
    return problems.length > 0 ? 1 : 0;
  } finally {
    await hub.stop();
    await sim.stop();
  }
}

type Admin = (method: string, path: string, body?: unknown) => Promise<any>;

function operatorApi(url: string): Admin {
  const client = new HttpClient({ baseUrl: `${url}/admin/v1`, authorization: `Bearer ${ADMIN_TOKEN}`, timeoutMs: 600_000 }); // the import of a whole catalog is one request
  return async (method, path, body) => {
    const answer = await client.send({ method, path, body });
    if (answer.status < 200 || answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${answer.text}`);
    return answer.body;
  };
}

/** One sync, started and read back as the CLI does, with the progress line on a terminal. */
async function runSync(admin: Admin, supplierId: number, label: string): Promise<any> {
  let sync = await admin('POST', `/suppliers/${supplierId}/syncs`);
  while (sync.status === 'running') {
    if (process.stderr.isTTY) process.stderr.write(`\r${label}: ${sync.seen} of ${offers} upstream offers read\x1b[K`);
    await sleep(200);
    sync = await admin('GET', `/suppliers/${supplierId}/syncs/${sync.id}`);
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
  return sync;
}

async function timedSync(hub: BenchHub, admin: Admin, supplierId: number, label: string): Promise<SyncFigures> {
  const rss = sampleRss(hub.cpu.hubPid, 50);
  const started = performance.now();
  const sync = await runSync(admin, supplierId, label);
  const elapsed = (performance.now() - started) / 1000;
  return { seconds: Math.round(elapsed * 10) / 10, peakRssMb: rss.stop(), seen: sync.seen, added: sync.added, changed: sync.changed, gone: sync.gone, status: sync.status };
}

interface ImportFigures {
  seconds: number;
  peakRssMb: number;
  imported: number;
}

/** The whole listed catalog made own offers at a 5 % margin, in the one request the CLI sends. */
async function timedImport(hub: BenchHub, admin: Admin, supplierId: number): Promise<ImportFigures> {
  if (process.stderr.isTTY) process.stderr.write(`import: ${offers} offers as own offers, one request\n`);
  const rss = sampleRss(hub.cpu.hubPid, 50);
  const started = performance.now();
  const result = await admin('POST', `/suppliers/${supplierId}/catalog/import`, { marginPercent: '5' });
  const elapsed = (performance.now() - started) / 1000;
  return { seconds: Math.round(elapsed * 10) / 10, peakRssMb: rss.stop(), imported: result.imported };
}

function scenarios(s: Seeded, label: string): HttpScenario[] {
  const m = s.merchants;
  return [
    { scenario: `find-one, ${label}`, method: 'POST', path: '/api/v1/offers/find-one', callers: m.map((x) => ({ token: x.token, body: JSON.stringify({ offerId: s.offers.spread }) })) },
    {
      scenario: `create-order, ${label}`, method: 'POST', path: '/api/v1/offers/create-order', mustContain: '"status":"COMPLETED"',
      callers: m.map((x) => ({ token: x.token, body: `{"offerId":${s.offers.spread},"price":${s.priceMinor / 100},"transactionId":"up-${label.replace(/\W/g, '')}-{n}"}` })),
    },
  ];
}

async function latencies(hub: BenchHub, s: Seeded, label: string): Promise<HttpFigures[]> {
  const figures = [];
  for (const scenario of scenarios(s, label)) figures.push(await httpScenario({ ...scenario, url: hub.url, connections, seconds, cpu: hub.cpu }));
  return figures;
}

/** Runs `load` while syncs of the supplier run back to back; answers how many ran. */
async function whileSyncing(admin: Admin, supplierId: number, load: () => Promise<HttpFigures[]>): Promise<{ figures: HttpFigures[]; syncs: number }> {
  let done = false;
  let syncs = 0;
  const loop = (async () => {
    while (!done) {
      await runSync(admin, supplierId, 'background sync');
      syncs += 1;
    }
  })();
  try {
    return { figures: await load(), syncs };
  } finally {
    done = true;
    await loop;
  }
}

function print(r: { offers: number; first: SyncFigures; again: SyncFigures; imported: ImportFigures; idle: HttpFigures[]; busy: { figures: HttpFigures[]; syncs: number }; database: string; commit: string }): void {
  const sync = (name: string, f: SyncFigures) =>
    `${name}: ${f.seconds} s, ${Math.round(r.offers / f.seconds)} offers/s, hub peak RSS ${f.peakRssMb} MB; ${f.status}: ${f.seen} read, ${f.added} added, ${f.changed} changed, ${f.gone} gone`;
  const rows = [...r.idle, ...r.busy.figures].map((h) => `  ${h.scenario.padEnd(32)} ${String(h.rps).padStart(6)} req/s  p50 ${h.p50} ms  p99 ${h.p99} ms  max ${h.max} ms  errors ${h.errors}`);
  process.stdout.write([
    `Dropgate upstream-catalog bench — commit ${r.commit}, ${r.offers} upstream offers, database ${r.database}`,
    sync('first sync', r.first),
    sync('no-change re-sync', r.again),
    `latency idle and while syncs ran back to back (${r.busy.syncs} syncs during the load):`,
    ...rows,
    `import of the whole catalog as own offers: ${r.imported.seconds} s, ${Math.round(r.imported.imported / r.imported.seconds)} offers/s, `
      + `${(r.imported.seconds / r.first.seconds).toFixed(2)} × the first sync's time, hub peak RSS ${r.imported.peakRssMb} MB; ${r.imported.imported} imported`,
    '',
  ].join('\n'));
}

process.exitCode = await main();
