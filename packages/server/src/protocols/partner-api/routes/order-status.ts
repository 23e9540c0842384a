import { OrderResponse, OrderStatusRequest } from '@dropgate/contract';
import type { Hub } from '../../../hub.ts';
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
    return orderToWire(await hub.orders.forShop(shopOf(request), { orderId, transactionId }));
  });
}
