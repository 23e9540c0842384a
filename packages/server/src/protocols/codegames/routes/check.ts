import { CodeGamesCheckRequest } from '@dropgate/contract';
import type { Hub } from '../../../hub.ts';
import { partnerPrice } from '../../../modules/catalog/index.ts';
import { stockLevels } from '../../../modules/inventory/index.ts';
import { listSources } from '../../../modules/suppliers/index.ts';
import type { TypedApp } from '../../../platform/http/typed-app.ts';
import { shopOf } from '../../shop-auth.ts';
import { productOut } from '../present.ts';
import { COMMENTS } from '../statuses.ts';
import { codeGamesRoute } from './common.ts';

export function checkRoute(app: TypedApp, hub: Hub): void {
  app.post('/api/codegames/check', {
    schema: { ...codeGamesRoute, summary: 'The product (an offer): price, and partner_price (price less your commission)', body: CodeGamesCheckRequest },
  }, async (request) => {
    const { merchantId } = shopOf(request);
    const offer = await hub.offers.offerFor(merchantId, request.body.product_id);
    if (!offer.sandbox && !(await available(hub, offer.id))) {
      return { status: 'PRODUCT_OUT_OF_STOCK', comment: COMMENTS.PRODUCT_OUT_OF_STOCK };
    }
    return { status: 'OK', comment: COMMENTS.checkOk, product: productOut(offer, await partnerPrice(hub.db, offer.id, merchantId)) };
  });
}

/** In stock, or at least one supplier to try. */
async function available(hub: Hub, offerId: number): Promise<boolean> {
  const [[level], sources] = await Promise.all([stockLevels(hub.db, [offerId]), listSources(hub.db, offerId)]);
  return (level?.available ?? 0) > 0 || sources.length > 0;
}
