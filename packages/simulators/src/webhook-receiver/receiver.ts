/**
 * A merchant's webhook receiver: a real HTTP server on loopback that records every delivery
 * (its raw body, its headers, and whether its Dropgate-Signature verifies with the secrets it was
 * given), and answers as scripted: 2xx by default, or a 500, a 410, a late answer, or none at all.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@dropgate/sdk';

/** How the receiver answers one request. */
export type ReceiverAnswer =
  | { kind: 'status'; status: number }
  /** Answers `status` after `ms` (longer than the hub's timeout: the hub gives up first). */
  | { kind: 'late'; ms: number; status?: number }
  /** Never answers; the connection is held until the client gives up or the receiver stops. */
  | { kind: 'hang' };

export interface ReceivedWebhook {
  receivedAt: number;
  rawBody: string;
  signature: string | undefined;
  eventId: string | undefined;
  /** The parsed body; undefined when it is not JSON. */
  event: any;
  /** Whether the signature verifies with any of the receiver's secrets. */
  verified: boolean;
  /** What the receiver answered (null: it never did). */
  answered: number | null;
}

export interface WebhookReceiverOptions {
  port?: number;
  host?: string;
  /** Secrets to verify with (the endpoint's, and during a rotation the old one too). */
  secrets?: string[];
}

export interface WebhookReceiver {
  url: string;
  readonly received: ReceivedWebhook[];
  /** The most requests the receiver held at once (to check a sender's concurrency bound). */
  readonly maxInFlight: number;
  /** What the next requests answer, in order; when the script is empty, `setDefault`'s answer. */
  script(...answers: ReceiverAnswer[]): void;
  setDefault(answer: ReceiverAnswer): void;
  setSecrets(secrets: string[]): void;
  /** Answers every request held so far (hung or late) with `status` now. */
  releaseHeld(status?: number): void;
  /** Resolves once `count` deliveries were answered 2xx (the ones that count as delivered). */
  waitForDelivered(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  delivered(): ReceivedWebhook[];
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

export async function startWebhookReceiver(options: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const queue: ReceiverAnswer[] = [];
  let fallback: ReceiverAnswer = { kind: 'status', status: 200 };
  let secrets = options.secrets ?? [];
  const held = new Map<ServerResponse, (status: number) => void>();
  let inFlight = 0;
  let maxInFlight = 0;
  const timers = new Set<NodeJS.Timeout>();
  const waiters = new Set<() => void>();
  const delivered = () => received.filter((r) => r.answered !== null && r.answered >= 200 && r.answered < 300);
  const notify = () => { for (const waiter of waiters) waiter(); };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const signature = header(request.headers['dropgate-signature']);
      const record: ReceivedWebhook = {
        receivedAt: Date.now(), rawBody, signature, eventId: header(request.headers['dropgate-event-id']),
        event: parse(rawBody), verified: secrets.some((secret) => verifies(rawBody, signature, secret)), answered: null,
      };
      received.push(record);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        inFlight -= 1;
      };
      response.on('close', finish);
      const answer = queue.shift() ?? fallback;
      const reply = (status: number) => {
        held.delete(response);
        finish();
        if (response.destroyed) return;
        record.answered = status;
        response.writeHead(status, { 'content-type': 'text/plain' }).end(String(status));
        notify();
      };
      if (answer.kind === 'status') return reply(answer.status);
      held.set(response, reply);
      if (answer.kind === 'late') {
        const timer = setTimeout(() => { timers.delete(timer); reply(answer.status ?? 200); }, answer.ms);
        timers.add(timer);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    get maxInFlight() {
      return maxInFlight;
    },
    script: (...answers) => { queue.push(...answers); },
    setDefault: (answer) => { fallback = answer; },
    setSecrets: (next) => { secrets = next; },
    releaseHeld: (status = 200) => { for (const reply of [...held.values()]) reply(status); },
    delivered,
    waitForDelivered(count, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (delivered().length < count) return;
          cleanup();
          resolve(delivered());
        };
        const timer = setTimeout(() => { cleanup(); reject(new Error(`${delivered().length} of ${count} webhooks delivered after ${timeoutMs} ms`)); }, timeoutMs);
        const cleanup = () => { clearTimeout(timer); waiters.delete(check); };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      for (const response of held.keys()) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parse(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function verifies(body: string, signature: string | undefined, secret: string): boolean {
  try {
    verifyWebhook(body, signature, secret);
    return true;
  } catch {
    return false;
  }
}
