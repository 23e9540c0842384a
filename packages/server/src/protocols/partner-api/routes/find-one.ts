import { FindOneRequest, OfferResponse } from '@dropgate/contract';
import type { Hub } from '../../../hub.ts';
import { shopOf } from '../auth.ts';
import { offerToWire } from '../present.ts';
import type { TypedApp } from '../../../platform/http/typed-app.ts';
import { errorResponses, partnerRoute } from './common.ts';

export function findOneRoute(app: TypedApp, hub: Hub): void {
  app.post('/api/v1/offers/find-one', {
    schema: { ...partnerRoute, summary: 'An offer: names, price in its currency, whether it returns a key', body: FindOneRequest, response: { 200: OfferResponse, ...errorResponses } },
  }, async (request) => offerToWire(await hub.offers.offerFor(shopOf(request).merchantId, request.body.offerId)));
}
