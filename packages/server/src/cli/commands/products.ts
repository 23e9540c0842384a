import type { CreateProduct, Product, ProductsPage } from '@dropgate/contract';
import { id, optionalText, queryOf, text, type Command, type OptionSpec, type Values } from '../command.ts';
import { table } from '../output.ts';

/** The product's details, each an option; "" empties one. */
const DETAILS = {
  category: { option: 'category', description: 'Category, e.g. "Top Up"' },
  platformCode: { option: 'platform-code', description: 'Platform code, e.g. steam' },
  platformName: { option: 'platform-name', description: 'Platform name, e.g. Steam' },
  regionCode: { option: 'region-code', description: 'Region code, e.g. GLB' },
  regionName: { option: 'region-name', description: 'Region name, e.g. Global' },
  regionalLimitations: { option: 'regional-limitations', description: 'Regional limitations, in words' },
} as const;

type Details = Omit<CreateProduct, 'name'>;

const DETAIL_OPTIONS: OptionSpec = {
  ...Object.fromEntries(Object.values(DETAILS).map((d) => [d.option, { type: 'string' as const, description: `${d.description} ("" empties it)` }])),
  'excluded-countries': { type: 'string', description: 'Countries its offers are not sold to: RU,BY ("" for none)' },
};

/** The detail options given, as the API's fields ("" is null; countries split on "," or ";"). */
function details(values: Values): Details {
  const given: Details = {};
  for (const [field, { option }] of Object.entries(DETAILS) as Array<[keyof typeof DETAILS, { option: string }]>) {
    const value = optionalText(values, option);
    if (value !== undefined) given[field] = value === '' ? null : value;
  }
  const countries = optionalText(values, 'excluded-countries');
  if (countries !== undefined) given.excludedCountryCodes = countries.split(/[,;]/).map((c) => c.trim()).filter(Boolean);
  return given;
}

/** A product as PUT /products/:id takes it: every detail, since the call replaces them all. */
function replacement(product: Product): CreateProduct {
  const { name, category, platformCode, platformName, regionCode, regionName, regionalLimitations, excludedCountryCodes } = product;
  return { name, category, platformCode, platformName, regionCode, regionName, regionalLimitations, excludedCountryCodes };
}

const productTable = (products: Product[]) =>
  table(products.map((p) => ({ ...p, excludedCountryCodes: p.excludedCountryCodes.join(',') })),
    ['id', 'name', 'category', 'platformCode', 'regionCode', 'excludedCountryCodes']);

export const productCommands: Command[] = [
  {
    name: 'product create',
    summary: 'Creates a product: what offers are of (name, category, platform, region, excluded countries)',
    options: { name: { type: 'string', description: 'Product name, e.g. "PUBG MOBILE"', required: true }, ...DETAIL_OPTIONS },
    run: ({ values, api }) => api.post('/products', { name: text(values, 'name'), ...details(values) }),
  },
  {
    name: 'product update',
    summary: 'Changes the details given, keeps the others; its offers change with it',
    args: ['ID'],
    options: { name: { type: 'string', description: 'New name' }, ...DETAIL_OPTIONS },
    run: async ({ args, values, api }) => {
      const productId = id(args[0], 'ID');
      const current: Product = await api.get(`/products/${productId}`);
      const name = optionalText(values, 'name');
      return api.put(`/products/${productId}`, { ...replacement(current), ...(name !== undefined && { name }), ...details(values) });
    },
  },
  {
    name: 'product list',
    summary: 'Products by id, a page at a time (--after: the nextAfter printed by the previous page)',
    options: {
      q: { type: 'string', description: 'Name contains (any case)' },
      after: { type: 'string', description: 'Cursor: nextAfter of the previous page' },
      limit: { type: 'string', description: 'Page size, 1-500 (default 100)' },
    },
    run: ({ values, api }) => api.get(`/products${queryOf(values, { q: 'q', after: 'after', limit: 'limit' })}`),
    human: (r: ProductsPage) => `${productTable(r.products)}${r.nextAfter ? `\nnext page: --after ${r.nextAfter}` : ''}`,
  },
  {
    name: 'product show',
    summary: 'One product',
    args: ['ID'],
    run: ({ args, api }) => api.get(`/products/${id(args[0], 'ID')}`),
  },
];
