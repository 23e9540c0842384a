/**
 * The one JSON HTTP transport of the repository: the SDK's clients, the `dropgate` CLI, the test
 * suite and the benchmark all send their requests through HttpClient. It sorts the failure modes
 * into TransportError kinds and never decides what a status means: the callers do, because they
 * differ (the Partner API has an error shape, CodeGames has none, a test asserts on any status).
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { TransportError } from './errors.ts';

/** Bodies past this size are not answers we want to buffer (the largest real answer is a few KiB). */
const MAX_BODY_BYTES = 1024 * 1024;
/** How much of a bad body an error keeps: enough to diagnose, short enough to log. */
const SNIPPET_CHARS = 500;
/** Values never copied into an error (which ends up in logs): delivered keys and credentials. */
const SECRET_FIELDS = new Set(['key', 'productKey', 'token']);

export interface HttpClientOptions {
  /** The server's origin and any path prefix, e.g. `https://hub.example.com/admin/v1`. */
  baseUrl: string;
  /** The whole Authorization value: a raw token (both protocols say so, no "Bearer"), or `Bearer …`. */
  authorization?: string | undefined;
  /** Per call, covering connect, headers and body. Default 10 000 ms. */
  timeoutMs?: number;
  /** A longer body fails as `bad-body`. Default 1 MiB; `Infinity` reads any size. */
  maxBodyBytes?: number;
  /** Default false: a 3xx is answered as it is, since a redirected POST would be replayed as a GET elsewhere. */
  followRedirects?: boolean;
}

export interface HttpCall {
  /** Default: GET without a body, POST with one. */
  method?: string;
  /** Appended to baseUrl (e.g. `/api/v1/balance?page=2`); empty: baseUrl itself. */
  path?: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is instead of `body`: how tests send bodies no client would. */
  rawBody?: string;
  /** The body's content type. Default `application/json`. */
  contentType?: string;
  /** More request headers; they win over the ones above. */
  headers?: Record<string, string>;
  /** This call's body limit, instead of the client's (a catalog page is larger than any other answer). */
  maxBodyBytes?: number;
}

/** Any status: reading it is the caller's business. */
export interface HttpAnswer {
  /** Which call it was, e.g. `POST /pay` (never the token): errors name it. */
  operation: string;
  status: number;
  headers: Headers;
  text: string;
  /** The body as JSON; undefined when the text is not JSON (JSON itself never parses to undefined). */
  body: unknown;
}

export class HttpClient {
  readonly #baseUrl: string;
  readonly #authorization: string | undefined;
  readonly #timeoutMs: number;
  readonly #maxBodyBytes: number;
  readonly #redirect: RequestRedirect;

  constructor({ baseUrl, authorization, timeoutMs = 10_000, maxBodyBytes = MAX_BODY_BYTES, followRedirects = false }: HttpClientOptions) {
    if (!baseUrl) throw new TypeError('HttpClient: baseUrl is required');
    if (!(timeoutMs > 0)) throw new TypeError('HttpClient: timeoutMs must be positive');
    this.#baseUrl = baseUrl;
    this.#authorization = authorization;
    this.#timeoutMs = timeoutMs;
    this.#maxBodyBytes = maxBodyBytes;
    this.#redirect = followRedirects ? 'follow' : 'manual';
  }

  /** One request. Throws only TransportError (timeout, network, a body over the limit), never on a status. */
  async send(call: HttpCall = {}): Promise<HttpAnswer> {
    const path = call.path ?? '';
    const payload = call.rawBody ?? (call.body === undefined ? undefined : JSON.stringify(call.body));
    const method = call.method ?? (payload === undefined ? 'GET' : 'POST');
    const operation = `${method} ${path ? path.split('?')[0] : (URL.parse(this.#baseUrl)?.pathname ?? this.#baseUrl)}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#authorization !== undefined) headers.authorization = this.#authorization;
    if (payload !== undefined) headers['content-type'] = call.contentType ?? 'application/json';
    const signal = AbortSignal.timeout(this.#timeoutMs);
    try {
      const url = path ? this.#baseUrl.replace(/\/+$/, '') + path : this.#baseUrl;
      const response = await fetch(url, { method, headers: { ...headers, ...call.headers }, body: payload, signal, redirect: this.#redirect });
      const text = await readCapped(response, operation, call.maxBodyBytes ?? this.#maxBodyBytes);
      return { operation, status: response.status, headers: response.headers, text, body: parseJson(text) };
    } catch (error) {
      if (error instanceof TransportError) throw error;
      // The timeout covers the body too: fetch rejects, or the body read does, with the signal's reason.
      if (signal.aborted) {
        throw new TransportError('timeout', operation, `no complete answer within ${this.#timeoutMs} ms`, { cause: error });
      }
      const reason = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new TransportError('network', operation, `connection failed: ${reason?.code ?? reason?.message ?? String(error)}`, { cause: error });
    }
  }
}

async function readCapped(response: Response, operation: string, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new TransportError('bad-body', operation, `response body over ${maxBytes} bytes`, { httpStatus: response.status });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The text as JSON, or undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A 2xx body as the schema's type, or a bad-body TransportError. */
export function expectBody<T extends TSchema>(schema: T, answer: HttpAnswer): Static<T> {
  if (answer.body === undefined) throw badBody(answer, 'the body is not JSON');
  if (!Value.Check(schema, answer.body)) {
    const first = Value.Errors(schema, answer.body).First();
    const where = first ? `${first.path || '/'}: ${first.message}` : 'does not match';
    throw badBody(answer, `the body does not match the schema (${where})`);
  }
  return answer.body;
}

function badBody(answer: HttpAnswer, message: string): TransportError {
  return new TransportError('bad-body', answer.operation, message, { httpStatus: answer.status, body: snippet(answer.text) });
}

export function unexpectedStatus(answer: HttpAnswer, why: string): TransportError {
  return new TransportError('http-status', answer.operation, `HTTP ${answer.status}: ${why}`, {
    httpStatus: answer.status,
    body: snippet(answer.text),
  });
}

/** The body's start for an error message, with secret values replaced when it is JSON. */
export function snippet(text: string): string {
  const parsed = parseJson(text);
  const shown = parsed !== undefined
    ? JSON.stringify(parsed, (field, value) => (SECRET_FIELDS.has(field) && typeof value === 'string' ? '[redacted]' : value))
    : text;
  return shown.length > SNIPPET_CHARS ? `${shown.slice(0, SNIPPET_CHARS)}…` : shown;
}

export function isSuccess(answer: HttpAnswer): boolean {
  return answer.status >= 200 && answer.status < 300;
}
