/**
 * The create-order scenarios in rounds. A round is, for each kind (spread, hot), pgbench on the
 * same SQL and then wrk against the hub; one more pgbench per kind closes the last round. So every
 * hub run is bracketed by two baseline runs of its own kind, the kinds alternate, and drift over
 * the run (table growth, the machine's other load) weighs on both sides of every ratio alike.
 * Each ratio is given per round and as the median of its rounds, with their range: a ratio whose
 * rounds disagree is noise, whatever its median.
 */
import type { CpuFigures } from './cpu.ts';
import type { HttpFigures, HttpScenario } from './http-load.ts';
import { pgbenchScript, type BaselineFigures } from './pgbench.ts';
import { ranged, type Ranged } from './ranged.ts';
import type { Seeded } from './seed.ts';

export type OrderKind = 'spread' | 'hot';

export interface OrderRound {
  hub: HttpFigures;
  baselineBefore: BaselineFigures;
  baselineAfter: BaselineFigures;
  /** The hub's rate over the mean of the two baseline runs around it. */
  ratio: number;
}

export interface OrderRounds {
  kind: OrderKind;
  rounds: OrderRound[];
  ratio: Ranged;
  hubRps: Ranged;
  baselineTps: Ranged;
}

export interface OrderFigures {
  kinds: OrderRounds[];
  /** The hub's hot rate over its spread rate, round by round. */
  hotOverSpread: Ranged;
}

export interface OrderRunner {
  /** wrk against the hub (from a checkpoint). */
  hub(scenario: HttpScenario): Promise<HttpFigures>;
  /** pgbench on the baseline's SQL (from a checkpoint). */
  baseline(kind: OrderKind, script: string): Promise<BaselineFigures>;
}

export function orderScenario(s: Seeded, kind: OrderKind, run: string): HttpScenario {
  const callers = kind === 'spread' ? s.merchants : s.merchants.slice(0, 1);
  const offerId = kind === 'spread' ? s.offers.spread : s.offers.hot;
  return {
    scenario: kind === 'spread' ? `create-order, ${s.merchants.length} merchants` : 'create-order, 1 hot merchant',
    method: 'POST',
    path: '/api/v1/offers/create-order',
    callers: callers.map((x) => ({ token: x.token, body: `{"offerId":${offerId},"price":${s.priceMinor / 100},"transactionId":"${kind}-${run}-{n}"}` })),
    mustContain: '"status":"COMPLETED"',
  };
}

/** The baseline's script for a kind: the same merchants, price and SQL as the hub's orders. */
export function baselineScript(s: Seeded, kind: OrderKind): string {
  const first = s.merchants[0]!.merchantId;
  const merchants = { from: first, to: kind === 'spread' ? s.merchants.at(-1)!.merchantId : first };
  return pgbenchScript(kind === 'spread' ? s.offers.baselineSpread : s.offers.baselineHot, s.priceMinor, merchants);
}

export async function orderRounds(seeded: Seeded, rounds: number, runId: string, runner: OrderRunner): Promise<OrderFigures> {
  const kinds: OrderKind[] = ['spread', 'hot'];
  const scripts = { spread: baselineScript(seeded, 'spread'), hot: baselineScript(seeded, 'hot') };
  const baselines = { spread: [] as BaselineFigures[], hot: [] as BaselineFigures[] };
  const hubs = { spread: [] as HttpFigures[], hot: [] as HttpFigures[] };
  for (let round = 0; round < rounds; round++) {
    for (const kind of kinds) {
      baselines[kind].push(await runner.baseline(kind, scripts[kind]));
      const scenario = orderScenario(seeded, kind, `${runId}r${round}`);
      hubs[kind].push(await runner.hub({ ...scenario, scenario: `${scenario.scenario} (round ${round + 1})` }));
    }
  }
  for (const kind of kinds) baselines[kind].push(await runner.baseline(kind, scripts[kind]));
  const byKind = kinds.map((kind): OrderRounds => {
    const each = hubs[kind].map((hub, i): OrderRound => {
      const [before, after] = [baselines[kind][i]!, baselines[kind][i + 1]!];
      return { hub, baselineBefore: before, baselineAfter: after, ratio: hub.rps / ((before.tps + after.tps) / 2) };
    });
    return {
      kind,
      rounds: each,
      ratio: ranged(each.map((r) => r.ratio)),
      hubRps: ranged(each.map((r) => r.hub.rps)),
      baselineTps: ranged(baselines[kind].map((b) => b.tps)),
    };
  });
  return { kinds: byKind, hotOverSpread: ranged(hubs.hot.map((hot, i) => hot.rps / hubs.spread[i]!.rps)) };
}

/** The mean CPU per baseline transaction over a kind's runs. */
export function baselineCpu(rounds: OrderRounds): CpuFigures {
  const all = [rounds.rounds[0]!.baselineBefore, ...rounds.rounds.map((r) => r.baselineAfter)];
  const mean = (pick: (c: CpuFigures) => number | undefined) => {
    const values = all.map((b) => pick(b.cpu));
    return values.some((v) => v === undefined) ? undefined : Math.round(values.reduce<number>((a, b) => a + b!, 0) / values.length);
  };
  return { hubUs: undefined, databaseUs: mean((c) => c.databaseUs), generatorUs: mean((c) => c.generatorUs)! };
}
