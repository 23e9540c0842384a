import { CreateOrderRequest, OrderResponse } from '@dropgate/contract';
import type { Hub } from '../../../hub.ts';
import { moneyFromWire } from '../../../platform/money.ts';
import type { TypedApp } from '../../../platform/http/typed-app.ts';
import { shopOf } from '../../shop-auth.ts';
import { orderToWire } from '../present.ts';
import { errorResponses, partnerRoute } from './common.ts';

export function createOrderRoute(app: TypedApp, hub: Hub): void {
  app.post('/api/v1/offers/create-order', {
    schema: {
      ...partnerRoute,
      summary: 'Buys an offer: debits the USD value of its price and answers the order (COMPLETED with the key, PROCESSING while a supplier works, or CANCELED). Telegram Stars: "telegram_stars_<N>", gameUserId a numeric Telegram user id',
      body: CreateOrderRequest,
      response: { 200: OrderResponse, ...errorResponses },
    },
  }, async (request) => {
    const { offerId, price, transactionId, customer, countryCode, keyFormat, useBalance } = request.body;
    const purchase = { offerId, price: moneyFromWire(price, 'price'), transactionId, customer, countryCode, keyFormat, useBalance };
    return orderToWire(await hub.checkout.createOrder(shopOf(request), purchase, 'partner'));
  });
}
