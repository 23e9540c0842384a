import {
  CabinetOrdersQuery, ErrorResponses, IdParams, MerchantOrderDetail, MerchantOrdersPage, RevealedOrderKey,
  type MerchantOrder, type OrderStatus,
} from '@dropgate/contract';
import { actorOf } from '../../../access-control/index.ts';
import type { Hub } from '../../../hub.ts';
import type { Order, OrderEvent } from '../../../modules/orders/index.ts';
import type { TypedApp } from '../../../platform/http/typed-app.ts';
import { formatMoney } from '../../../platform/money.ts';
import { merchantOf } from '../merchant-of.ts';

/** An order as its merchant sees it: what it bought and paid, never our supplier or margin. */
function merchantOrderOut(order: Order): MerchantOrder;
function merchantOrderOut(order: Order, events: OrderEvent[]): MerchantOrderDetail;
function merchantOrderOut(order: Order, events?: OrderEvent[]): MerchantOrder | MerchantOrderDetail {
  return {
    id: order.id,
    shopId: order.shopId,
    transactionId: order.transactionId,
    protocol: order.protocol,
    offerId: order.offerId,
    productName: order.productName,
    offerName: order.offerName,
    count: order.count,
    price: formatMoney(order.price),
    chargedPrice: formatMoney(order.chargedPrice),
    currency: order.currency,
    amountUsd: formatMoney(order.amountUsd),
    status: order.status,
    message: order.message,
    hasKey: order.status === 'COMPLETED' && order.returnsKey,
    refundRequestedAt: order.refundRequestedAt?.toISOString() ?? null,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
    ...(events && { events: events.map((e) => ({ from: e.fromStatus, to: e.toStatus, at: e.createdAt.toISOString() })) }),
  };
}

export function orderRoutes(app: TypedApp, hub: Hub): void {
  app.get('/orders', {
    config: { access: 'merchant.read' },
    schema: { querystring: CabinetOrdersQuery, response: { 200: MerchantOrdersPage, ...ErrorResponses }, summary: 'Your orders, newest first, a keyset page at a time' },
  }, async (request) => {
    const { merchantId } = merchantOf(request);
    const { limit = 50, q, status, ...filter } = request.query;
    // merchantId last: nothing in the query can widen the list beyond this merchant.
    const page = await hub.orders.list({ ...filter, search: q, status: status as OrderStatus | undefined, merchantId }, limit);
    return { orders: page.orders.map((o) => merchantOrderOut(o)), nextBefore: page.nextBefore };
  });

  app.get('/orders/:id', {
    config: { access: 'merchant.read' },
    schema: { params: IdParams, response: { 200: MerchantOrderDetail, ...ErrorResponses }, summary: 'One of your orders with its history (the key: reveal-key)' },
  }, async (request) => {
    const { merchantId } = merchantOf(request);
    const order = await hub.orders.ofMerchant(merchantId, request.params.id);
    return merchantOrderOut(order, await hub.orders.events(order.id));
  });

  app.post('/orders/:id/reveal-key', {
    config: { access: 'merchant.integration' },
    schema: { params: IdParams, response: { 200: RevealedOrderKey, ...ErrorResponses }, summary: "Shows your order's key (recorded in the key-reveal audit)" },
  }, async (request) => {
    // A merchant user's actor carries their merchant: the module shows that merchant's orders only.
    return hub.keyReveals.revealOrderKey(request.params.id, actorOf(request));
  });
}
