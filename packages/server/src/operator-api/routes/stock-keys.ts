import { ErrorResponses, IdParams, KeyRevealsPage, PageQuery, RevealedOrderKey, RevealedStockKey, StockKeysPage } from '@dropgate/contract';
import { actorOf } from '../../access-control/index.ts';
import type { Hub } from '../../hub.ts';
import type { TypedApp } from '../../platform/http/typed-app.ts';

/** Key stock, one key at a time: listed without the keys; shown only on request, each time audited. */
export function stockKeyRoutes(app: TypedApp, hub: Hub): void {
  app.get('/offers/:id/keys', {
    config: { access: 'read' },
    schema: {
      params: IdParams, querystring: PageQuery, response: { 200: StockKeysPage, ...ErrorResponses },
      summary: "An offer's keys, newest first (ids and orders, never the keys)",
    },
  }, async (request) => {
    const offer = await hub.catalog.get(request.params.id);
    const page = await hub.inventory.keys(offer.id, { before: request.query.before, limit: request.query.limit ?? 50 });
    return {
      keys: page.keys.map((k) => ({ id: k.id, offerId: k.offerId, orderId: k.orderId, createdAt: k.createdAt.toISOString() })),
      nextBefore: page.nextBefore,
    };
  });

  app.post('/stock-keys/:id/reveal', {
    config: { access: 'key-reveals' },
    schema: { params: IdParams, response: { 200: RevealedStockKey, ...ErrorResponses }, summary: 'Shows one stock key in clear; recorded in the key-reveal audit' },
  }, async (request) =>
    hub.keyReveals.revealStockKey(request.params.id, actorOf(request)));

  app.post('/orders/:id/reveal-key', {
    config: { access: 'key-reveals' },
    schema: { params: IdParams, response: { 200: RevealedOrderKey, ...ErrorResponses }, summary: 'Shows the key an order delivered; recorded in the key-reveal audit' },
  }, async (request) =>
    hub.keyReveals.revealOrderKey(request.params.id, actorOf(request)));

  app.get('/key-reveals', {
    config: { access: 'audit-trail' },
    schema: { querystring: PageQuery, response: { 200: KeyRevealsPage, ...ErrorResponses }, summary: 'The key-reveal audit, newest first' },
  }, async (request) => {
    const page = await hub.keyReveals.list({ before: request.query.before, limit: request.query.limit ?? 50 });
    return { reveals: page.reveals.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })), nextBefore: page.nextBefore };
  });
}
