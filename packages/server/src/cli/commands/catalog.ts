import { id, optionalInt, optionalText, queryOf, text, UsageError, type Command, type Values } from '../command.ts';
import { table } from '../output.ts';

/** The product an offer goes under: --product-id, or --product by name (found, else created). */
function productOption(values: Values): { productId: number } | { productName: string } {
  const name = optionalText(values, 'product');
  if (values['product-id'] !== undefined && name !== undefined) throw new UsageError('--product and --product-id contradict each other: give one');
  if (values['product-id'] !== undefined) return { productId: id(values['product-id'], '--product-id') };
  if (name) return { productName: name };
  throw new UsageError('--product NAME or --product-id ID is required');
}

/** `--server 2010=Asia` (repeatable) to {"2010": "Asia"}; the name may contain "=". */
function serversOption(values: Values): Record<string, string> {
  const specs = (values.server as string[] | undefined) ?? [];
  if (values.clear && specs.length > 0) throw new UsageError('--server and --clear contradict each other');
  if (!values.clear && specs.length === 0) throw new UsageError('--server ID=NAME (repeatable), or --clear to remove every server');
  const servers: Record<string, string> = {};
  for (const spec of specs) {
    const at = spec.indexOf('=');
    const serverId = spec.slice(0, at).trim();
    if (at < 0 || serverId === '' || spec.slice(at + 1).trim() === '') throw new UsageError(`--server ${spec}: expected ID=NAME, e.g. 2010=Asia`);
    if (Object.hasOwn(servers, serverId)) throw new UsageError(`--server ${serverId} is given twice`);
    servers[serverId] = spec.slice(at + 1).trim();
  }
  return servers;
}

function merchantsOption(values: Values): number[] | 'all' | undefined {
  const raw = values.merchants;
  if (raw === undefined) return undefined;
  if (raw === 'all') return 'all';
  if (typeof raw !== 'string' || !/^\d+(,\d+)*$/.test(raw)) throw new UsageError('--merchants must be "all" or ids like 1,2,3');
  return raw.split(',').map(Number);
}

export const catalogCommands: Command[] = [
  {
    name: 'offer upsert',
    summary: 'Creates or replaces an offer (price in its own currency)',
    options: {
      id: { type: 'string', description: 'Offer id (a number; 999 is the sandbox offer)', required: true },
      product: { type: 'string', description: 'Product name, e.g. "PUBG MOBILE GIFT": found, else created (or --product-id)' },
      'product-id': { type: 'string', description: 'Product id (or --product)' },
      name: { type: 'string', description: 'Offer name, e.g. "60 UC"', required: true },
      price: { type: 'string', description: 'Price, at most 2 decimals', required: true },
      currency: { type: 'string', description: 'KZT, USD, EUR or RUB', required: true },
      count: { type: 'string', description: 'Units per order (default 1)' },
      'returns-key': { type: 'boolean', description: 'The offer returns a key to the customer (the default)' },
      'no-returns-key': { type: 'boolean', description: 'The offer returns no key (e.g. a direct top-up)' },
      'requires-game-user-id': { type: 'boolean', description: 'Orders must carry customer.gameUserId' },
      'game-user-id-pattern': { type: 'string', description: 'Regular expression a gameUserId must match' },
      'game-server-id-pattern': { type: 'string', description: 'Regular expression a gameServerId must match' },
      merchants: { type: 'string', description: '"all", or the only merchant ids who may buy it: 1,2 (default: unchanged)' },
      commission: { type: 'string', description: 'CodeGames protocol: merchant commission in percent' },
    },
    run: ({ values, api }) => {
      if (values['returns-key'] && values['no-returns-key']) throw new UsageError('--returns-key and --no-returns-key contradict each other');
      const count = optionalInt(values, 'count');
      const merchants = merchantsOption(values);
      return api.put(`/offers/${id(values.id, '--id')}`, {
        ...productOption(values),
        offerName: text(values, 'name'),
        price: text(values, 'price'),
        currency: text(values, 'currency'),
        returnsKey: !values['no-returns-key'],
        requiresGameUserId: Boolean(values['requires-game-user-id']),
        gameUserIdPattern: (values['game-user-id-pattern'] as string | undefined) ?? null,
        gameServerIdPattern: (values['game-server-id-pattern'] as string | undefined) ?? null,
        ...(count !== undefined && { count }),
        ...(merchants !== undefined && { merchants }),
        ...(typeof values.commission === 'string' && { commission: values.commission }),
      });
    },
  },
  {
    name: 'offer list',
    summary: 'Offers with their stock levels, by id (every one, or a page with --limit; --after: the nextAfter printed by the previous page)',
    options: {
      q: { type: 'string', description: "The offer's id, or a part of its product or offer name (any case)" },
      product: { type: 'string', description: 'Only the offers of this product id' },
      after: { type: 'string', description: 'Cursor: nextAfter of the previous page' },
      limit: { type: 'string', description: 'Page size, 1-500 (default: every offer)' },
    },
    run: ({ values, api }) => api.get(`/offers${queryOf(values, { q: 'q', product: 'productId', after: 'after', limit: 'limit' })}`),
    human: (r) => `${table(r.offers.map((o: any) => ({ ...o, available: o.stock.available, sold: o.stock.sold })),
      ['id', 'productName', 'offerName', 'price', 'currency', 'available', 'sold', 'merchants'])}${r.nextAfter ? `\nnext page: --after ${r.nextAfter}` : ''}`,
  },
  {
    name: 'offer show',
    summary: 'One offer with its stock level',
    args: ['ID'],
    run: ({ args, api }) => api.get(`/offers/${id(args[0], 'ID')}`),
  },
  {
    name: 'offer servers',
    summary: "Replaces an offer's game servers (a player must then name one of them); --clear removes them",
    options: {
      id: { type: 'string', description: 'Offer id', required: true },
      server: { type: 'string', multiple: true, description: 'ID=NAME, e.g. --server 2010=Asia --server 2011=Europe' },
      clear: { type: 'boolean', description: 'No servers: a player names none' },
    },
    run: ({ values, api }) => api.put(`/offers/${id(values.id, '--id')}/servers`, { servers: serversOption(values) }),
  },
  {
    name: 'offer commission',
    summary: "Sets one merchant's commission on an offer (none: back to the offer's)",
    options: {
      offer: { type: 'string', description: 'Offer id', required: true },
      merchant: { type: 'string', description: 'Merchant id', required: true },
      percent: { type: 'string', description: 'Percent, e.g. 12.5, or "none"', required: true },
    },
    run: ({ values, api }) => {
      const percent = text(values, 'percent');
      return api.put(`/offers/${id(values.offer, '--offer')}/commissions/${id(values.merchant, '--merchant')}`, { percent: percent === 'none' ? null : percent });
    },
  },
  {
    name: 'fx set',
    summary: 'Sets how many USD one unit of a currency is worth',
    options: {
      currency: { type: 'string', description: 'KZT, EUR or RUB', required: true },
      usd: { type: 'string', description: 'USD per one unit, e.g. 0.0108', required: true },
    },
    run: ({ values, api }) => api.put(`/fx/${text(values, 'currency')}`, { usdPerUnit: text(values, 'usd') }),
  },
  {
    name: 'fx list',
    summary: 'All FX rates',
    run: ({ api }) => api.get('/fx'),
    human: (r) => table(r.rates, ['currency', 'usdPerUnit', 'updatedAt']),
  },
];
