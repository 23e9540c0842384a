import { OrderActionRequest, OrderResponse, RefundRequestResponse } from '@dropgate/contract';
import type { Hub } from '../../../hub.ts';
import { shopOf } from '../../shop-auth.ts';
import { orderToWire } from '../present.ts';
import type { TypedApp } from '../../../platform/http/typed-app.ts';
import { errorResponses, partnerRoute } from './common.ts';

/** Extensions that give the spec's order-state error codes a merchant action (docs/api.md). */
export function orderActionRoutes(app: TypedApp, hub: Hub): void {
  app.post('/api/v1/offers/cancel-order', {
    schema: {
      ...partnerRoute,
      summary: 'Extension: cancels an order not yet sent to a supplier, and refunds it',
      body: OrderActionRequest,
      response: { 200: OrderResponse, ...errorResponses },
    },
  }, async (request) => {
    const order = await hub.fulfilment.cancelByMerchant(shopOf(request), request.body.orderId, request.body.reason);
    return orderToWire(hub.orders.view(order));
  });

  app.post('/api/v1/offers/refund-request', {
    schema: {
      ...partnerRoute,
      summary: 'Extension: asks the operator to refund a completed order',
      body: OrderActionRequest,
      response: { 200: RefundRequestResponse, ...errorResponses },
    },
  }, async (request) => {
    const order = await hub.orders.requestRefund(shopOf(request), request.body.orderId, request.body.reason);
    return { orderId: order.id, status: order.status, refundRequestedAt: order.refundRequestedAt!.toISOString() };
  });
}
