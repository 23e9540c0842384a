import { CreateOrderRequest, OrderResponse } from '@dropgate/contract';
import type { Hub } from '../../../hub.ts';
import { assertPlayerAccepted } from '../../../modules/catalog/index.ts';
import { acceptOrder } from '../../../modules/fulfillment/index.ts';
import { moneyFromWire } from '../../../platform/money.ts';
import { shopOf } from '../auth.ts';
import { orderToWire } from '../present.ts';
import type { TypedApp } from '../../../platform/http/typed-app.ts';
import { errorResponses, partnerRoute } from './common.ts';

export function createOrderRoute(app: TypedApp, hub: Hub): void {
  app.post('/api/v1/offers/create-order', {
    schema: {
      ...partnerRoute,
      summary: 'Buys an offer: debits the USD value of its price and answers the order (COMPLETED with the key, PROCESSING while a supplier works, or CANCELED)',
      body: CreateOrderRequest,
      response: { 200: OrderResponse, ...errorResponses },
    },
  }, async (request) => {
    const { offerId, price, transactionId, customer } = request.body;
    assertPlayerAccepted(await hub.offers.offerFor(shopOf(request).merchantId, offerId), customer);
    const order = await acceptOrder({ pool: hub.db, vault: hub.vault, worker: hub.worker, waitMs: hub.orderWaitMs }, shopOf(request), {
      offerId, price: moneyFromWire(price, 'price'), transactionId, customer,
    });
    return orderToWire(order);
  });
}
