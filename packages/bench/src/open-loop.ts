/**
 * Latency at a steady rate: the hub under open-loop HTTP load (open-loop-runner.ts, a process of
 * its own) and the baseline under `pgbench -R` at the same rate, each request's latency counted
 * from its scheduled time on both sides.
 *
 * Why a generator of our own: wrk is closed-loop (a stalled request delays the ones behind it,
 * which are then never sent late), wrk2 is not packaged here, and at a fixed rate below
 * saturation the generator's CPU is not what limits the run. It writes raw requests on keep-alive
 * sockets (Node's http client cost more per request than the hub); it still costs more than wrk,
 * and the report prints its CPU beside the hub's so that it can be read against both.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { countCpu, type CpuFigures, type CpuSubjects } from './cpu.ts';
import type { Caller } from './http-load.ts';
import type { OpenLoopPlan, OpenLoopResult } from './open-loop-runner.ts';
import { runPgbenchAtRate, type RateLatency } from './pgbench.ts';
import { watchStalls, type HubMetricsSource, type StallFigures } from './stalls.ts';

const run = promisify(execFile);
const RUNNER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'open-loop-runner.ts');

/** One rate, both sides: the hub's latency and the baseline's, from their schedules. */
export interface SteadyRateFigures {
  share: number;
  rate: number;
  hub: OpenLoopResult & { cpu: CpuFigures };
  baseline: RateLatency;
  /** What the hub's requests waited on during its run. */
  stalls: StallFigures;
}

export async function openLoop(plan: OpenLoopPlan, cpu: CpuSubjects & { hubPid: number }): Promise<OpenLoopResult & { cpu: CpuFigures }> {
  const counting = countCpu(cpu);
  const { stdout } = await run(process.execPath, [RUNNER, JSON.stringify(plan)], { maxBuffer: 1024 * 1024 });
  const result = JSON.parse(stdout) as OpenLoopResult;
  return { ...result, cpu: counting.per(result.scheduled) };
}

export interface SteadyRateOptions {
  url: string;
  path: string;
  /** The callers of one run: each run needs transactionIds of its own. */
  callers: (run: string) => Caller[];
  mustContain: string;
  /** The baseline's closed-loop throughput: the rates are shares of it. */
  baselineTps: number;
  shares: number[];
  seconds: number;
  warmUpSeconds: number;
  sockets: number;
  pgbench: { databaseUrl: string; databasePid: number | undefined; script: string; clients: number };
  cpu: CpuSubjects & { hubPid: number };
  metrics: HubMetricsSource;
  /** Called before each run (a checkpoint), so that no run pays for the one before. */
  beforeEach: () => Promise<void>;
}

/** For each share of the baseline's throughput: the baseline at that rate, then the hub. */
export async function steadyRates(options: SteadyRateOptions): Promise<SteadyRateFigures[]> {
  const figures: SteadyRateFigures[] = [];
  for (const share of options.shares) {
    const rate = Math.max(1, Math.round(options.baselineTps * share));
    await options.beforeEach();
    const baseline = await runPgbenchAtRate({ ...options.pgbench, rate, seconds: options.seconds, warmUpSeconds: options.warmUpSeconds });
    await options.beforeEach();
    const watch = await watchStalls(options.metrics, options.pgbench.databaseUrl);
    const hub = await openLoop({
      url: options.url, method: 'POST', path: options.path, callers: options.callers(`rate${share}`), rate,
      warmUpSeconds: options.warmUpSeconds, seconds: options.seconds, sockets: options.sockets, mustContain: options.mustContain,
    }, options.cpu);
    figures.push({ share, rate, hub, baseline, stalls: await watch.stop() });
  }
  return figures;
}
