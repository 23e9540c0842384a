/** Webhook endpoints and deliveries as the operator API and the cabinet answer them (never a secret). */
import type { WebhookDelivery, WebhookEndpoint } from '@dropgate/contract';
import type { Delivery, Endpoint } from '../modules/webhooks/index.ts';
import { formatMoney } from '../platform/money.ts';

export function webhookOut(endpoint: Endpoint): WebhookEndpoint {
  return {
    id: endpoint.id,
    shopId: endpoint.shopId,
    url: endpoint.url,
    events: endpoint.events,
    includeKeys: endpoint.includeKeys,
    balanceLowThreshold: endpoint.balanceLowThreshold === null ? null : formatMoney(endpoint.balanceLowThreshold),
    concurrency: endpoint.concurrency,
    status: endpoint.status,
    disabledReason: endpoint.disabledReason,
    previousSecretUntil: endpoint.previousSecretUntil?.toISOString() ?? null,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
  };
}

export function deliveryOut(delivery: Delivery): WebhookDelivery {
  return {
    id: delivery.id,
    endpointId: delivery.endpointId,
    eventId: delivery.eventId,
    type: delivery.type,
    orderId: delivery.orderId,
    sequence: delivery.sequence,
    status: delivery.status,
    attempts: delivery.attempts,
    lastResponseCode: delivery.lastResponseCode,
    lastLatencyMs: delivery.lastLatencyMs,
    lastError: delivery.lastError,
    nextAttemptAt: delivery.status === 'PENDING' ? delivery.nextAttemptAt.toISOString() : null,
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
    createdAt: delivery.createdAt.toISOString(),
  };
}
