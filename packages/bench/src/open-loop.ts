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
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { countCpu, type CpuFigures, type CpuSubjects } from './cpu.ts';
import type { Caller } from './http-load.ts';
import type { OpenLoopPlan, OpenLoopResult } from './open-loop-runner.ts';
import { runPgbenchAtRate, type RateLatency } from './pgbench.ts';
import { watchStalls, type HubMetricsSource, type StallFigures } from './stalls.ts';

const RUNNER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'open-loop-runner.ts');
/** The line the runner writes on stderr when its warm-up ends. */
const COUNTING_SIGNAL = 'counting';

/** One rate, both sides: the hub's latency and the baseline's, from their schedules. */
export interface SteadyRateFigures {
  share: number;
  rate: number;
  hub: OpenLoopResult & { cpu: CpuFigures };
  baseline: RateLatency;
  /** What the hub's requests waited on during its run. */
  stalls: StallFigures;
}

/** Runs the generator; `onCounting` is called when its warm-up ends and its counted requests begin. */
export async function openLoop(
  plan: OpenLoopPlan, cpu: CpuSubjects & { hubPid: number }, onCounting?: () => void,
): Promise<OpenLoopResult & { cpu: CpuFigures }> {
  const counting = countCpu(cpu);
  const runner = spawn(process.execPath, [RUNNER, JSON.stringify(plan)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  runner.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
  runner.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    if (stderr.includes(`${COUNTING_SIGNAL}\n`)) {
      stderr = stderr.replace(`${COUNTING_SIGNAL}\n`, '');
      onCounting?.();
    }
  });
  const code = await new Promise<number | null>((resolve, reject) => runner.on('error', reject).on('close', resolve));
  if (code !== 0) throw new Error(`the open-loop generator exited with ${code}: ${stderr.trim()}`);
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
    // The stalls are read over the counted requests only, as the latencies are: not the warm-up's.
    let watching: ReturnType<typeof watchStalls> | undefined;
    const hub = await openLoop({
      url: options.url, method: 'POST', path: options.path, callers: options.callers(`rate${share}`), rate,
      warmUpSeconds: options.warmUpSeconds, seconds: options.seconds, sockets: options.sockets, mustContain: options.mustContain,
    }, options.cpu, () => { watching = watchStalls(options.metrics, options.pgbench.databaseUrl); });
    if (watching === undefined) throw new Error('the open-loop generator never reached its counted requests');
    figures.push({ share, rate, hub, baseline, stalls: await (await watching).stop() });
  }
  return figures;
}
