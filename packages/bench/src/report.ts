/** The bench's figures: a table on stdout, and .bench/last.json with the machine and commit. */
import { execSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import type { ClaimFigures } from './claim.ts';
import type { CpuFigures } from './cpu.ts';
import type { HttpFigures } from './http-load.ts';
import type { LimitsFigures } from './limits.ts';
import type { WebhookFigures } from './webhooks.ts';

/** The hub's order rate against the database's own, running the same SQL without HTTP or Node. */
export interface OrderRatio {
  scenario: 'spread' | 'hot';
  hubRps: number;
  /** The mean of the two pgbench runs, before and after the hub's. */
  baselineTps: number;
  baselineBefore: number;
  baselineAfter: number;
  ratio: number;
  /** pgbench's side: the database's CPU and pgbench's own, per transaction (mean of both runs). */
  baselineCpu: CpuFigures;
}

/**
 * The ratio the machine allows when its CPU is the limit: the CPU a baseline transaction costs
 * (database + pgbench) over the CPU a hub order costs (database + hub + wrk). Undefined when the
 * database is not the hub's own (an external server's CPU is not ours to count).
 */
export function cpuCeiling(hub: CpuFigures, baseline: CpuFigures): number | undefined {
  if (hub.databaseUs === undefined || hub.hubUs === undefined || baseline.databaseUs === undefined) return undefined;
  return (baseline.databaseUs + baseline.generatorUs) / (hub.databaseUs + hub.hubUs + hub.generatorUs);
}

export interface Report {
  date: string;
  commit: string;
  machine: { cpu: string; cores: number; memoryGb: number; node: string };
  database: 'embedded' | 'external';
  connections: number;
  seconds: number;
  seedSeconds: number;
  /** Of the machine's CPU time during the measured runs, the share the hypervisor gave elsewhere. */
  cpuSteal: number;
  http: HttpFigures[];
  ratios: OrderRatio[];
  claims: ClaimFigures[];
  /** create-order with shop rate limits off, then on (a generous limit), back to back. */
  limits: LimitsFigures[];
  /** The catalog feed: its last page's p50 over its first's, over this many offers. */
  feed: { offers: number; lastOverFirstP50: number };
  /** Create-order on the same shops with their webhook endpoints off, then on, and the delivery that followed. */
  webhooks: WebhookFigures & { ordersOff: number; ordersOn: number; cpuOff: CpuFigures; cpuOn: CpuFigures };
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
  const us = (value: number | undefined) => (value === undefined ? 'n/a' : `${value} µs`);
  const rows = report.http.map((h) => [
    h.scenario, String(h.rps), `${h.p50} ms`, `${h.p99} ms`, `${h.max} ms`, String(h.errors), `${h.peakRssMb} MB`,
    us(h.cpu.hubUs), us(h.cpu.databaseUs), us(h.cpu.generatorUs),
  ]);
  const header = ['scenario', 'req/s', 'p50', 'p99', 'max', 'errors', 'hub peak RSS', 'CPU/req: hub', 'database', 'wrk'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [
    `Dropgate bench — ${report.date}, commit ${report.commit}, ${report.machine.cores} × ${report.machine.cpu}, ${report.machine.memoryGb} GiB, Node ${report.machine.node}`,
    `database: ${report.database}; ${report.connections} connections; ${report.seconds} s per scenario; seeding took ${report.seedSeconds.toFixed(1)} s; ` +
      `CPU steal during the runs: ${(100 * report.cpuSteal).toFixed(1)}%`,
    '',
    line(header),
    ...rows.map(line),
    '',
    ...report.ratios.flatMap((r) => {
      const hub = report.http.find((h) => h.scenario.startsWith('create-order') && (r.scenario === 'hot') === h.scenario.includes('hot'))!;
      const ceiling = cpuCeiling(hub.cpu, r.baselineCpu);
      return [
        `ratio ${r.scenario}: hub ${r.hubRps} req/s ÷ baseline ${r.baselineTps} tps = ${r.ratio.toFixed(2)}` +
          `   (pgbench, same SQL, ${report.connections} clients: ${r.baselineBefore} tps before the hub's run, ${r.baselineAfter} after)`,
        `  CPU per transaction in the baseline: database ${us(r.baselineCpu.databaseUs)}, pgbench ${us(r.baselineCpu.generatorUs)}` +
          (ceiling === undefined ? '' : `; CPU-bound ceiling of the ratio: ${ceiling.toFixed(2)}`),
      ];
    }),
    ...ratioOf(report, 'hot', 'spread'),
    ...report.limits.map((l) => `rate limits on ÷ off, create-order ${l.kind} (limit ${l.limit}/min per shop): ${l.on} ÷ ${l.off} req/s = ${(l.on / l.off).toFixed(2)}`),
    ...webhookLines(report.webhooks),
    `sync over ${report.feed.offers} offers: last page ÷ first page, p50: ${report.feed.lastOverFirstP50.toFixed(2)} (flat is 1.00)`,
    '',
    'claiming 8 due status checks (the worker\'s claim), by orders waiting on a supplier:',
    ...report.claims.map((c) => `  ${String(c.waiting).padStart(9)} waiting: p50 ${c.p50Ms} ms, p95 ${c.p95Ms} ms, max ${c.maxMs} ms (${c.claims} claims)`),
    ...(report.claims.length > 1 ? [`  largest ÷ smallest queue, p50: ${(report.claims.at(-1)!.p50Ms / report.claims[0]!.p50Ms).toFixed(2)}`] : []),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

function webhookLines(w: Report['webhooks']): string[] {
  const cost = 100 * (1 - w.ordersOn / w.ordersOff);
  const us = (x: number | undefined) => (x === undefined ? 'n/a' : `${x} µs`);
  return [
    `webhooks: create-order ${w.ordersOn} req/s with each shop's endpoint on vs ${w.ordersOff} off (${cost.toFixed(1)}% less);` +
      ` CPU per order, hub ${us(w.cpuOn.hubUs)} vs ${us(w.cpuOff.hubUs)}, database ${us(w.cpuOn.databaseUs)} vs ${us(w.cpuOff.databaseUs)}`,
    `  then the on-run's ${w.events} events delivered in ${w.drainSeconds.toFixed(1)} s: ${w.deliveredPerSecond}/s (signatures verified: ${w.verified})`,
  ];
}

function ratioOf(report: Report, a: 'hot', b: 'spread'): string[] {
  const [x, y] = [report.ratios.find((r) => r.scenario === a), report.ratios.find((r) => r.scenario === b)];
  return x && y ? [`ratio ${a} ÷ ${b}: ${x.hubRps} ÷ ${y.hubRps} req/s = ${(x.hubRps / y.hubRps).toFixed(2)}`] : [];
}

export async function save(report: Report): Promise<void> {
  await mkdir('.bench', { recursive: true });
  await writeFile('.bench/last.json', `${JSON.stringify(report, null, 2)}\n`);
}
