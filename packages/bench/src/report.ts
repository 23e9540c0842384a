/** The bench's figures: a table on stdout, and .bench/last.json with the machine and commit. */
import { execSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import type { HttpFigures } from './http-load.ts';
import type { BaselineFigures } from './pgbench.ts';

export interface Report {
  date: string;
  commit: string;
  machine: { cpu: string; cores: number; memoryGb: number; node: string };
  database: 'embedded' | 'external';
  connections: number;
  seconds: number;
  seedSeconds: number;
  http: HttpFigures[];
  baseline: BaselineFigures[];
  ratios: Array<{ scenario: string; hubRps: number; baselineTps: number; ratio: number }>;
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
  const rows = report.http.map((h) => [h.scenario, String(h.rps), `${h.p50} ms`, `${h.p99} ms`, `${h.max} ms`, String(h.errors), `${h.peakRssMb} MB`]);
  const header = ['scenario', 'req/s', 'p50', 'p99', 'max', 'errors', 'hub peak RSS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [
    `Dropgate bench — ${report.date}, commit ${report.commit}, ${report.machine.cores} × ${report.machine.cpu}, ${report.machine.memoryGb} GiB, Node ${report.machine.node}`,
    `database: ${report.database}; ${report.connections} connections; ${report.seconds} s per scenario; seeding took ${report.seedSeconds.toFixed(1)} s`,
    '',
    line(header),
    ...rows.map(line),
    '',
    ...report.baseline.map((b) => `baseline ${b.scenario}: ${b.tps} tps, latency avg ${b.latencyAvgMs} ms (pgbench, same SQL, ${report.connections} clients)`),
    ...report.ratios.map((r) => `ratio ${r.scenario}: hub ${r.hubRps} req/s ÷ baseline ${r.baselineTps} tps = ${r.ratio.toFixed(2)}`),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

export async function save(report: Report): Promise<void> {
  await mkdir('.bench', { recursive: true });
  await writeFile('.bench/last.json', `${JSON.stringify(report, null, 2)}\n`);
}
