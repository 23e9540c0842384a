/**
 * One HTTP scenario, driven by wrk from its own process: requests/s, latency percentiles, errors,
 * and the hub's peak RSS while it ran.
 *
 * Why wrk and not autocannon: on a two-core machine the load generator, the hub and PostgreSQL
 * share the CPU, and every cycle the generator spends is taken from the system under test.
 * autocannon builds each request in JavaScript and needed most of a core to drive find-one;
 * wrk (C, with a LuaJIT request generator) drives the same load at a fraction of that. The
 * pgbench baseline is C too, so both sides of each ratio pay a like-for-like generator.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { countCpu, type CpuFigures, type CpuSubjects } from './cpu.ts';
import { sampleRss } from './rss.ts';

const run = promisify(execFile);

/** Who sends a request, and what: `{n}` in the body becomes a number unique within the run. */
export interface Caller {
  token: string;
  body?: string;
}

export interface HttpScenario {
  scenario: string;
  method: 'GET' | 'POST';
  path: string;
  /** Requests go round-robin over these callers. */
  callers: Caller[];
  /** A 2xx body must contain this, or the request counts as an error (a create-order not COMPLETED). */
  mustContain?: string;
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
  cpu: CpuFigures;
  /** create-order: the orders each placing statement carried, on average (the hub's batches). */
  meanBatch?: number;
}

export async function httpScenario(
  options: HttpScenario & { url: string; connections: number; seconds: number; cpu: CpuSubjects & { hubPid: number } },
): Promise<HttpFigures> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dropgate-wrk-'));
  const script = path.join(dir, 'scenario.lua');
  await writeFile(script, luaScript(options), { mode: 0o600 });
  const rss = sampleRss(options.cpu.hubPid);
  const cpu = countCpu(options.cpu);
  try {
    const { stdout } = await run('wrk', [
      '-t', '1', '-c', String(options.connections), '-d', `${options.seconds}s`, '--timeout', '10s', '-s', script, `${options.url}${options.path}`,
    ], { maxBuffer: 10 * 1024 * 1024 }).catch((error: NodeJS.ErrnoException & { stdout?: string }) => {
      if (error.code === 'ENOENT') throw new Error('wrk is not installed: apt-get install wrk (see docs/benchmarks.md)');
      throw error;
    });
    const line = /^DROPGATE (.*)$/m.exec(stdout)?.[1];
    if (!line) throw new Error(`could not read wrk's output:\n${stdout}`);
    const [requests, durationUs, p50, p99, max, errors] = line.split(' ').map(Number) as [number, number, number, number, number, number];
    return {
      scenario: options.scenario,
      requests,
      rps: Math.round(requests / (durationUs / 1e6)),
      p50: ms(p50),
      p99: ms(p99),
      max: ms(max),
      errors,
      peakRssMb: rss.stop(),
      cpu: cpu.per(requests),
    };
  } finally {
    rss.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** wrk reports microseconds; a tenth of a millisecond is all the precision a figure here carries. */
const ms = (us: number) => Math.round(us / 100) / 10;

const lua = (text: string) => JSON.stringify(text); // a JSON string literal is a valid Lua string literal for our ASCII

/** The wrk script: callers round-robin, unique numbers per request, errors counted in `done`. */
function luaScript(options: HttpScenario): string {
  const callers = options.callers.map((c) => {
    const [before, after] = (c.body ?? '').split('{n}');
    return `{ token = ${lua(c.token)}, before = ${lua(before ?? '')}, after = ${after === undefined ? 'nil' : lua(after)} }`;
  });
  return `
local callers = { ${callers.join(',\n  ')} }
local method, must = ${lua(options.method)}, ${options.mustContain ? lua(options.mustContain) : 'nil'}
-- globals: setup() runs in the main state and sets "tid" in each thread's own state
threads, counter, failures, tid, created = {}, 0, 0, 0, 0

function setup(thread)
  created = created + 1
  thread:set("tid", created)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local c = callers[(counter + tid) % #callers + 1]
  local headers = { ["Authorization"] = c.token }
  local body = nil
  if c.after ~= nil then
    body = c.before .. tid .. "-" .. counter .. c.after
  elseif c.before ~= "" then
    body = c.before
  end
  if body ~= nil then headers["Content-Type"] = "application/json" end
  return wrk.format(method, nil, headers, body)
end

${options.mustContain ? `function response(status, headers, body)
  if status < 300 and not string.find(body, must, 1, true) then failures = failures + 1 end
end` : ''}

function done(summary, latency, requests)
  local failed = 0
  for _, t in ipairs(threads) do failed = failed + (t:get("failures") or 0) end
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout + failed
  io.write(string.format("DROPGATE %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), latency.max, errors))
end
`;
}
