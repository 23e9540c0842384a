import type { CreateProduct, OperatorOffers, Product, ProductsPage } from '@dropgate/contract';
import { useState } from 'preact/hooks';
import { get, post, put, query } from '../api.ts';
import { navigate } from '../router.ts';
import { Can, useCan } from '../session.tsx';
import { Field, Form, Link, Notice, PagedTable, SearchBox, useLoad, when } from '../ui.tsx';

const PAGE = 50;

export function Products() {
  const [search, setSearch] = useState('');
  return (
    <section>
      <h1>Products</h1>
      <p class="muted">What offers are of: merchants read a product's category, platform, region and excluded countries on each of its offers.</p>
      <SearchBox label="Search by name" value={search} onSearch={setSearch} />
      <PagedTable
        label="Products"
        first="First"
        deps={[search]}
        load={async (after) => {
          const page = await get<ProductsPage>(`/console/v1/products${query({ q: search, after, limit: PAGE })}`);
          return { rows: page.products, next: page.nextAfter };
        }}
        empty="No products."
        columns={[
          ['Id', (p) => <Link href={`/console/products/${p.id}`}>{p.id}</Link>], ['Name', (p) => p.name], ['Category', (p) => p.category],
          ['Platform', (p) => p.platformName ?? p.platformCode], ['Region', (p) => p.regionName ?? p.regionCode],
          ['Not sold to', (p) => p.excludedCountryCodes.join(', ')],
        ]}
      />
      <Can permission="catalog">
        <h2>Create a product</h2>
        <ProductForm submit="Create product" onSave={async (fields) => {
          const product = await post<Product>('/console/v1/products', fields);
          navigate(`/console/products/${product.id}`);
        }} />
      </Can>
    </section>
  );
}

export function ProductDetail(props: { id: number }) {
  const { data, error, reload } = useLoad(
    () => Promise.all([get<Product>(`/console/v1/products/${props.id}`), get<OperatorOffers>(`/console/v1/offers${query({ productId: props.id })}`)]),
    [props.id],
  );
  const mayChange = useCan('catalog');
  if (!data) return <Notice error={error} />;
  const [product, catalog] = data;
  const offers = catalog.offers;
  return (
    <section>
      <h1>Product {product.id}: {product.name}</h1>
      <p class="muted">Changed {when(product.updatedAt)}. A change reaches every offer of the product at once.</p>
      {mayChange ? (
        <ProductForm product={product} submit="Save product" onSave={async (fields) => {
          await put<Product>(`/console/v1/products/${product.id}`, fields);
          reload();
          return 'Saved';
        }} />
      ) : <ProductFacts product={product} />}
      <h2>Its offers</h2>
      <table aria-label="Offers of the product">
        <thead><tr><th>Id</th><th>Offer</th><th>Price</th><th>Servers</th></tr></thead>
        <tbody>
          {offers.map((o) => (
            <tr><td><Link href={`/console/offers/${o.id}`}>{o.id}</Link></td><td>{o.offerName}</td><td>{o.price} {o.currency}</td><td>{Object.keys(o.servers).length || ''}</td></tr>
          ))}
          {offers.length === 0 && <tr><td colSpan={4} class="muted">No offers yet: create one on the Catalog page under this product's name.</td></tr>}
        </tbody>
      </table>
    </section>
  );
}

/** The product's fields, for a role that may not change them. */
function ProductFacts(props: { product: Product }) {
  const p = props.product;
  return (
    <dl class="facts">
      <dt>Category</dt><dd>{p.category}</dd>
      <dt>Platform</dt><dd>{[p.platformCode, p.platformName].filter(Boolean).join(': ')}</dd>
      <dt>Region</dt><dd>{[p.regionCode, p.regionName].filter(Boolean).join(': ')}</dd>
      <dt>Regional limitations</dt><dd>{p.regionalLimitations}</dd>
      <dt>Not sold to</dt><dd>{p.excludedCountryCodes.join(', ')}</dd>
    </dl>
  );
}

/** The product's fields; an empty one is no detail, countries are ISO alpha-2 codes separated by commas or spaces. */
function ProductForm(props: { product?: Product; submit: string; onSave: (fields: CreateProduct) => Promise<string | void> }) {
  const p = props.product;
  return (
    <Form class="stacked" submit={props.submit} onSubmit={(d) => props.onSave(productFields(d))}>
      <Field label="Name" name="name" value={p?.name} required />
      <Field label="Category" name="category" value={p?.category ?? ''} placeholder="Top Up" />
      <Field label="Platform code" name="platformCode" value={p?.platformCode ?? ''} placeholder="steam" />
      <Field label="Platform name" name="platformName" value={p?.platformName ?? ''} placeholder="Steam" />
      <Field label="Region code" name="regionCode" value={p?.regionCode ?? ''} placeholder="GLB" />
      <Field label="Region name" name="regionName" value={p?.regionName ?? ''} placeholder="Global" />
      <Field label="Regional limitations" name="regionalLimitations" value={p?.regionalLimitations ?? ''} />
      <Field label="Not sold to (country codes)" name="excludedCountryCodes" value={p?.excludedCountryCodes.join(', ') ?? ''} placeholder="RU, BY" />
    </Form>
  );
}

function productFields(d: Record<string, string>): CreateProduct {
  const detail = (name: string) => d[name]?.trim() || null;
  return {
    name: d.name?.trim() ?? '',
    category: detail('category'),
    platformCode: detail('platformCode'),
    platformName: detail('platformName'),
    regionCode: detail('regionCode'),
    regionName: detail('regionName'),
    regionalLimitations: detail('regionalLimitations'),
    excludedCountryCodes: (d.excludedCountryCodes ?? '').split(/[\s,;]+/).filter(Boolean),
  };
}
