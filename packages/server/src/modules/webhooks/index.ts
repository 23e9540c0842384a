/**
 * Signed webhooks per shop (docs/webhooks.md). Endpoints are managed here, by the operator or the
 * merchant's staff, each change audited in its transaction (the secret never: it is shown once, in
 * the answer that made it). Events are enqueued by triggers in the transaction of the change
 * itself (migrations/0010_webhooks.sql); `webhookTasks` delivers them on the hub's job runner.
 */
import { randomBytes } from 'node:crypto';
import type { CreateWebhook, UpdateWebhook } from '@dropgate/contract';
import type pg from 'pg';
import { inTransaction } from '../../platform/db/index.ts';
import type { KeyVault } from '../../platform/crypto.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import { formatMoney, moneyFromDecimal } from '../../platform/money.ts';
import type { JobPump, JobTasks } from '../../platform/jobs/index.ts';
import { recordAudit, SECRET_CHANGED, type Actor } from '../audit-log/index.ts';
import { getShop } from '../merchants/index.ts';
import { deliverLane, type DeliveryDeps, type DeliveryOptions, type LanePayload } from './delivery.ts';
import * as repo from './repository.ts';
import { checkUrl, type UrlPolicy } from './url-policy.ts';

export type { Delivery, Endpoint } from './repository.ts';
export { backoffMs, type DeliveryDeps, type DeliveryOptions } from './delivery.ts';
export type { UrlPolicy } from './url-policy.ts';

/** How long a rotated-out secret still signs, unless the rotation says otherwise. */
export const DEFAULT_ROTATION_OVERLAP_S = 86_400;
const DEFAULT_CONCURRENCY = 4;

/** `whsec_` and 32 random bytes: what a receiver keys its HMAC with. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** What the trail keeps of an endpoint: everything but its secrets. */
function snapshot(endpoint: repo.Endpoint) {
  return {
    shopId: endpoint.shopId, url: endpoint.url, events: endpoint.events, includeKeys: endpoint.includeKeys,
    balanceLowThreshold: endpoint.balanceLowThreshold === null ? null : formatMoney(endpoint.balanceLowThreshold),
    concurrency: endpoint.concurrency, status: endpoint.status,
  };
}

export class Webhooks {
  readonly #pool: pg.Pool;
  readonly #vault: KeyVault;
  readonly #policy: UrlPolicy;

  constructor(pool: pg.Pool, vault: KeyVault, policy: UrlPolicy) {
    this.#pool = pool;
    this.#vault = vault;
    this.#policy = policy;
  }

  /** A shop's endpoints; with `ownerId` (the cabinet) only the owner's shop. */
  async list(shopId: number, ownerId?: number): Promise<repo.Endpoint[]> {
    await getShop(this.#pool, shopId, ownerId);
    return repo.listEndpoints(this.#pool, shopId);
  }

  /** The endpoint, or WEBHOOK_NOT_FOUND (also for another merchant's, with `ownerId`). */
  async get(id: number, ownerId?: number): Promise<repo.Endpoint> {
    return this.#owned(this.#pool, id, ownerId);
  }

  /** A new endpoint and its secret, shown this once. */
  async create(shopId: number, input: CreateWebhook, actor: Actor, ownerId?: number): Promise<{ endpoint: repo.Endpoint; secret: string }> {
    await getShop(this.#pool, shopId, ownerId);
    const url = checkUrl(input.url, this.#policy).href;
    const secret = newSecret();
    const endpoint = await inTransaction(this.#pool, async (tx) => {
      const made = await repo.insertEndpoint(tx, {
        shopId, url, events: input.events, includeKeys: input.includeKeys ?? false,
        balanceLowThreshold: threshold(input.balanceLowThreshold, input.events),
        concurrency: input.concurrency ?? DEFAULT_CONCURRENCY, secret: this.#vault.seal(secret),
      });
      await recordAudit(tx, actor, { action: 'webhook.create', target: { type: 'webhook', id: made.id }, after: { ...snapshot(made), secret: SECRET_CHANGED } });
      return made;
    });
    return { endpoint, secret };
  }

  /** Changes what the endpoint receives; `enabled: true` resumes it, pending events included. */
  async update(id: number, input: UpdateWebhook, actor: Actor, ownerId?: number): Promise<repo.Endpoint> {
    const url = input.url === undefined ? undefined : checkUrl(input.url, this.#policy).href;
    return inTransaction(this.#pool, async (tx) => {
      const before = await this.#owned(tx, id, ownerId, true);
      const events = input.events ?? before.events;
      const kept = input.balanceLowThreshold === undefined && before.balanceLowThreshold !== null ? formatMoney(before.balanceLowThreshold) : undefined;
      const balanceLowThreshold = threshold(input.balanceLowThreshold ?? kept, events);
      const status = input.enabled === undefined ? undefined : input.enabled ? 'ACTIVE' as const : 'DISABLED' as const;
      await repo.updateEndpoint(tx, id, {
        url, events: input.events, includeKeys: input.includeKeys, balanceLowThreshold,
        status, disabledReason: status === undefined ? undefined : status === 'DISABLED' ? 'turned off by a person' : null,
      });
      if (status === 'ACTIVE' && before.status === 'DISABLED') {
        await repo.schedule(tx, id, await repo.pendingLanes(tx, id), null, 'replace');
      }
      const after = (await repo.findEndpoint(tx, id))!;
      await recordAudit(tx, actor, { action: 'webhook.update', target: { type: 'webhook', id }, before: snapshot(before), after: snapshot(after) });
      return after;
    });
  }

  /** A new secret (shown this once); the old one keeps signing for `overlapSeconds`. */
  async rotateSecret(id: number, overlapSeconds: number | undefined, actor: Actor, ownerId?: number): Promise<{ secret: string; previousSecretUntil: Date | null }> {
    const secret = newSecret();
    const previousSecretUntil = await inTransaction(this.#pool, async (tx) => {
      await this.#owned(tx, id, ownerId, true);
      const until = await repo.rotateSecret(tx, id, this.#vault.seal(secret), overlapSeconds ?? DEFAULT_ROTATION_OVERLAP_S);
      await recordAudit(tx, actor, {
        action: 'webhook.rotate-secret', target: { type: 'webhook', id },
        after: { secret: SECRET_CHANGED, previousSecretUntil: until?.toISOString() ?? null },
      });
      return until;
    });
    return { secret, previousSecretUntil };
  }

  /** The endpoint's delivery log, newest first. */
  async deliveries(id: number, limit: number, ownerId?: number): Promise<repo.Delivery[]> {
    await this.#owned(this.#pool, id, ownerId);
    return repo.listDeliveries(this.#pool, id, limit);
  }

  /** Queues a `webhook.test` event to the endpoint. */
  async sendTest(id: number, actor: Actor, ownerId?: number): Promise<{ deliveryId: number; eventId: string }> {
    return inTransaction(this.#pool, async (tx) => {
      const endpoint = await this.#owned(tx, id, ownerId);
      const queued = await repo.queueTestEvent(tx, endpoint);
      await recordAudit(tx, actor, { action: 'webhook.test', target: { type: 'webhook', id }, after: { eventId: queued.eventId } });
      return queued;
    });
  }

  /** The delivery's event, sent to its endpoint once more (same event id), in its lane's order. */
  async redeliver(deliveryId: number, actor: Actor, ownerId?: number): Promise<{ deliveryId: number; eventId: string }> {
    return inTransaction(this.#pool, async (tx) => {
      const delivery = await repo.findDelivery(tx, deliveryId);
      if (!delivery) throw new AppError('WEBHOOK_NOT_FOUND', `webhook delivery ${deliveryId} does not exist`);
      await this.#owned(tx, delivery.endpointId, ownerId);
      const queued = await repo.queueRedelivery(tx, delivery);
      await recordAudit(tx, actor, { action: 'webhook.redeliver', target: { type: 'webhook-delivery', id: deliveryId }, after: { eventId: queued.eventId, deliveryId: queued.deliveryId } });
      return queued;
    });
  }

  async #owned(db: pg.Pool | pg.PoolClient, id: number, ownerId: number | undefined, lock = false): Promise<repo.Endpoint> {
    const endpoint = await repo.findEndpoint(db, id, lock);
    if (!endpoint || (ownerId !== undefined && endpoint.merchantId !== ownerId)) throw new AppError('WEBHOOK_NOT_FOUND', `webhook ${id} does not exist`);
    return endpoint;
  }
}

/** balance.low needs a threshold, and only balance.low has one. */
function threshold(amount: string | undefined, events: readonly string[]): number | null {
  if (!events.includes('balance.low')) return null;
  if (amount === undefined) throw invalidField('balanceLowThreshold', 'balance.low needs a threshold');
  return moneyFromDecimal(amount, 'balanceLowThreshold');
}

/** The job runner's tasks of this module. */
export function webhookTasks(deps: DeliveryDeps, options: DeliveryOptions): JobTasks {
  return {
    'webhooks.deliver': async (payload) => deliverLane(deps, options, payload as LanePayload),
  };
}

/** Outbox rows one dispatch takes: a full batch dispatches again at once. */
const DISPATCH_BATCH = 1000;

/** The outbox pump: the lanes that changes gave something to send, queued as delivery jobs. */
export function webhookPump(everyMs: number): JobPump {
  return { name: 'webhooks.dispatch', everyMs, step: async (pool) => (await repo.dispatch(pool, DISPATCH_BATCH)) === DISPATCH_BATCH };
}
