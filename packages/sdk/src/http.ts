/**
 * One JSON request over Node's fetch, with the failure modes sorted into TransportError kinds.
 * It never decides what a status means: the clients do, because the two protocols differ
 * (the Partner API has an error shape, CodeGames has none).
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

export interface JsonRequest {
  baseUrl: string;
  method: 'GET' | 'POST';
  /** Starts with "/"; appended to baseUrl, which may carry a path prefix of its own. */
  path: string;
  token: string | undefined;
  body?: unknown;
  timeoutMs: number;
}

export interface RawAnswer {
  operation: string;
  status: number;
  text: string;
}

export async function sendJson(request: JsonRequest): Promise<RawAnswer> {
  const operation = `${request.method} ${request.path.split('?')[0]}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.token !== undefined) headers.authorization = request.token; // raw, no "Bearer": both specs say so
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  const signal = AbortSignal.timeout(request.timeoutMs);
  try {
    const response = await fetch(request.baseUrl.replace(/\/+$/, '') + request.path, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal,
      // A redirect of a POST would be replayed as a GET elsewhere: surface it instead.
      redirect: 'manual',
    });
    const text = await readCapped(response, operation);
    return { operation, status: response.status, text };
  } catch (error) {
    if (error instanceof TransportError) throw error;
    // The timeout covers the body too: fetch rejects, or the body read does, with the signal's reason.
    if (signal.aborted) {
      throw new TransportError('timeout', operation, `no complete answer within ${request.timeoutMs} ms`, { cause: error });
    }
    const reason = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new TransportError('network', operation, `connection failed: ${reason?.code ?? reason?.message ?? String(error)}`, { cause: error });
  }
}

async function readCapped(response: Response, operation: string): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new TransportError('bad-body', operation, `response body over ${MAX_BODY_BYTES} bytes`, { httpStatus: response.status });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const NOT_JSON = Symbol('not JSON');

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

export function isJson(value: unknown): boolean {
  return value !== NOT_JSON;
}

/** A 2xx body as the schema's type, or a bad-body TransportError. */
export function expectBody<T extends TSchema>(schema: T, answer: RawAnswer): Static<T> {
  const body = parseJson(answer.text);
  if (!isJson(body)) throw badBody(answer, 'the body is not JSON');
  if (!Value.Check(schema, body)) {
    const first = Value.Errors(schema, body).First();
    const where = first ? `${first.path || '/'}: ${first.message}` : 'does not match';
    throw badBody(answer, `the body does not match the schema (${where})`);
  }
  return body;
}

function badBody(answer: RawAnswer, message: string): TransportError {
  return new TransportError('bad-body', answer.operation, message, { httpStatus: answer.status, body: snippet(answer.text) });
}

export function unexpectedStatus(answer: RawAnswer, why: string): TransportError {
  return new TransportError('http-status', answer.operation, `HTTP ${answer.status}: ${why}`, {
    httpStatus: answer.status,
    body: snippet(answer.text),
  });
}

/** The body's start for an error message, with secret values replaced when it is JSON. */
export function snippet(text: string): string {
  const parsed = parseJson(text);
  const shown = isJson(parsed)
    ? JSON.stringify(parsed, (field, value) => (SECRET_FIELDS.has(field) && typeof value === 'string' ? '[redacted]' : value))
    : text;
  return shown.length > SNIPPET_CHARS ? `${shown.slice(0, SNIPPET_CHARS)}…` : shown;
}
