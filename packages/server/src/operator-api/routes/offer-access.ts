import { ErrorResponses, IdParams, OfferAccess, OfferAccessList, OfferMerchantParams, OperatorOffer } from '@dropgate/contract';
import { actorOf } from '../../access-control/index.ts';
import type { Hub } from '../../hub.ts';
import type { TypedApp } from '../../platform/http/typed-app.ts';
import { offerOut } from '../present.ts';

/** One merchant's view of the catalog: which offers it may buy, and its commission on each. */
export function offerAccessRoutes(app: TypedApp, hub: Hub): void {
  app.get('/merchants/:id/offer-access', {
    config: { access: 'read' },
    schema: { params: IdParams, response: { 200: OfferAccessList, ...ErrorResponses }, summary: 'Every offer: may this merchant buy it, and its commission override' },
  }, async (request) => {
    const merchant = await hub.merchants.get(request.params.id);
    const [offers, overrides] = await Promise.all([hub.catalog.list(), hub.catalog.merchantCommissions(merchant.id)]);
    const override = new Map(overrides.map((o) => [o.offerId, o.percent]));
    return {
      merchantId: merchant.id,
      offers: offers.map((o) => ({
        offerId: o.id,
        productName: o.productName,
        offerName: o.offerName,
        visibleToAll: o.visibleToAll,
        allowed: o.visibleToAll || o.merchantIds.includes(merchant.id),
        commission: o.commissionPercent,
        merchantCommission: override.get(o.id) ?? null,
      })),
    };
  });

  app.put('/offers/:id/access/:merchantId', {
    config: { access: 'catalog' },
    schema: { params: OfferMerchantParams, body: OfferAccess, response: { 200: OperatorOffer, ...ErrorResponses }, summary: 'Lets one merchant buy the offer, or stops it' },
  }, async (request) =>
    offerOut(await hub.catalog.setMerchantAccess(request.params.id, request.params.merchantId, request.body.allowed, actorOf(request))));
}
