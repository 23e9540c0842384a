import { CreateOrderRequest, OrderResponse } from '@dropgate/contract';
import type { Hub } from '../../../hub.ts';
import { assertPlayerAccepted } from '../../../modules/catalog/index.ts';
import { acceptOrder } from '../../../modules/fulfilment/index.ts';
import type { NewOrder } from '../../../modules/orders/index.ts';
import { parseStarsOfferId } from '../../../modules/telegram/index.ts';
import { moneyFromWire } from '../../../platform/money.ts';
import { shopOf } from '../../shop-auth.ts';
import { orderToWire } from '../present.ts';
import type { TypedApp } from '../../../platform/http/typed-app.ts';
import { errorResponses, partnerRoute } from './common.ts';
import { enabledStars } from './stars.ts';

export function createOrderRoute(app: TypedApp, hub: Hub): void {
  app.post('/api/v1/offers/create-order', {
    schema: {
      ...partnerRoute,
      summary: 'Buys an offer: debits the USD value of its price and answers the order (COMPLETED with the key, PROCESSING while a supplier works, or CANCELED). Telegram Stars: "telegram_stars_<N>", gameUserId a numeric Telegram user id',
      body: CreateOrderRequest,
      response: { 200: OrderResponse, ...errorResponses },
    },
  }, async (request) => {
    const { offerId, price, transactionId, customer } = request.body;
    const wanted = { price: moneyFromWire(price, 'price'), transactionId, customer };
    let order: NewOrder;
    if (typeof offerId === 'string') {
      order = await enabledStars(hub, offerId).order(parseStarsOfferId(offerId), wanted);
    } else {
      assertPlayerAccepted(await hub.offers.offerFor(shopOf(request).merchantId, offerId), customer);
      order = { ...wanted, offerId };
    }
    return orderToWire(await acceptOrder({ pool: hub.db, vault: hub.vault, worker: hub.worker, waitMs: hub.orderWaitMs }, shopOf(request), order));
  });
}
