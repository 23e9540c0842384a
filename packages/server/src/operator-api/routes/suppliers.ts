import { AddSource, AddSupplier, ErrorResponses, IdParams, OfferSource, OfferSources, Supplier, Suppliers, UpdateSupplier } from '@dropgate/contract';
import { actorOf } from '../../access-control/index.ts';
import type { Hub } from '../../hub.ts';
import type { TypedApp } from '../../platform/http/typed-app.ts';
import { invalidField } from '../../platform/errors.ts';
import { formatMoney, moneyFromDecimal, type Minor } from '../../platform/money.ts';

export function supplierRoutes(app: TypedApp, hub: Hub): void {
  app.post('/suppliers', {
    config: { access: 'suppliers' },
    schema: { body: AddSupplier, response: { 201: Supplier, ...ErrorResponses }, summary: 'Adds an upstream supplier; its token is stored sealed and never shown' },
  }, async (request, reply) => {
    const { url, ...rest } = request.body;
    return reply.status(201).send(await hub.suppliers.add({ ...rest, baseUrl: url }, actorOf(request)));
  });

  app.patch('/suppliers/:id', {
    config: { access: 'suppliers' },
    schema: { params: IdParams, body: UpdateSupplier, response: { 200: Supplier, ...ErrorResponses }, summary: 'Changes a supplier (token: null removes it)' },
  }, async (request) => {
    const { url, ...rest } = request.body;
    return hub.suppliers.update(request.params.id, { ...rest, ...(url !== undefined && { baseUrl: url }) }, actorOf(request));
  });

  app.get('/suppliers', { config: { access: 'read' }, schema: { response: { 200: Suppliers, ...ErrorResponses }, summary: 'All suppliers (never their tokens)' } }, async () => ({ suppliers: await hub.suppliers.list() }));

  app.post('/offers/:id/sources', {
    config: { access: 'catalog' },
    schema: {
      params: IdParams, body: AddSource, response: { 201: OfferSource, ...ErrorResponses },
      summary: "Appends an upstream source to the offer (tried in order, after own stock); without a cost, the supplier's catalog gives it",
    },
  }, async (request, reply) => {
    const offer = await hub.catalog.get(request.params.id);
    const b = request.body;
    const { cost, costCurrency } = b.cost !== undefined
      ? { cost: moneyFromDecimal(b.cost, 'cost'), costCurrency: b.currency ?? offer.currency }
      : await catalogCost(hub, b.supplierId, b.product);
    const source = await hub.suppliers.addSource({ offerId: offer.id, supplierId: b.supplierId, supplierProductId: b.product, cost, costCurrency }, actorOf(request));
    return reply.status(201).send({ ...source, cost: formatMoney(source.cost) });
  });

  app.get('/offers/:id/sources', { config: { access: 'read' }, schema: { params: IdParams, response: { 200: OfferSources, ...ErrorResponses }, summary: "The offer's upstream sources, in order" } }, async (request) => {
    const sources = await hub.suppliers.sources(request.params.id);
    return { sources: sources.map((s) => ({ ...s, cost: formatMoney(s.cost) })) };
  });
}

/** Linking an upstream offer: its cost and currency as the supplier's last sync saw them. */
async function catalogCost(hub: Hub, supplierId: number, product: string): Promise<{ cost: Minor; costCurrency: string }> {
  const listed = await hub.suppliers.catalogOffer(supplierId, product);
  if (!listed || listed.goneAt !== null) throw invalidField('cost', `is required: supplier ${supplierId}'s catalog lists no offer "${product}" (sync it first)`);
  return { cost: Math.max(1, listed.cost), costCurrency: listed.costCurrency };
}
