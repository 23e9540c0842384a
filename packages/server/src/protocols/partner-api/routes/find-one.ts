import { FindOneRequest, OfferResponse } from '@dropgate/contract';
import type { Hub } from '../../../hub.ts';
import type { TypedApp } from '../../../platform/http/typed-app.ts';
import { shopOf } from '../../shop-auth.ts';
import { offerToWire } from '../present.ts';
import { errorResponses, partnerRoute } from './common.ts';

export function findOneRoute(app: TypedApp, hub: Hub): void {
  app.post('/api/v1/offers/find-one', {
    schema: {
      ...partnerRoute,
      summary: 'An offer: names, price in its currency, whether it returns a key. Telegram Stars ("telegram_stars_<N>"): the live USD price',
      body: FindOneRequest,
      response: { 200: OfferResponse, ...errorResponses },
    },
  }, async (request) => offerToWire(await hub.checkout.offer(shopOf(request), request.body.offerId, request.body.countryCode)));
}
