import {
  AddStock, CurrencyParams, ErrorResponses, FxRate, FxRates, IdParams, MerchantCommission, MerchantCommissionSet, OfferMerchantParams, OffersQuery, OperatorOffer,
  OperatorOfferWithStock, OperatorOffers, SetRate, SetServers, StockAdded, UpsertOffer,
} from '@dropgate/contract';
import { actorOf } from '../../access-control/index.ts';
import type { Hub } from '../../hub.ts';
import type { Actor } from '../../modules/audit-log/index.ts';
import type { Offer, ProductDetails } from '../../modules/catalog/index.ts';
import { invalidField } from '../../platform/errors.ts';
import { moneyFromDecimal } from '../../platform/money.ts';
import type { TypedApp } from '../../platform/http/typed-app.ts';
import { offerOut, rateOut } from '../present.ts';

/** What a CSV row says beyond PUT /offers/:id's body: its product's details, its servers. */
export interface OfferExtras {
  productDetails?: Partial<ProductDetails>;
  servers?: Record<string, string>;
}

/** PUT /offers/:id and the CSV import (one row at a time) create offers the same way. */
export async function upsertOfferFromWire(hub: Hub, id: number, b: UpsertOffer, actor: Actor, extras: OfferExtras = {}): Promise<Offer> {
  return hub.catalog.upsert({
    id,
    product: { ...productOf(b), ...(extras.productDetails && { details: extras.productDetails }) },
    ...(extras.servers && { servers: extras.servers }),
    offerName: b.offerName,
    count: b.count ?? 1,
    price: moneyFromDecimal(b.price, 'price'),
    currency: b.currency,
    returnsKey: b.returnsKey ?? true,
    requiresGameUserId: b.requiresGameUserId ?? false,
    gameUserIdPattern: b.gameUserIdPattern ?? null,
    gameServerIdPattern: b.gameServerIdPattern ?? null,
    ...(b.commission !== undefined && { commissionPercent: b.commission }),
  }, b.merchants, actor);
}

/** The product an offer is written under: productId, else productName (found, else created). */
function productOf(b: UpsertOffer): { id: number } | { name: string } {
  if (b.productId !== undefined) return { id: b.productId };
  if (b.productName !== undefined) return { name: b.productName };
  throw invalidField('productName', 'send productId, or productName (found, else created)');
}

export function catalogRoutes(app: TypedApp, hub: Hub): void {
  app.put('/offers/:id', {
    config: { access: 'catalog' },
    schema: { params: IdParams, body: UpsertOffer, response: { 200: OperatorOffer, ...ErrorResponses }, summary: 'Creates or replaces an offer' },
  }, async (request) =>
    offerOut(await upsertOfferFromWire(hub, request.params.id, request.body, actorOf(request))));

  app.put('/offers/:id/servers', {
    config: { access: 'catalog' },
    schema: {
      params: IdParams, body: SetServers, response: { 200: OperatorOffer, ...ErrorResponses },
      summary: "Replaces the offer's game servers (id to name; {} for none): a player must then name one of them",
    },
  }, async (request) => offerOut(await hub.catalog.setServers(request.params.id, request.body.servers, actorOf(request))));

  app.put('/offers/:id/commissions/:merchantId', {
    config: { access: 'catalog' },
    schema: {
      params: OfferMerchantParams, body: MerchantCommission, response: { 200: MerchantCommissionSet, ...ErrorResponses },
      summary: "Sets one merchant's commission on the offer (CodeGames partner_price)",
    },
  }, async (request) => {
    await hub.catalog.setMerchantCommission(request.params.id, request.params.merchantId, request.body.percent, actorOf(request));
    return { offerId: request.params.id, merchantId: request.params.merchantId, percent: request.body.percent };
  });

  app.get('/offers', {
    config: { access: 'read' },
    schema: { querystring: OffersQuery, response: { 200: OperatorOffers, ...ErrorResponses }, summary: 'Offers with stock levels: by id, name search, product, keyset pages' },
  }, async (request) => {
    const { q, productId, after, limit } = request.query;
    const page = await hub.catalog.page({ search: q, productId, after }, limit);
    const levels = await hub.inventory.levels(page.offers.map((o) => o.id));
    const byOffer = new Map(levels.map((l) => [l.offerId, l]));
    return { offers: page.offers.map((o) => offerOut(o, byOffer.get(o.id) ?? { available: 0, sold: 0 })), nextAfter: page.nextAfter };
  });

  app.get('/offers/:id', {
    config: { access: 'read' },
    schema: { params: IdParams, response: { 200: OperatorOfferWithStock, ...ErrorResponses }, summary: 'One offer with its stock level' },
  }, async (request) => {
    const offer = await hub.catalog.get(request.params.id);
    const [level] = await hub.inventory.levels([offer.id]);
    return offerOut(offer, level ?? { available: 0, sold: 0 });
  });

  app.post('/offers/:id/stock', {
    config: { access: 'catalog' },
    schema: { params: IdParams, body: AddStock, response: { 200: StockAdded, ...ErrorResponses }, summary: 'Adds keys (sealed at rest); re-sent keys count as duplicates' },
  }, async (request) => {
    const offer = await hub.catalog.get(request.params.id);
    if (offer.sandbox) throw invalidField('id', 'the sandbox offer generates its keys and takes no stock');
    return hub.inventory.addKeys(offer.id, request.body.keys, actorOf(request));
  });

  app.put('/fx/:currency', {
    config: { access: 'fx' },
    schema: { params: CurrencyParams, body: SetRate, response: { 200: FxRate, ...ErrorResponses }, summary: 'Sets USD per one unit of a currency' },
  }, async (request) => {
    return rateOut(await hub.catalog.setRate(request.params.currency, request.body.usdPerUnit, actorOf(request)));
  });

  app.get('/fx', { config: { access: 'read' }, schema: { response: { 200: FxRates, ...ErrorResponses }, summary: 'All FX rates' } }, async () => ({ rates: (await hub.catalog.rates()).map(rateOut) }));
}
