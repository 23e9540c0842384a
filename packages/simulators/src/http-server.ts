/**
 * The small HTTP layer both simulators share: a JSON server on loopback that can answer now,
 * answer later, or never answer (the fault cases), and stops cleanly with requests still held.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Requests are tiny JSON objects; anything larger is a client bug, not something to buffer. */
const MAX_REQUEST_BYTES = 64 * 1024;

export const NOT_JSON = Symbol('not JSON');

/** What a handler answers: JSON, or raw text (the garbage and 5xx faults need non-JSON bodies). */
export type Answer = { status: number; json: unknown } | { status: number; text: string; contentType?: string };

export interface Exchange {
  method: string;
  /** Without the query string. */
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  /** The parsed JSON body; NOT_JSON when the body is not JSON; undefined when there is none. */
  body: unknown;
  send(answer: Answer): void;
  /** False once the client has gone (a long poll it aborted). */
  isOpen(): boolean;
}

export interface JsonServer {
  url: string;
  /** Runs `action` after `ms`, unless the server stops first. */
  later(ms: number, action: () => void): void;
  stop(): Promise<void>;
}

export interface ListenOptions {
  port?: number;
  host?: string;
}

export async function startJsonServer(
  { port = 0, host = '127.0.0.1' }: ListenOptions,
  handle: (exchange: Exchange) => void,
): Promise<JsonServer> {
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((request, response) => {
    readBody(request).then(
      (raw) => {
        try {
          handle(exchangeOf(request, response, raw));
        } catch (error) {
          // A simulator bug: say so plainly, so it is not mistaken for an injected fault.
          write(response, { status: 500, text: `simulator bug: ${(error as Error).message}` });
        }
      },
      (error: unknown) => {
        const tooLarge = error instanceof BodyTooLarge;
        write(response, { status: tooLarge ? 413 : 400, text: tooLarge ? 'request body too large' : 'bad request' });
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${bound}`,
    later(ms, action) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        action();
      }, ms);
      timers.add(timer);
    },
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Held requests (the timeout fault) and idle keep-alive sockets would keep close() waiting.
      server.closeAllConnections();
      await closed;
    },
  };
}

function exchangeOf(request: IncomingMessage, response: ServerResponse, raw: string): Exchange {
  const url = new URL(request.url ?? '/', 'http://simulator');
  let body: unknown;
  if (raw.length > 0) {
    try {
      body = JSON.parse(raw);
    } catch {
      body = NOT_JSON;
    }
  }
  return {
    method: request.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    authorization: request.headers.authorization,
    body,
    send: (answer) => write(response, answer),
    isOpen: () => !response.destroyed && !response.writableEnded && !request.socket.destroyed,
  };
}

function write(response: ServerResponse, answer: Answer): void {
  // The client may have given up (timeout) or the server may be stopping: nothing to answer then.
  if (response.headersSent || response.destroyed) return;
  const isJson = 'json' in answer;
  const payload = isJson ? JSON.stringify(answer.json) : answer.text;
  response.writeHead(answer.status, {
    'content-type': isJson ? 'application/json; charset=utf-8' : (answer.contentType ?? 'text/plain; charset=utf-8'),
    'content-length': Buffer.byteLength(payload),
  });
  response.end(payload);
}

class BodyTooLarge extends Error {}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(new BodyTooLarge());
        request.removeAllListeners('data');
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
