import { CreateProduct, ErrorResponses, IdParams, Product, ProductsPage, ProductsQuery, ReplaceProduct } from '@dropgate/contract';
import { actorOf } from '../../access-control/index.ts';
import type { Hub } from '../../hub.ts';
import type { ProductFields } from '../../modules/catalog/index.ts';
import type { TypedApp } from '../../platform/http/typed-app.ts';
import { productOut } from '../present.ts';

/** Products: what offers are of. Merchants see their fields on every offer (find-one, sync). */
export function productRoutes(app: TypedApp, hub: Hub): void {
  app.get('/products', {
    config: { access: 'read' },
    schema: { querystring: ProductsQuery, response: { 200: ProductsPage, ...ErrorResponses }, summary: 'Products by id, name search, keyset pages' },
  }, async (request) => {
    const { q, after, limit = 100 } = request.query;
    const page = await hub.catalog.products({ search: q, after }, limit);
    return { products: page.products.map(productOut), nextAfter: page.nextAfter };
  });

  app.get('/products/:id', {
    config: { access: 'read' },
    schema: { params: IdParams, response: { 200: Product, ...ErrorResponses }, summary: 'One product' },
  }, async (request) => productOut(await hub.catalog.product(request.params.id)));

  app.post('/products', {
    config: { access: 'catalog' },
    schema: { body: CreateProduct, response: { 201: Product, ...ErrorResponses }, summary: 'Creates a product' },
  }, async (request, reply) => reply.status(201).send(productOut(await hub.catalog.createProduct(productFields(request.body), actorOf(request)))));

  app.put('/products/:id', {
    config: { access: 'catalog' },
    schema: { params: IdParams, body: ReplaceProduct, response: { 200: Product, ...ErrorResponses }, summary: 'Replaces a product; its offers change with it' },
  }, async (request) => productOut(await hub.catalog.updateProduct(request.params.id, productFields(request.body), actorOf(request))));
}

function productFields(b: CreateProduct): ProductFields {
  return {
    name: b.name,
    category: b.category ?? null,
    platformCode: b.platformCode ?? null,
    platformName: b.platformName ?? null,
    regionCode: b.regionCode ?? null,
    regionName: b.regionName ?? null,
    regionalLimitations: b.regionalLimitations ?? null,
    excludedCountryCodes: b.excludedCountryCodes ?? [],
  };
}
