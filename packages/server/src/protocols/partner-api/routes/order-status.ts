import { OrderResponse, OrderStatusRequest } from '@dropgate/contract';
import type { Hub } from '../../../hub.ts';
import { orderForShop, orderView } from '../../../modules/orders/index.ts';
import { invalidField } from '../../../platform/errors.ts';
import { shopOf } from '../../shop-auth.ts';
import { orderToWire } from '../present.ts';
import type { TypedApp } from '../../../platform/http/typed-app.ts';
import { errorResponses, partnerRoute } from './common.ts';

export function orderStatusRoute(app: TypedApp, hub: Hub): void {
  app.post('/api/v1/offers/order-status', {
    schema: {
      ...partnerRoute,
      summary: 'An order by orderId, or (extension) by your transactionId',
      body: OrderStatusRequest,
      response: { 200: OrderResponse, ...errorResponses },
    },
  }, async (request) => {
    const { orderId, transactionId } = request.body;
    if ((orderId === undefined) === (transactionId === undefined)) throw invalidField('orderId', 'send either orderId or transactionId');
    const order = await orderForShop(hub.db, shopOf(request), { orderId, transactionId });
    return orderToWire(orderView(order, hub.vault));
  });
}
