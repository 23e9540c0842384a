/** The bench's figures: a table on stdout, and .bench/last.json with the machine and commit. */
import { execSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import type { ClaimScenario } from './claim.ts';
import type { CpuFigures } from './cpu.ts';
import type { HttpFigures } from './http-load.ts';
import type { LimitsFigures } from './limits.ts';
import type { SteadyRateFigures } from './open-loop.ts';
import { baselineCpu, type OrderFigures } from './orders.ts';
import { formatRanged } from './ranged.ts';
import type { StockDepthFigures, StockDepthReport } from './stock-depth.ts';
import type { WebhookFigures } from './webhooks.ts';

/**
 * The ratio the machine allows when its CPU is the limit: the CPU a baseline transaction costs
 * (database + pgbench) over the CPU a hub order costs (database + hub + wrk). Undefined when the
 * database is not the hub's own (an external server's CPU is not ours to count).
 */
export function cpuCeiling(hub: CpuFigures, baseline: CpuFigures): number | undefined {
  if (hub.databaseUs === undefined || hub.hubUs === undefined || baseline.databaseUs === undefined) return undefined;
  return (baseline.databaseUs + baseline.generatorUs) / (hub.databaseUs + hub.hubUs + hub.generatorUs);
}

/** A run's figures; a section is absent when `--only` left its group out. */
export interface Report {
  date: string;
  commit: string;
  machine: { cpu: string; cores: number; memoryGb: number; node: string };
  database: 'embedded' | 'external';
  connections: number;
  seconds: number;
  rounds: number;
  seedSeconds: number;
  /** Of the machine's CPU time during the measured runs, the share the hypervisor gave elsewhere. */
  cpuSteal: number;
  http: HttpFigures[];
  /** create-order, spread and hot, against pgbench on the same SQL, in rounds. */
  orders?: OrderFigures;
  /** The hot merchant's baseline in the batched design: place_orders, `batch` orders a statement. */
  batchedBaseline?: { batch: number; statementsPerSecond: number; ordersPerSecond: number; hubOverIt: number };
  /** Spread create-order at fixed rates: the hub's latency and the baseline's, from the schedule. */
  steadyRates?: SteadyRateFigures[];
  /** create-order with shop rate limits off, then on (a generous limit), back to back. */
  limits?: LimitsFigures[];
  /** Create-order on the same shops with their webhook endpoints off, then on, and the delivery that followed. */
  webhooks?: WebhookFigures & { ordersOff: number; ordersOn: number; cpuOff: CpuFigures; cpuOn: CpuFigures };
  /** The catalog feed: its last page's p50 over its first's, over this many offers. */
  feed?: { offers: number; lastOverFirstP50: number };
  /** place_order as an offer's stock is sold. */
  stockDepth?: StockDepthReport;
  claims?: ClaimScenario;
}

export function machine(): Report['machine'] {
  const cpu = cpus();
  return { cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version };
}

export function commit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'unknown';
  }
}

export function print(report: Report): void {
  const out = [
    `Dropgate bench — ${report.date}, commit ${report.commit}, ${report.machine.cores} × ${report.machine.cpu}, ${report.machine.memoryGb} GiB, Node ${report.machine.node}`,
    `database: ${report.database}; ${report.connections} connections; ${report.seconds} s per run, ${report.rounds} rounds; seeding took ${report.seedSeconds.toFixed(1)} s; ` +
      `CPU steal during the runs: ${(100 * report.cpuSteal).toFixed(1)}%`,
    '',
    ...httpTable(report.http),
    '',
    ...(report.orders ? orderLines(report.orders, report.connections) : []),
    ...(report.batchedBaseline ? [`ratio hot ÷ the batched baseline (pgbench, 1 client, place_orders with ${report.batchedBaseline.batch} orders a statement, the hub's mean batch):` +
      ` ${report.batchedBaseline.ordersPerSecond} orders/s (${report.batchedBaseline.statementsPerSecond} statements/s); hub ÷ it = ${report.batchedBaseline.hubOverIt.toFixed(2)}`] : []),
    ...(report.steadyRates ? steadyRateLines(report.steadyRates) : []),
    ...(report.limits ?? []).map((l) => `rate limits on ÷ off, create-order ${l.kind} (limit ${l.limit}/min per shop): ${l.on} ÷ ${l.off} req/s = ${(l.on / l.off).toFixed(2)}`),
    ...(report.webhooks ? webhookLines(report.webhooks) : []),
    ...(report.feed ? [`sync over ${report.feed.offers} offers: last page ÷ first page, p50: ${report.feed.lastOverFirstP50.toFixed(2)} (flat is 1.00)`] : []),
    ...(report.stockDepth ? stockDepthLines(report.stockDepth) : []),
    ...(report.claims ? claimLines(report.claims) : []),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

const us = (value: number | undefined) => (value === undefined ? 'n/a' : `${value} µs`);

function httpTable(http: HttpFigures[]): string[] {
  const rows = http.map((h) => [
    h.scenario, String(h.rps), `${h.p50} ms`, `${h.p99} ms`, `${h.max} ms`, String(h.errors), `${h.peakRssMb} MB`,
    us(h.cpu.hubUs), us(h.cpu.databaseUs), us(h.cpu.generatorUs),
  ]);
  const header = ['scenario', 'req/s', 'p50', 'p99', 'max', 'errors', 'hub peak RSS', 'CPU/req: hub', 'database', 'wrk'];
  return table(header, rows);
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)];
}

function orderLines(orders: OrderFigures, connections: number): string[] {
  return [
    ...orders.kinds.flatMap((k) => {
      const cpu = baselineCpu(k);
      const last = k.rounds.at(-1)!;
      const ceiling = cpuCeiling(last.hub.cpu, cpu);
      return [
        `ratio ${k.kind}: hub ÷ baseline = ${formatRanged(k.ratio)}; hub ${formatRanged(k.hubRps, 0)} req/s, baseline ${formatRanged(k.baselineTps, 0)} tps` +
          ` (pgbench, same SQL, ${connections} clients)`,
        `  per round: ${k.rounds.map((r) => `${r.hub.rps} ÷ (${r.baselineBefore.tps} + ${r.baselineAfter.tps})/2 = ${r.ratio.toFixed(2)}`).join('; ')}` +
          `; orders per statement in the hub: ${k.rounds.map((r) => r.hub.meanBatch ?? 'n/a').join(', ')}`,
        `  CPU per transaction in the baseline: database ${us(cpu.databaseUs)}, pgbench ${us(cpu.generatorUs)}` +
          (ceiling === undefined ? '' : `; CPU-bound ceiling of the ratio (last round): ${ceiling.toFixed(2)}`),
      ];
    }),
    `ratio hot ÷ spread, the hub's own rates: ${formatRanged(orders.hotOverSpread)}`,
  ];
}

function steadyRateLines(rates: SteadyRateFigures[]): string[] {
  const rows = rates.map((r) => [
    `${Math.round(100 * r.share)}% = ${r.rate}/s`,
    `${r.hub.p50} / ${r.hub.p99} / ${r.hub.p999} / ${r.hub.max} ms`,
    `${r.baseline.p50} / ${r.baseline.p99} / ${r.baseline.p999} / ${r.baseline.max} ms` +
      (r.baseline.transactions < 0.9 * r.baseline.scheduled ? ` (behind: ${r.baseline.transactions} of ${r.baseline.scheduled})` : ''),
    `${(r.hub.p99 / r.baseline.p99).toFixed(2)}`,
    String(r.hub.errors), `${r.hub.worstSendLagMs} ms`, us(r.hub.cpu.hubUs), us(r.hub.cpu.generatorUs),
  ]);
  return [
    '',
    'spread create-order at steady rates (latency from each request\'s scheduled time):',
    ...table(['rate (share of baseline)', 'hub p50 / p99 / p99.9 / max', 'pgbench -R p50 / p99 / p99.9 / max', 'p99 ÷', 'errors', 'send lag', 'CPU/req: hub', 'generator'], rows),
    'where the hub\'s runs waited (event-loop lag beyond its monitor\'s 10 ms timer; placement and the wait for a statement from the hub\'s histograms; collections; database backends by wait, mean active per sample):',
    ...rates.map(({ share, stalls: s }) => `  ${Math.round(100 * share)}%: event-loop lag p99 ${s.eventLoopLagP99Ms} ms, max ${s.eventLoopLagMaxMs} ms;` +
      ` placement in the hub p99 ≈ ${s.placementP99Ms} ms, wait for a statement mean ${s.statementWaitMeanMs} ms, p99 ≈ ${s.statementWaitP99Ms} ms, ${Math.round(100 * s.waitedOverOneMs)} % of orders over 1 ms;` +
      ` ${s.gcPauses} collections, ${s.gcPauseTotalMs} ms in all, ${s.gcPausesOver10Ms} of 10 ms or more; ${s.checkpoints} checkpoints, ${s.autovacuums} autovacuum/analyze runs;` +
      ` backends: ${Object.entries(s.backends).map(([state, n]) => `${state} ${n}`).join(', ') || 'none active'}`),
  ];
}

function stockDepthLines(depth: StockDepthReport): string[] {
  const line = (label: string, figures: StockDepthFigures[]) => [
    `  ${label}: ${figures.map((f) => `${f.sold} sold: p50 ${f.p50Ms} ms, p95 ${f.p95Ms} ms`).join('; ')}` +
      `; largest ÷ smallest, p50: ${(figures.at(-1)!.p50Ms / figures[0]!.p50Ms).toFixed(2)}`,
  ];
  return ['', `create-order (place_order, one connection, ${depth.asSold[0]!.calls} calls each) by keys already sold from the offer:`,
    ...line('as sold', depth.asSold),
    ...(depth.vacuumed ? line(`after autovacuum (${depth.vacuumWaitSeconds} s later)`, depth.vacuumed) : [`  autovacuum did not run on the stock table within ${depth.vacuumWaitSeconds} s`])];
}

function claimLines({ queues, largestOverSmallest }: ClaimScenario): string[] {
  return [
    '',
    'claiming 8 due status checks (the worker\'s claim), by orders waiting on a supplier:',
    ...queues.map((c) => `  ${String(c.waiting).padStart(9)} waiting: p50 ${c.p50Ms} ms, p95 ${c.p95Ms} ms, max ${c.maxMs} ms, WAL ${(c.walBytesPerClaim / 1024).toFixed(1)} kB a claim (${c.claims} claims)`),
    ...(queues.length > 1 ? [
      `  largest ÷ smallest queue, p50: ${(queues.at(-1)!.p50Ms / queues[0]!.p50Ms).toFixed(2)}; by blocks of ${Math.ceil(queues[0]!.claims / largestOverSmallest.rounds.length)} rounds: ${formatRanged(largestOverSmallest, 2, 'blocks')}`,
    ] : []),
  ];
}

function webhookLines(w: NonNullable<Report['webhooks']>): string[] {
  const cost = 100 * (1 - w.ordersOn / w.ordersOff);
  return [
    `webhooks: create-order ${w.ordersOn} req/s with each shop's endpoint on vs ${w.ordersOff} off (${cost.toFixed(1)}% less);` +
      ` CPU per order, hub ${us(w.cpuOn.hubUs)} vs ${us(w.cpuOff.hubUs)}, database ${us(w.cpuOn.databaseUs)} vs ${us(w.cpuOff.databaseUs)}`,
    `  then the on-run's ${w.events} events delivered in ${w.drainSeconds.toFixed(1)} s: ${w.deliveredPerSecond}/s (signatures verified: ${w.verified})`,
  ];
}

export async function save(report: Report): Promise<void> {
  await mkdir('.bench', { recursive: true });
  await writeFile('.bench/last.json', `${JSON.stringify(report, null, 2)}\n`);
}
