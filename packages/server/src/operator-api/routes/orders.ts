import { AuditReport, ErrorResponses, IdParams, OperatorOrder, OperatorOrdersPage, OrderComplete, OrderRefund, OrdersQuery, type OrderStatus } from '@dropgate/contract';
import { actorOf } from '../../access-control/index.ts';
import type { Hub } from '../../hub.ts';
import type { TypedApp } from '../../platform/http/typed-app.ts';
import { orderOut } from '../present.ts';

export function orderRoutes(app: TypedApp, hub: Hub): void {
  app.get('/orders/:id', {
    config: { access: 'read' },
    schema: { params: IdParams, response: { 200: OperatorOrder, ...ErrorResponses }, summary: 'An order with its event history (never its key)' },
  }, async (request) => {
    const order = await hub.orders.get(request.params.id);
    return orderOut(order, await hub.orders.events(order.id));
  });

  app.post('/orders/:id/refund', {
    config: { access: 'refunds' },
    schema: { params: IdParams, body: OrderRefund, response: { 200: OperatorOrder, ...ErrorResponses }, summary: 'Refunds a completed order to the merchant' },
  }, async (request) => {
    const order = await hub.orders.refundCompleted(request.params.id, actorOf(request), request.body.reason);
    return orderOut(order, await hub.orders.events(order.id));
  });

  app.get('/orders', {
    config: { access: 'read' },
    schema: {
      querystring: OrdersQuery,
      response: { 200: OperatorOrdersPage, ...ErrorResponses },
      summary: "Orders, newest first, a keyset page at a time: filters (status, merchant, shop, offer, review=true), the merchant's transactionId, or q = any id",
    },
  }, async (request) => {
    const { limit = 50, q, status, ...filter } = request.query;
    const page = await hub.orders.list({ ...filter, search: q, status: status as OrderStatus | undefined }, limit);
    return { orders: page.orders.map((o) => orderOut(o, [])), nextBefore: page.nextBefore };
  });

  app.post('/orders/:id/complete', {
    config: { access: 'review' },
    schema: {
      params: IdParams, body: OrderComplete, response: { 200: OperatorOrder, ...ErrorResponses },
      summary: 'Completes a PROCESSING order (manual review) with the key the operator got',
    },
  }, async (request) => {
    const order = await hub.fulfilment.completeByOperator(request.params.id, request.body.key ?? null, request.body.reason ?? 'completed by the operator', actorOf(request));
    return orderOut(order, await hub.orders.events(order.id));
  });

  app.post('/orders/:id/cancel', {
    config: { access: 'review' },
    schema: { params: IdParams, body: OrderRefund, response: { 200: OperatorOrder, ...ErrorResponses }, summary: 'Cancels a PROCESSING order and refunds the merchant' },
  }, async (request) => {
    const order = await hub.fulfilment.cancelByOperator(request.params.id, request.body.reason, actorOf(request));
    return orderOut(order, await hub.orders.events(order.id));
  });

  app.get('/audit', { config: { access: 'reports' }, schema: { response: { 200: AuditReport, ...ErrorResponses }, summary: 'Checks every ledger and order invariant' } }, async () => hub.audit.run());
}
