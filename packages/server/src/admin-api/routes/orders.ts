import type { Hub } from '../../hub.ts';
import { audit } from '../../modules/audit/index.ts';
import { findOrder, listEvents, refundCompletedOrder } from '../../modules/orders/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { TypedApp } from '../../platform/http/typed-app.ts';
import { orderOut } from '../present.ts';
import { IdParams, OrderRefund } from '../schemas.ts';

export function orderRoutes(app: TypedApp, hub: Hub): void {
  app.get('/orders/:id', { schema: { params: IdParams, summary: 'An order with its event history (never its key)' } }, async (request) => {
    const order = await findOrder(hub.db, request.params.id);
    if (!order) throw new AppError('ORDER_NOT_FOUND', `order ${request.params.id} does not exist`);
    return orderOut(order, await listEvents(hub.db, order.id));
  });

  app.post('/orders/:id/refund', { schema: { params: IdParams, body: OrderRefund, summary: 'Refunds a completed order to the merchant' } }, async (request) => {
    const order = await refundCompletedOrder(hub.db, request.params.id, 'operator', request.body.reason);
    return orderOut(order, await listEvents(hub.db, order.id));
  });

  app.get('/audit', { schema: { summary: 'Checks every ledger and order invariant' } }, async () => audit(hub.db));
}
