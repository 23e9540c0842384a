/**
 * The delivery task: sends one endpoint's lane (one order's events, or its balance.low events) in
 * order, oldest pending first, each signed at the moment it is sent. A 2xx delivers and moves
 * on; a 410 turns the endpoint off; anything else (another status, a timeout, a refused
 * connection) schedules the lane again after an exponential backoff with jitter, until the
 * event is older than the retry window, when it is marked FAILED and the lane moves on.
 * At least once: a crash between the receiver's 2xx and the recorded attempt sends it again.
 */
import type { OrderResponse } from '@dropgate/contract';
import { signWebhook, SIGNATURE_HEADER } from '@dropgate/sdk';
import type pg from 'pg';
import type { Clock } from '../../platform/clock.ts';
import type { KeyVault } from '../../platform/crypto.ts';
import { moneyToWire } from '../../platform/money.ts';
import * as repo from './repository.ts';
import { refusedAddress, type UrlPolicy } from './url-policy.ts';

export interface DeliveryOptions extends UrlPolicy {
  /** One attempt's limit, connection to last byte (10 s by default). */
  timeoutMs: number;
  /** The first retry's delay; each next one doubles, up to maxDelayMs, with ±50 % jitter. */
  retryBaseMs: number;
  maxDelayMs: number;
  /** How long an event is retried before it is FAILED (3 days by default). */
  maxAgeMs: number;
}

export interface DeliveryDeps {
  pool: pg.Pool;
  vault: KeyVault;
  clock: Clock;
  /** The order as the Partner API shows it, with the status the event recorded. */
  renderOrder(orderId: number, status: string, includeKey: boolean): Promise<OrderResponse>;
}

export interface LanePayload {
  endpointId: number;
  lane: string;
}

export async function deliverLane(deps: DeliveryDeps, options: DeliveryOptions, { endpointId, lane }: LanePayload): Promise<void> {
  // Read once per job: a change made meanwhile (turned off, a new URL) applies from the next job on.
  const endpoint = await repo.findEndpoint(deps.pool, endpointId);
  // Off: what is pending stays pending, and is sent when the endpoint is turned on again.
  if (!endpoint || endpoint.status !== 'ACTIVE') return;
  for (;;) {
    const delivery = await repo.nextPending(deps.pool, endpointId, lane);
    if (!delivery) return;
    const now = deps.clock.now();
    // Woken early by a new event of a lane in backoff: the oldest event still waits its turn.
    if (delivery.nextAttemptAt.getTime() > now.getTime() + 50) {
      await repo.schedule(deps.pool, endpointId, [lane], delivery.nextAttemptAt, 'replace');
      return;
    }
    if (now.getTime() - delivery.createdAt.getTime() > options.maxAgeMs) {
      await repo.expireDelivery(deps.pool, delivery.id, `given up: not delivered within ${Math.round(options.maxAgeMs / 1000)} s`);
      continue;
    }
    const attempt = await send(deps, options, endpoint, delivery);
    await repo.recordAttempt(deps.pool, delivery.id, attempt);
    if (attempt.outcome === 'GONE') {
      await repo.disableEndpoint(deps.pool, endpointId, 'the receiver answered 410 Gone');
      return;
    }
    if (attempt.outcome === 'RETRY') {
      await repo.schedule(deps.pool, endpointId, [lane], attempt.nextAttemptAt, 'replace');
      return;
    }
  }
}

async function send(deps: DeliveryDeps, options: DeliveryOptions, endpoint: repo.Endpoint, delivery: repo.Delivery): Promise<repo.Attempt> {
  const retry = (responseCode: number | null, latencyMs: number | null, error: string | null): repo.Attempt => ({
    outcome: 'RETRY', responseCode, latencyMs, error,
    nextAttemptAt: new Date(deps.clock.now().getTime() + backoffMs(delivery.attempts + 1, options)),
  });
  const url = new URL(endpoint.url);
  const refused = await refusedAddress(url, options);
  if (refused) return retry(null, null, refused);
  const body = JSON.stringify(await eventBody(deps, endpoint, delivery));
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Dropgate-Webhooks/1',
        [SIGNATURE_HEADER]: signWebhook(signingSecrets(deps, endpoint), Math.floor(deps.clock.now().getTime() / 1000), body),
        'dropgate-event-id': delivery.eventId,
        'dropgate-event-type': delivery.type,
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    // The answer's body is not ours to read: drop it, so a slow one cannot hold the connection.
    await response.body?.cancel().catch(() => {});
    const latencyMs = Math.round(performance.now() - started);
    if (response.status >= 200 && response.status < 300) return { outcome: 'DELIVERED', responseCode: response.status, latencyMs, error: null, nextAttemptAt: null };
    if (response.status === 410) return { outcome: 'GONE', responseCode: 410, latencyMs, error: 'the endpoint is gone (410): turned off', nextAttemptAt: null };
    return retry(response.status, latencyMs, `answered ${response.status}`);
  } catch (error) {
    const latencyMs = Math.round(performance.now() - started);
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return retry(null, latencyMs, timedOut ? `no answer within ${options.timeoutMs} ms` : `could not connect: ${describe(error)}`);
  }
}

/** The error's own words, never the URL (which may carry a merchant's query-string secret). */
function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'network error';
}

/** The current secret, and the previous one while a rotation's overlap lasts. */
function signingSecrets(deps: DeliveryDeps, endpoint: repo.Endpoint): string[] {
  const secrets = [deps.vault.open(endpoint.secret)];
  if (endpoint.previousSecret && endpoint.previousSecretUntil && endpoint.previousSecretUntil.getTime() > deps.clock.now().getTime()) {
    secrets.push(deps.vault.open(endpoint.previousSecret));
  }
  return secrets;
}

export function backoffMs(attempt: number, options: Pick<DeliveryOptions, 'retryBaseMs' | 'maxDelayMs'>, random = Math.random()): number {
  const delay = Math.min(options.maxDelayMs, options.retryBaseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(delay * (0.5 + random));
}

async function eventBody(deps: DeliveryDeps, endpoint: repo.Endpoint, delivery: repo.Delivery) {
  const head = { id: delivery.eventId, type: delivery.type, createdAt: delivery.occurredAt.toISOString() };
  if (delivery.type === 'balance.low') {
    return { ...head, data: { balance: moneyToWire(delivery.balance!), threshold: moneyToWire(delivery.threshold!), currency: 'USD' } };
  }
  if (delivery.type === 'webhook.test') return { ...head, data: { shopId: endpoint.shopId } };
  const order = await deps.renderOrder(delivery.orderId!, delivery.eventStatus!, endpoint.includeKeys);
  return { ...head, sequence: delivery.sequence, data: { order } };
}
