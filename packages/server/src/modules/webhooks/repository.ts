/** The webhooks module's tables: webhook_endpoints, webhook_events, webhook_deliveries. */
import type { Db, Tx } from '../../platform/db/index.ts';
import type { Minor } from '../../platform/money.ts';

export interface Endpoint {
  id: number;
  shopId: number;
  merchantId: number;
  url: string;
  events: string[];
  includeKeys: boolean;
  balanceLowThreshold: Minor | null;
  concurrency: number;
  secret: Buffer;
  previousSecret: Buffer | null;
  previousSecretUntil: Date | null;
  status: 'ACTIVE' | 'DISABLED';
  disabledReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const ENDPOINT_COLUMNS = `e.id, e.shop_id AS "shopId", s.merchant_id AS "merchantId", e.url, e.events, e.include_keys AS "includeKeys",
  e.balance_low_threshold AS "balanceLowThreshold", e.concurrency, e.secret, e.previous_secret AS "previousSecret",
  e.previous_secret_until AS "previousSecretUntil", e.status, e.disabled_reason AS "disabledReason",
  e.created_at AS "createdAt", e.updated_at AS "updatedAt"`;
const ENDPOINT_FROM = 'webhook_endpoints e JOIN shops s ON s.id = e.shop_id';

export type NewEndpoint = Pick<Endpoint, 'shopId' | 'url' | 'events' | 'includeKeys' | 'balanceLowThreshold' | 'concurrency' | 'secret'>;

export async function insertEndpoint(tx: Tx, endpoint: NewEndpoint): Promise<Endpoint> {
  const { rows } = await tx.query<{ id: number }>(
    `INSERT INTO webhook_endpoints (shop_id, url, events, include_keys, balance_low_threshold, concurrency, secret)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [endpoint.shopId, endpoint.url, endpoint.events, endpoint.includeKeys, endpoint.balanceLowThreshold, endpoint.concurrency, endpoint.secret],
  );
  return (await findEndpoint(tx, rows[0]!.id))!;
}

export async function findEndpoint(db: Db, id: number, lock = false): Promise<Endpoint | undefined> {
  const { rows } = await db.query<Endpoint>({
    name: lock ? 'webhooks.endpoint-for-update' : 'webhooks.endpoint',
    text: `SELECT ${ENDPOINT_COLUMNS} FROM ${ENDPOINT_FROM} WHERE e.id = $1${lock ? ' FOR UPDATE OF e' : ''}`,
    values: [id],
  });
  return rows[0];
}

export async function listEndpoints(db: Db, shopId: number): Promise<Endpoint[]> {
  const { rows } = await db.query<Endpoint>(`SELECT ${ENDPOINT_COLUMNS} FROM ${ENDPOINT_FROM} WHERE e.shop_id = $1 ORDER BY e.id`, [shopId]);
  return rows;
}

export interface EndpointChanges {
  url?: string;
  events?: string[];
  includeKeys?: boolean;
  balanceLowThreshold?: Minor | null;
  status?: 'ACTIVE' | 'DISABLED';
  disabledReason?: string | null;
}

const CHANGE_COLUMNS: Record<keyof EndpointChanges, string> = {
  url: 'url', events: 'events', includeKeys: 'include_keys', balanceLowThreshold: 'balance_low_threshold', status: 'status', disabledReason: 'disabled_reason',
};

export async function updateEndpoint(tx: Tx, id: number, changes: EndpointChanges): Promise<void> {
  const entries = (Object.keys(CHANGE_COLUMNS) as Array<keyof EndpointChanges>).filter((field) => changes[field] !== undefined);
  if (entries.length === 0) return;
  const sets = entries.map((field, i) => `${CHANGE_COLUMNS[field]} = $${i + 2}`);
  await tx.query(`UPDATE webhook_endpoints SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`, [id, ...entries.map((field) => changes[field])]);
}

export async function rotateSecret(tx: Tx, id: number, secret: Buffer, overlapSeconds: number): Promise<Date | null> {
  const { rows } = await tx.query<{ until: Date | null }>(
    `UPDATE webhook_endpoints
        SET previous_secret = CASE WHEN $3 > 0 THEN secret END,
            previous_secret_until = CASE WHEN $3 > 0 THEN now() + make_interval(secs => $3) END,
            secret = $2, updated_at = now()
      WHERE id = $1 RETURNING previous_secret_until AS until`,
    [id, secret, overlapSeconds],
  );
  return rows[0]!.until;
}

/** A 410 turns the endpoint off, unless someone changed it meanwhile. */
export async function disableEndpoint(db: Db, id: number, reason: string): Promise<void> {
  await db.query(`UPDATE webhook_endpoints SET status = 'DISABLED', disabled_reason = $2, updated_at = now() WHERE id = $1 AND status = 'ACTIVE'`, [id, reason]);
}

// ---- deliveries ----

export interface Delivery {
  id: number;
  endpointId: number;
  eventId: string;
  type: string;
  orderId: number | null;
  sequence: number | null;
  eventStatus: string | null;
  balance: Minor | null;
  threshold: Minor | null;
  shopId: number | null;
  occurredAt: Date;
  lane: string;
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: number;
  nextAttemptAt: Date;
  lastResponseCode: number | null;
  lastLatencyMs: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

const DELIVERY_COLUMNS = `d.id, d.endpoint_id AS "endpointId", d.event_id AS "eventId", ev.type, ev.order_id AS "orderId", ev.seq AS sequence,
  ev.status AS "eventStatus", ev.balance, ev.threshold, ev.shop_id AS "shopId", ev.occurred_at AS "occurredAt", d.lane, d.status, d.attempts,
  d.next_attempt_at AS "nextAttemptAt", d.last_response_code AS "lastResponseCode", d.last_latency_ms AS "lastLatencyMs",
  d.last_error AS "lastError", d.delivered_at AS "deliveredAt", d.created_at AS "createdAt"`;
const DELIVERY_FROM = 'webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id';

/** The lane's oldest pending delivery: what must go before anything after it. */
export async function nextPending(db: Db, endpointId: number, lane: string): Promise<Delivery | undefined> {
  const { rows } = await db.query<Delivery>({
    name: 'webhooks.next-pending',
    text: `SELECT ${DELIVERY_COLUMNS} FROM ${DELIVERY_FROM} WHERE d.endpoint_id = $1 AND d.lane = $2 AND d.status = 'PENDING' ORDER BY d.id LIMIT 1`,
    values: [endpointId, lane],
  });
  return rows[0];
}

export async function findDelivery(db: Db, id: number): Promise<Delivery | undefined> {
  const { rows } = await db.query<Delivery>(`SELECT ${DELIVERY_COLUMNS} FROM ${DELIVERY_FROM} WHERE d.id = $1`, [id]);
  return rows[0];
}

export async function listDeliveries(db: Db, endpointId: number, limit: number): Promise<Delivery[]> {
  const { rows } = await db.query<Delivery>(`SELECT ${DELIVERY_COLUMNS} FROM ${DELIVERY_FROM} WHERE d.endpoint_id = $1 ORDER BY d.id DESC LIMIT $2`, [endpointId, limit]);
  return rows;
}

export interface Attempt {
  outcome: 'DELIVERED' | 'RETRY' | 'FAILED' | 'GONE';
  responseCode: number | null;
  latencyMs: number | null;
  error: string | null;
  nextAttemptAt: Date | null;
}

export async function recordAttempt(db: Db, id: number, attempt: Attempt): Promise<void> {
  const status = attempt.outcome === 'DELIVERED' ? 'DELIVERED' : attempt.outcome === 'FAILED' ? 'FAILED' : 'PENDING';
  await db.query({
    name: 'webhooks.record-attempt',
    text: `UPDATE webhook_deliveries
              SET attempts = attempts + 1, last_attempt_at = now(), last_response_code = $2, last_latency_ms = $3, last_error = $4,
                  status = $5, delivered_at = CASE WHEN $5 = 'DELIVERED' THEN now() END, next_attempt_at = coalesce($6, next_attempt_at)
            WHERE id = $1 AND status = 'PENDING'`,
    values: [id, attempt.responseCode, attempt.latencyMs, attempt.error, status, attempt.nextAttemptAt],
  });
}

/** Gives up on a delivery without an attempt (too old). */
export async function expireDelivery(db: Db, id: number, reason: string): Promise<void> {
  await db.query(`UPDATE webhook_deliveries SET status = 'FAILED', last_error = $2 WHERE id = $1 AND status = 'PENDING'`, [id, reason]);
}

/** Queues (or re-times) the delivery job of each of the endpoint's lanes. */
export async function schedule(db: Db, endpointId: number, lanes: string[], runAt: Date | null, mode: 'replace' | 'preserve_run_at'): Promise<void> {
  await db.query({
    name: 'webhooks.schedule',
    text: 'SELECT webhooks_schedule(array_fill($1::bigint, ARRAY[cardinality($2::text[])]), $2, $3, $4)',
    values: [endpointId, lanes, runAt, mode],
  });
}

/** Queues the jobs of up to `limit` lanes the outbox holds; how many rows it took. */
export async function dispatch(db: Db, limit: number): Promise<number> {
  const { rows } = await db.query<{ taken: number }>({ name: 'webhooks.dispatch', text: 'SELECT webhooks_dispatch($1) AS taken', values: [limit] });
  return rows[0]!.taken;
}

/** Every lane of the endpoint with something pending (to resume them). */
export async function pendingLanes(db: Db, endpointId: number): Promise<string[]> {
  const { rows } = await db.query<{ lane: string }>(`SELECT DISTINCT lane FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'PENDING'`, [endpointId]);
  return rows.map((row) => row.lane);
}

/** A test event for one endpoint, queued like any other (its own lane). */
export async function queueTestEvent(tx: Tx, endpoint: Endpoint): Promise<{ deliveryId: number; eventId: string }> {
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO webhook_events (merchant_id, shop_id, type, test) VALUES ($1, $2, 'webhook.test', true) RETURNING id`,
    [endpoint.merchantId, endpoint.shopId],
  );
  return fanOutOne(tx, rows[0]!.id, 'test', endpoint.id);
}

/** The same event to the same endpoint once more, behind whatever its lane still has pending. */
export async function queueRedelivery(tx: Tx, delivery: Delivery): Promise<{ deliveryId: number; eventId: string }> {
  return fanOutOne(tx, delivery.eventId, delivery.lane, delivery.endpointId);
}

async function fanOutOne(tx: Tx, eventId: string, lane: string, endpointId: number): Promise<{ deliveryId: number; eventId: string }> {
  await tx.query('SELECT webhooks_fan_out($1, $2, ARRAY[$3::bigint])', [eventId, lane, endpointId]);
  const { rows } = await tx.query<{ id: number }>('SELECT max(id) AS id FROM webhook_deliveries WHERE event_id = $1 AND endpoint_id = $2', [eventId, endpointId]);
  return { deliveryId: rows[0]!.id, eventId };
}
