import { FindOneRequest, OfferResponse } from '@dropgate/contract';
import type { Hub } from '../../../hub.ts';
import { parseStarsOfferId } from '../../../modules/telegram/index.ts';
import { shopOf } from '../../shop-auth.ts';
import { offerToWire, starsOfferToWire } from '../present.ts';
import type { TypedApp } from '../../../platform/http/typed-app.ts';
import { errorResponses, partnerRoute } from './common.ts';
import { enabledStars } from './stars.ts';

export function findOneRoute(app: TypedApp, hub: Hub): void {
  app.post('/api/v1/offers/find-one', {
    schema: {
      ...partnerRoute,
      summary: 'An offer: names, price in its currency, whether it returns a key. Telegram Stars ("telegram_stars_<N>"): the live USD price',
      body: FindOneRequest,
      response: { 200: OfferResponse, ...errorResponses },
    },
  }, async (request) => {
    const { offerId } = request.body;
    if (typeof offerId === 'string') return starsOfferToWire(await enabledStars(hub, offerId).quote(parseStarsOfferId(offerId)));
    return offerToWire(await hub.offers.offerFor(shopOf(request).merchantId, offerId));
  });
}
