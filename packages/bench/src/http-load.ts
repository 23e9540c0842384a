/**
 * One HTTP scenario with autocannon, from this process (the hub runs in its own): requests/s,
 * latency percentiles, errors, and the hub's peak RSS while it ran.
 */
import autocannon from 'autocannon';
import { sampleRss } from './rss.ts';

export interface HttpRequestSpec {
  method: 'GET' | 'POST';
  path: string;
  token: string;
  body?: unknown;
}

export interface HttpFigures {
  scenario: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  peakRssMb: number;
}

export async function httpScenario(options: {
  scenario: string;
  url: string;
  connections: number;
  seconds: number;
  hubPid: number;
  /** The n-th request of the run. */
  request: (n: number) => HttpRequestSpec;
  /** A 2xx that still did not do what the scenario wants (a create-order not COMPLETED). */
  isFailure?: (body: string) => boolean;
}): Promise<HttpFigures> {
  let n = 0;
  let failures = 0;
  const rss = sampleRss(options.hubPid);
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    requests: [{
      setupRequest: (request: any) => {
        const spec = options.request(n++);
        return {
          ...request,
          method: spec.method,
          path: spec.path,
          headers: { authorization: spec.token, ...(spec.body !== undefined && { 'content-type': 'application/json' }) },
          body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        };
      },
      ...(options.isFailure && { onResponse: (status: number, body: string) => { if (status < 300 && options.isFailure!(body)) failures += 1; } }),
    }],
  });
  return {
    scenario: options.scenario,
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts + result.non2xx + failures,
    peakRssMb: rss.stop(),
  };
}
