/**
 * What per-shop rate limits cost on the create-order path: the same load with limits off (the
 * bench hub runs with DROPGATE_RATE_LIMIT=0), then with a generous limit set on every seeded shop
 * through the operator API (the default, 60,000 requests a minute), in one run. The runs go off,
 * on, on, off, so that drift over the run (table growth, the machine's other load) weighs on both
 * sides alike; each side is the mean of its two runs.
 */
import { HttpClient } from '@dropgate/sdk';
import type { HttpFigures, HttpScenario } from './http-load.ts';
import { ADMIN_TOKEN } from './hub-process.ts';
import type { Seeded } from './seed.ts';

/** Runs of the comparison: off, on, on, off, for each of spread and hot (seed enough keys for them). */
export const LIMITS_RUNS = 8;

/** Generous: the deployment's default, far above what one shop sends here. */
export const GENEROUS_LIMIT = 60_000;

export interface LimitsFigures {
  kind: 'spread' | 'hot';
  off: number;
  on: number;
  limit: number;
}

export async function limitsScenario(options: {
  url: string;
  seeded: Seeded;
  runId: string;
  load: (scenario: HttpScenario) => Promise<HttpFigures>;
}): Promise<{ http: HttpFigures[]; figures: LimitsFigures[] }> {
  const { seeded, runId } = options;
  const operatorApi = new HttpClient({ baseUrl: `${options.url}/admin/v1`, authorization: `Bearer ${ADMIN_TOKEN}`, timeoutMs: 60_000 });
  const setLimit = async (rateLimit: number | null) => {
    // Shop ids equal merchant ids in the seed (seed.ts checks it).
    for (const merchant of seeded.merchants) {
      const answer = await operatorApi.send({ method: 'PUT', path: `/shops/${merchant.merchantId}/limits`, body: { rateLimit } });
      if (answer.status !== 200) throw new Error(`setting a shop's limit: ${answer.status} ${answer.text}`);
    }
  };
  const http: HttpFigures[] = [];
  const figures: LimitsFigures[] = [];
  for (const kind of ['spread', 'hot'] as const) {
    const callers = kind === 'spread' ? seeded.merchants : seeded.merchants.slice(0, 1);
    const scenario = (state: 'off' | 'on', n: number): HttpScenario => ({
      scenario: `limits ${state} (${n}): create-order, ${kind === 'spread' ? `${callers.length} merchants` : '1 hot merchant'}`,
      method: 'POST',
      path: '/api/v1/offers/create-order',
      callers: callers.map((x) => ({ token: x.token, body: `{"offerId":${seeded.offers.limits},"price":${seeded.priceMinor / 100},"transactionId":"limits-${kind}-${state}${n}-${runId}-{n}"}` })),
      mustContain: '"status":"COMPLETED"',
    });
    const rps = { off: [] as number[], on: [] as number[] };
    for (const state of ['off', 'on', 'on', 'off'] as const) {
      await setLimit(state === 'on' ? GENEROUS_LIMIT : null);
      const figures = await options.load(scenario(state, rps[state].length + 1));
      rps[state].push(figures.rps);
      http.push(figures);
    }
    figures.push({ kind, off: mean(rps.off), on: mean(rps.on), limit: GENEROUS_LIMIT });
  }
  await setLimit(null);
  return { http, figures };
}

function mean(values: number[]): number {
  return Math.round(values.reduce((a, b) => a + b, 0) / values.length);
}
