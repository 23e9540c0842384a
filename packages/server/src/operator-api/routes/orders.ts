import { AuditReport, ErrorResponses, IdParams, OperatorOrder, OperatorOrdersPage, OrderComplete, OrderRefund, OrdersQuery, type OrderStatus } from '@dropgate/contract';
import type { Hub } from '../../hub.ts';
import { audit } from '../../modules/audit/index.ts';
import { cancelByOperator, completeByOperator } from '../../modules/fulfilment/index.ts';
import { findOrder, listEvents, listOrders, refundCompletedOrder } from '../../modules/orders/index.ts';
import { AppError } from '../../platform/errors.ts';
import { withLongConnection } from '../../platform/db/index.ts';
import type { TypedApp } from '../../platform/http/typed-app.ts';
import { orderOut } from '../present.ts';

export function orderRoutes(app: TypedApp, hub: Hub): void {
  app.get('/orders/:id', {
    schema: { params: IdParams, response: { 200: OperatorOrder, ...ErrorResponses }, summary: 'An order with its event history (never its key)' },
  }, async (request) => {
    const order = await findOrder(hub.db, request.params.id);
    if (!order) throw new AppError('ORDER_NOT_FOUND', `order ${request.params.id} does not exist`);
    return orderOut(order, await listEvents(hub.db, order.id));
  });

  app.post('/orders/:id/refund', {
    schema: { params: IdParams, body: OrderRefund, response: { 200: OperatorOrder, ...ErrorResponses }, summary: 'Refunds a completed order to the merchant' },
  }, async (request) => {
    const order = await refundCompletedOrder(hub.db, request.params.id, 'operator', request.body.reason);
    return orderOut(order, await listEvents(hub.db, order.id));
  });

  app.get('/orders', {
    schema: {
      querystring: OrdersQuery,
      response: { 200: OperatorOrdersPage, ...ErrorResponses },
      summary: "Orders, newest first, a keyset page at a time: filters (status, merchant, shop, offer, review=true), the merchant's transactionId, or q = any id",
    },
  }, async (request) => {
    const { limit = 50, q, status, ...filter } = request.query;
    const page = await listOrders(hub.db, { ...filter, search: q, status: status as OrderStatus | undefined }, limit);
    return { orders: page.orders.map((o) => orderOut(o, [])), nextBefore: page.nextBefore };
  });

  app.post('/orders/:id/complete', {
    schema: {
      params: IdParams, body: OrderComplete, response: { 200: OperatorOrder, ...ErrorResponses },
      summary: 'Completes a PROCESSING order (manual review) with the key the operator got',
    },
  }, async (request) => {
    const order = await completeByOperator(hub.db, hub.vault, request.params.id, request.body.key ?? null, request.body.reason ?? 'completed by the operator');
    return orderOut(order, await listEvents(hub.db, order.id));
  });

  app.post('/orders/:id/cancel', {
    schema: { params: IdParams, body: OrderRefund, response: { 200: OperatorOrder, ...ErrorResponses }, summary: 'Cancels a PROCESSING order and refunds the merchant' },
  }, async (request) => {
    const order = await cancelByOperator(hub.db, request.params.id, request.body.reason);
    return orderOut(order, await listEvents(hub.db, order.id));
  });

  app.get('/audit', { schema: { response: { 200: AuditReport, ...ErrorResponses }, summary: 'Checks every ledger and order invariant' } }, async () => withLongConnection(hub.db, audit)); // a whole history may take longer than a statement may
}
