import {
  ErrorResponses, IdParams, ImportCatalog, ImportCatalogResult, PriceHistory, SupplierCatalogPage, SupplierCatalogQuery, SupplierSync, SupplierSyncParams, SupplierSyncs,
} from '@dropgate/contract';
import { actorOf } from '../../access-control/index.ts';
import type { Hub } from '../../hub.ts';
import type { SupplierOfferRow, SyncRow } from '../../modules/suppliers/index.ts';
import type { TypedApp } from '../../platform/http/typed-app.ts';
import { formatMoney } from '../../platform/money.ts';
import { ruleFrom } from './pricing-rules.ts';

/** A supplier's own catalog: syncing it (started here, run in the background), its syncs, its offers. */
export function supplierCatalogRoutes(app: TypedApp, hub: Hub): void {
  app.post('/suppliers/:id/syncs', {
    config: { access: 'suppliers' },
    schema: {
      params: IdParams, response: { 202: SupplierSync, ...ErrorResponses },
      summary: "Starts a sync of the supplier's catalog; it runs in the background (read it back by its id)",
    },
  }, async (request, reply) => reply.status(202).send(syncOut(await hub.catalogSyncs.start(request.params.id, actorOf(request)))));

  app.get('/suppliers/:id/syncs', {
    config: { access: 'read' },
    schema: { params: IdParams, response: { 200: SupplierSyncs, ...ErrorResponses }, summary: "The supplier's latest catalog syncs, newest first" },
  }, async (request) => ({ syncs: (await hub.catalogSyncs.list(request.params.id)).map(syncOut) }));

  app.get('/suppliers/:id/syncs/:syncId', {
    config: { access: 'read' },
    schema: { params: SupplierSyncParams, response: { 200: SupplierSync, ...ErrorResponses }, summary: 'One catalog sync: its progress or outcome' },
  }, async (request) => syncOut(await hub.catalogSyncs.get(request.params.id, request.params.syncId)));

  app.post('/suppliers/:id/syncs/:syncId/confirm', {
    config: { access: 'suppliers' },
    schema: { params: SupplierSyncParams, response: { 200: SupplierSync, ...ErrorResponses }, summary: 'Applies a held sync as it was read' },
  }, async (request) => syncOut(await hub.catalogSyncs.confirm(request.params.id, request.params.syncId, actorOf(request))));

  app.post('/suppliers/:id/syncs/:syncId/discard', {
    config: { access: 'suppliers' },
    schema: { params: SupplierSyncParams, response: { 200: SupplierSync, ...ErrorResponses }, summary: 'Drops a held sync: the catalog stays as it is' },
  }, async (request) => syncOut(await hub.catalogSyncs.discard(request.params.id, request.params.syncId, actorOf(request))));

  app.post('/suppliers/:id/catalog/import', {
    config: { access: 'catalog' },
    schema: {
      params: IdParams, body: ImportCatalog, response: { 200: ImportCatalogResult, ...ErrorResponses },
      summary: "Makes own offers of the supplier's listed offers that match the filter (not linked yet), priced by the rule, in one step",
    },
  }, async (request) => {
    const { category, upstreamProductId, regionCode, search, currency, marginPercent, fixed, rounding } = request.body;
    // A rule given (any of its terms) is the offers' own; none: each follows the stored rule that applies.
    const given = marginPercent !== undefined || fixed !== undefined || rounding !== undefined;
    return hub.suppliers.importCatalog(request.params.id, {
      filter: { category, upstreamProductId, regionCode, search },
      currency,
      rule: given ? ruleFrom({ marginPercent: marginPercent ?? '0', fixed, rounding }) : undefined,
    }, actorOf(request));
  });

  app.get('/offers/:id/price-history', {
    config: { access: 'read' },
    schema: { params: IdParams, response: { 200: PriceHistory, ...ErrorResponses }, summary: 'The prices repricing moved the offer to (its upstream cost, its rule, an FX rate, its below-cost flag moved), oldest first' },
  }, async (request) => {
    await hub.catalog.get(request.params.id);
    const prices = await hub.catalog.priceHistory(request.params.id);
    return { prices: prices.map((p) => ({ ...p, price: formatMoney(p.price), changedAt: p.changedAt.toISOString() })) };
  });

  app.get('/suppliers/:id/catalog', {
    config: { access: 'read' },
    schema: {
      params: IdParams, querystring: SupplierCatalogQuery, response: { 200: SupplierCatalogPage, ...ErrorResponses },
      summary: "The supplier's catalog as its last applied sync saw it, by product name, searchable",
    },
  }, async (request) => {
    const { q, gone = false, page = 1, limit = 50 } = request.query;
    const found = await hub.catalogSyncs.offers(request.params.id, { search: q, gone, offset: (page - 1) * limit, limit });
    return { total: found.total, offers: found.offers.map(offerOut) };
  });
}

function syncOut(sync: SyncRow): SupplierSync {
  return { ...sync, startedAt: sync.startedAt.toISOString(), finishedAt: sync.finishedAt?.toISOString() ?? null };
}

function offerOut(offer: SupplierOfferRow) {
  return {
    ...offer, cost: formatMoney(offer.cost), firstSeenAt: offer.firstSeenAt.toISOString(), changedAt: offer.changedAt.toISOString(),
    lastSeenAt: offer.lastSeenAt?.toISOString() ?? null, goneAt: offer.goneAt?.toISOString() ?? null,
  };
}
