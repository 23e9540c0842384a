import { AddSource, AddSupplier, ErrorResponses, IdParams, OfferSource, OfferSources, Supplier, Suppliers, UpdateSupplier } from '@dropgate/contract';
import type { Hub } from '../../hub.ts';
import { findOffer } from '../../modules/catalog/index.ts';
import { addOfferSource, addSupplier, listSources, listSuppliers, updateSupplier } from '../../modules/suppliers/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { TypedApp } from '../../platform/http/typed-app.ts';
import { formatMoney, moneyFromDecimal } from '../../platform/money.ts';

export function supplierRoutes(app: TypedApp, hub: Hub): void {
  app.post('/suppliers', {
    schema: { body: AddSupplier, response: { 201: Supplier, ...ErrorResponses }, summary: 'Adds an upstream supplier; its token is stored sealed and never shown' },
  }, async (request, reply) => {
    const { url, ...rest } = request.body;
    return reply.status(201).send(await addSupplier(hub.db, hub.vault, { ...rest, baseUrl: url }));
  });

  app.patch('/suppliers/:id', {
    schema: { params: IdParams, body: UpdateSupplier, response: { 200: Supplier, ...ErrorResponses }, summary: 'Changes a supplier (token: null removes it)' },
  }, async (request) => {
    const { url, ...rest } = request.body;
    return updateSupplier(hub.db, hub.vault, request.params.id, { ...rest, ...(url !== undefined && { baseUrl: url }) });
  });

  app.get('/suppliers', { schema: { response: { 200: Suppliers, ...ErrorResponses }, summary: 'All suppliers (never their tokens)' } }, async () => ({ suppliers: await listSuppliers(hub.db) }));

  app.post('/offers/:id/sources', {
    schema: {
      params: IdParams, body: AddSource, response: { 201: OfferSource, ...ErrorResponses },
      summary: 'Appends an upstream source to the offer (tried in order, after own stock)',
    },
  }, async (request, reply) => {
    const offer = await findOffer(hub.db, request.params.id);
    if (!offer) throw new AppError('OFFER_NOT_FOUND', `offer ${request.params.id} does not exist`);
    const b = request.body;
    const currency = b.currency ?? offer.currency;
    const source = await addOfferSource(hub.db, {
      offerId: offer.id, supplierId: b.supplierId, supplierProductId: b.product, cost: moneyFromDecimal(b.cost, 'cost'), costCurrency: currency,
    });
    return reply.status(201).send({ ...source, cost: formatMoney(source.cost) });
  });

  app.get('/offers/:id/sources', { schema: { params: IdParams, response: { 200: OfferSources, ...ErrorResponses }, summary: "The offer's upstream sources, in order" } }, async (request) => {
    const sources = await listSources(hub.db, request.params.id);
    return { sources: sources.map((s) => ({ ...s, cost: formatMoney(s.cost) })) };
  });
}
