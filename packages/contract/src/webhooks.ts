/**
 * Webhooks per shop: the endpoints the operator API and the cabinet manage, their delivery log,
 * and the events Dropgate sends (docs/webhooks.md). Money in the back-office shapes is a decimal
 * string, as elsewhere there; in the event bodies it is the Partner API's (JSON numbers).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Decimal, Id, Nullable, Strict, Timestamp } from './common.ts';
import { Amount } from './operator-api.ts';
import { OrderResponse } from './partner-api.ts';

export const WEBHOOK_EVENT_TYPES = ['order.processing', 'order.completed', 'order.canceled', 'order.refunded', 'balance.low'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
const EventType = Type.Union(WEBHOOK_EVENT_TYPES.map((type) => Type.Literal(type)));
const Events = Type.Array(EventType, { minItems: 1, maxItems: WEBHOOK_EVENT_TYPES.length, uniqueItems: true });
const Url = Type.String({ minLength: 8, maxLength: 2000, description: 'https:// (http:// and private addresses only where the operator allows them)' });

// ---- requests ----
export const CreateWebhook = Type.Object({
  url: Url,
  events: Events,
  includeKeys: Type.Optional(Type.Boolean({ description: 'Put the key in order.completed bodies (default false)' })),
  balanceLowThreshold: Type.Optional(Amount),
  concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 32, description: 'Deliveries in flight at once (default 4); one order\'s events always go one by one' })),
}, { ...Strict, title: 'CreateWebhook' });
export type CreateWebhook = Static<typeof CreateWebhook>;

export const UpdateWebhook = Type.Object({
  url: Type.Optional(Url),
  events: Type.Optional(Events),
  includeKeys: Type.Optional(Type.Boolean()),
  balanceLowThreshold: Type.Optional(Nullable(Amount)),
  enabled: Type.Optional(Type.Boolean({ description: 'false stops deliveries; true resumes them (after a 410, too), pending events included' })),
}, { ...Strict, title: 'UpdateWebhook' });
export type UpdateWebhook = Static<typeof UpdateWebhook>;

export const RotateWebhookSecret = Type.Object({
  overlapSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 7 * 86_400, description: 'How long the old secret still signs (default 24 h)' })),
}, { ...Strict, title: 'RotateWebhookSecret' });

export const DeliveriesQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'Newest first (default 50)' })),
}, { ...Strict, title: 'DeliveriesQuery' });

// ---- answers ----
export const WebhookEndpoint = Type.Object({
  id: Type.Integer(),
  shopId: Type.Integer(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  includeKeys: Type.Boolean(),
  balanceLowThreshold: Nullable(Decimal),
  concurrency: Type.Integer(),
  status: Type.Union([Type.Literal('ACTIVE'), Type.Literal('DISABLED')]),
  disabledReason: Nullable(Type.String()),
  previousSecretUntil: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
}, { title: 'WebhookEndpoint' });
export type WebhookEndpoint = Static<typeof WebhookEndpoint>;

export const WebhookEndpoints = Type.Object({ webhooks: Type.Array(WebhookEndpoint) }, { title: 'WebhookEndpoints' });
export type WebhookEndpoints = Static<typeof WebhookEndpoints>;

export const CreatedWebhook = Type.Object({
  webhook: WebhookEndpoint,
  secret: Type.String({ description: 'Shown in this answer only' }),
}, { title: 'CreatedWebhook' });
export type CreatedWebhook = Static<typeof CreatedWebhook>;

export const WebhookSecret = Type.Object({
  id: Type.Integer(),
  secret: Type.String({ description: 'Shown in this answer only' }),
  previousSecretUntil: Nullable(Timestamp),
}, { title: 'WebhookSecret' });
export type WebhookSecret = Static<typeof WebhookSecret>;

export const WebhookDelivery = Type.Object({
  id: Type.Integer(),
  endpointId: Type.Integer(),
  eventId: Type.String(),
  type: Type.String(),
  orderId: Nullable(Type.Integer()),
  sequence: Nullable(Type.Integer()),
  status: Type.Union([Type.Literal('PENDING'), Type.Literal('DELIVERED'), Type.Literal('FAILED')]),
  attempts: Type.Integer(),
  lastResponseCode: Nullable(Type.Integer()),
  lastLatencyMs: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  nextAttemptAt: Nullable(Timestamp),
  deliveredAt: Nullable(Timestamp),
  createdAt: Timestamp,
}, { title: 'WebhookDelivery' });
export type WebhookDelivery = Static<typeof WebhookDelivery>;

export const WebhookDeliveries = Type.Object({ deliveries: Type.Array(WebhookDelivery) }, { title: 'WebhookDeliveries' });
export type WebhookDeliveries = Static<typeof WebhookDeliveries>;

export const WebhookQueued = Type.Object({ deliveryId: Type.Integer(), eventId: Type.String() }, { title: 'WebhookQueued' });
export type WebhookQueued = Static<typeof WebhookQueued>;

// ---- what Dropgate sends ----
const EventHead = {
  id: Type.String({ description: 'The event id (a UUID): the same on every retry and redelivery' }),
  createdAt: Timestamp,
};

export const OrderWebhookEvent = Type.Object({
  ...EventHead,
  type: Type.Union([Type.Literal('order.processing'), Type.Literal('order.completed'), Type.Literal('order.canceled'), Type.Literal('order.refunded')]),
  sequence: Type.Integer({ description: "1, 2, 3… per order: an order's events arrive in this order" }),
  data: Type.Object({ order: OrderResponse }),
}, { title: 'OrderWebhookEvent' });

export const BalanceLowWebhookEvent = Type.Object({
  ...EventHead,
  type: Type.Literal('balance.low'),
  data: Type.Object({ balance: Type.Number(), threshold: Type.Number(), currency: Type.Literal('USD') }),
}, { title: 'BalanceLowWebhookEvent' });

export const TestWebhookEvent = Type.Object({
  ...EventHead,
  type: Type.Literal('webhook.test'),
  data: Type.Object({ shopId: Type.Integer() }),
}, { title: 'TestWebhookEvent' });

export const WebhookEvent = Type.Union([OrderWebhookEvent, BalanceLowWebhookEvent, TestWebhookEvent], { title: 'WebhookEvent' });
export type WebhookEvent = Static<typeof WebhookEvent>;

export const WebhookIdParams = Type.Object({ id: Id }, { title: 'WebhookIdParams' });
