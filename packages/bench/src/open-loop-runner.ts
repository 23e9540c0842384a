/**
 * The open-loop load generator, run as a process of its own (open-loop.ts starts it): requests
 * are sent on a fixed schedule, one every 1/rate seconds, whether or not earlier ones have been
 * answered, and each request's latency counts from its scheduled time. A hub that stalls for 100
 * ms therefore shows 100 ms of latency on every request scheduled in that window, as a merchant's
 * clients would see it, instead of the closed loop's single slow request (the coordinated
 * omission wrk2 corrects for; wrk2 is not packaged here).
 *
 * Input: one JSON argument (OpenLoopPlan). Output: one JSON line on stdout (OpenLoopResult), and
 * the line `counting` on stderr when the first counted request is sent (the warm-up is over).
 */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { quantile } from './ranged.ts';

export interface OpenLoopPlan {
  url: string;
  method: 'GET' | 'POST';
  path: string;
  /** Round-robin; `{n}` in a body becomes a number unique within the run. */
  callers: Array<{ token: string; body?: string }>;
  rate: number;
  /** Requests scheduled in the warm-up are sent but not counted. */
  warmUpSeconds: number;
  seconds: number;
  /** Sockets to the hub: enough that the generator itself never queues at the rates it is given. */
  sockets: number;
  mustContain?: string;
}

export interface OpenLoopResult {
  scheduled: number;
  counted: number;
  errors: number;
  /** Latency from each request's scheduled time, ms. */
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** The schedule the generator kept: how late, at worst, a request left (ms). */
  worstSendLagMs: number;
}

const RESPONSE_TIMEOUT_MS = 10_000;
const HEADER_END = Buffer.from('\r\n\r\n');

/** A request that is due: its number (for the body) and its scheduled time. */
interface Due {
  n: number;
  at: number;
}

/**
 * One keep-alive connection, one request at a time, on a raw socket: Node's http client costs
 * several times what the hub spends on a request, and on two cores the generator's CPU is taken
 * from the system under test. The hub answers with Content-Length (never chunked), which is all
 * this parser reads.
 */
class Connection {
  readonly #socket: net.Socket;
  readonly #onAnswer: (due: Due, ok: boolean, connection: Connection) => void;
  readonly #mustContain: Buffer | undefined;
  #received: Buffer = Buffer.alloc(0);
  #current: Due | undefined;
  constructor(url: URL, mustContain: Buffer | undefined, onAnswer: (due: Due, ok: boolean, connection: Connection) => void) {
    this.#onAnswer = onAnswer;
    this.#mustContain = mustContain;
    this.#socket = net.connect(Number(url.port), url.hostname);
    this.#socket.setNoDelay(true);
    this.#socket.on('data', (chunk: Buffer) => this.#read(chunk));
    this.#socket.on('error', () => this.#fail());
    this.#socket.on('close', () => this.#fail());
  }
  get idle(): boolean {
    return this.#current === undefined && !this.#socket.destroyed;
  }
  send(due: Due, bytes: Buffer): void {
    this.#current = due;
    this.#socket.write(bytes);
  }
  close(): void {
    this.#socket.destroy();
  }
  #read(chunk: Buffer): void {
    this.#received = this.#received.length === 0 ? chunk : Buffer.concat([this.#received, chunk]);
    const headerEnd = this.#received.indexOf(HEADER_END);
    if (headerEnd < 0 || !this.#current) return;
    const head = this.#received.subarray(0, headerEnd).toString('latin1');
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1]);
    if (!Number.isFinite(length)) throw new Error(`an answer without Content-Length: ${head}`);
    const end = headerEnd + HEADER_END.length + length;
    if (this.#received.length < end) return;
    const status = Number(head.slice(9, 12));
    const body = this.#received.subarray(headerEnd + HEADER_END.length, end);
    this.#received = this.#received.subarray(end);
    const due = this.#current;
    this.#current = undefined;
    this.#onAnswer(due, status < 300 && (this.#mustContain === undefined || body.includes(this.#mustContain)), this);
  }
  #fail(): void {
    const due = this.#current;
    this.#current = undefined;
    if (due) this.#onAnswer(due, false, this);
  }
}

async function run(plan: OpenLoopPlan): Promise<OpenLoopResult> {
  const target = new URL(plan.path, plan.url);
  const mustContain = plan.mustContain === undefined ? undefined : Buffer.from(plan.mustContain);
  const requestOf = requestBuilder(plan, target);
  const interval = 1000 / plan.rate;
  const total = Math.round(plan.rate * (plan.warmUpSeconds + plan.seconds));
  const firstCounted = Math.round(plan.rate * plan.warmUpSeconds);
  // A request never answered counts as the timeout: a lower bound, never a hidden zero.
  const latencies = new Float64Array(total - firstCounted).fill(RESPONSE_TIMEOUT_MS);
  let errors = 0;
  let answered = 0;
  let worstSendLagMs = 0;
  // Due requests no connection was free for: sent, oldest first, as connections free up.
  const waiting: Due[] = [];
  const onAnswer = (due: Due, ok: boolean, connection: Connection) => {
    if (due.n >= firstCounted) {
      latencies[due.n - firstCounted] = performance.now() - due.at;
      if (!ok) errors++;
    }
    answered++;
    const next = waiting.shift();
    if (next && connection.idle) connection.send(next, requestOf(next.n));
    else if (next) waiting.unshift(next);
  };
  const connections = Array.from({ length: plan.sockets }, () => new Connection(target, mustContain, onAnswer));
  await sleep(100); // connected
  const start = performance.now();
  for (let n = 0; n < total;) {
    const now = performance.now();
    for (; n < total && start + n * interval <= now; n++) {
      const due = { n, at: start + n * interval };
      if (n === firstCounted) process.stderr.write('counting\n');
      worstSendLagMs = Math.max(worstSendLagMs, now - due.at);
      const free = connections.find((c) => c.idle);
      if (free) free.send(due, requestOf(n));
      else waiting.push(due);
    }
    await sleep(Math.max(0, Math.min(1, start + n * interval - performance.now())));
  }
  for (const deadline = performance.now() + RESPONSE_TIMEOUT_MS + 1000; answered < total && performance.now() < deadline;) await sleep(5);
  for (const connection of connections) connection.close();
  const sorted = latencies.sort();
  const at = (q: number) => round(quantile(sorted, q));
  return {
    scheduled: total, counted: latencies.length, errors: errors + (total - answered),
    p50: at(0.5), p99: at(0.99), p999: at(0.999), max: round(sorted.at(-1) ?? 0), worstSendLagMs: round(worstSendLagMs),
  };
}

/** The bytes of request n: the callers round-robin, `{n}` in a body made unique. */
function requestBuilder(plan: OpenLoopPlan, target: URL): (n: number) => Buffer {
  return (n) => {
    const caller = plan.callers[n % plan.callers.length]!;
    const body = caller.body?.replace('{n}', String(n));
    const headers = [`${plan.method} ${target.pathname} HTTP/1.1`, `Host: ${target.host}`, `Authorization: ${caller.token}`];
    if (body !== undefined) headers.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`);
    return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body ?? ''}`);
  };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

const result = await run(JSON.parse(process.argv[2]!) as OpenLoopPlan);
process.stdout.write(`${JSON.stringify(result)}\n`);
