import { CodeGamesCheckRequest, CodeGamesCheckResponse, CodeGamesErrorResponses } from '@dropgate/contract';
import type { Hub } from '../../../hub.ts';
import type { TypedApp } from '../../../platform/http/typed-app.ts';
import { shopOf } from '../../shop-auth.ts';
import { productOut } from '../present.ts';
import { COMMENTS } from '../statuses.ts';
import { codeGamesRoute } from './common.ts';

export function checkRoute(app: TypedApp, hub: Hub): void {
  app.post('/api/codegames/check', {
    schema: {
      ...codeGamesRoute,
      summary: 'The product (an offer): price, and partner_price (price less your commission)',
      body: CodeGamesCheckRequest,
      response: { 200: CodeGamesCheckResponse, ...CodeGamesErrorResponses },
    },
  }, async (request) => {
    const { offer, available, partnerPrice } = await hub.checkout.purchasable(shopOf(request), request.body.product_id);
    if (!available) return { status: 'PRODUCT_OUT_OF_STOCK', comment: COMMENTS.PRODUCT_OUT_OF_STOCK };
    return { status: 'OK', comment: COMMENTS.checkOk, product: productOut(offer, partnerPrice) };
  });
}
