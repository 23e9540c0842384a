import { id, optionalText, text, UsageError, type Command, type Values } from '../command.ts';
import { table } from '../output.ts';

export const merchantCommands: Command[] = [
  {
    name: 'merchant create',
    summary: 'Creates a merchant with an empty USD account',
    options: { name: { type: 'string', description: "The merchant's name", required: true } },
    run: ({ values, api }) => api.post('/merchants', { name: text(values, 'name') }),
  },
  {
    name: 'merchant list',
    summary: 'Lists merchants',
    run: ({ api }) => api.get('/merchants'),
    human: (r) => table(r.merchants, ['id', 'name', 'createdAt']),
  },
  {
    name: 'merchant show',
    summary: 'A merchant with balance, draft balance and shops',
    args: ['ID'],
    run: ({ args, api }) => api.get(`/merchants/${id(args[0], 'ID')}`),
  },
  {
    name: 'shop create',
    summary: "Creates a shop; prints its token, which is never shown again",
    options: {
      merchant: { type: 'string', description: 'Merchant id', required: true },
      name: { type: 'string', description: "The shop's name", required: true },
    },
    run: ({ values, api }) => api.post('/shops', { merchantId: id(values.merchant, '--merchant'), name: text(values, 'name') }),
  },
  {
    name: 'shop rotate-token',
    summary: 'A new token for the shop; the old one stops working at once',
    options: { shop: { type: 'string', description: 'Shop id', required: true } },
    run: ({ values, api }) => api.post(`/shops/${id(values.shop, '--shop')}/rotate-token`),
  },
  {
    name: 'shop limits',
    summary: "The shop's rate limit and IP allowlist on the merchant APIs",
    options: { shop: { type: 'string', description: 'Shop id', required: true } },
    run: ({ values, api }) => api.get(`/shops/${id(values.shop, '--shop')}/limits`),
    human: limitsText,
  },
  {
    name: 'shop set-limits',
    summary: "Sets the shop's rate limit and/or IP allowlist; what is not given stays",
    options: {
      shop: { type: 'string', description: 'Shop id', required: true },
      rate: { type: 'string', description: 'Requests per window, or "default" for the deployment\'s' },
      allow: { type: 'string', description: 'Comma-separated IPv4/IPv6 addresses or CIDR networks, or "any" to drop the allowlist' },
    },
    run: ({ values, api }) => api.put(`/shops/${id(values.shop, '--shop')}/limits`, limitsChange(values)),
    human: limitsText,
  },
  {
    name: 'deposit',
    summary: "Credits a merchant's USD balance (a DEPOSIT entry); prints the new balance",
    options: {
      merchant: { type: 'string', description: 'Merchant id', required: true },
      amount: { type: 'string', description: 'USD, at most 2 decimals, e.g. 100.00', required: true },
      description: { type: 'string', description: 'Shown in the merchant\'s transactions (default "Deposit")' },
    },
    run: ({ values, api }) =>
      api.post(`/merchants/${id(values.merchant, '--merchant')}/deposits`, {
        amount: text(values, 'amount'),
        ...(typeof values.description === 'string' && { description: values.description }),
      }),
    human: (r) => `balance ${r.balance} USD (merchant ${r.merchantId}, entry ${r.entry.id})`,
  },
];

function limitsChange(values: Values): { rateLimit?: number | null; ipAllowlist?: string[] } {
  const rate = optionalText(values, 'rate');
  const allow = optionalText(values, 'allow');
  if (rate === undefined && allow === undefined) throw new UsageError('give --rate, --allow or both');
  return {
    ...(rate !== undefined && { rateLimit: rate === 'default' ? null : id(rate, '--rate') }),
    ...(allow !== undefined && { ipAllowlist: allow === 'any' ? [] : allow.split(',').map((entry) => entry.trim()).filter(Boolean) }),
  };
}

function limitsText(r: { shopId: number; rateLimit: number | null; effectiveRateLimit: number | null; windowSeconds: number; ipAllowlist: string[] }): string {
  const rate = r.effectiveRateLimit === null ? 'not limited' : `${r.effectiveRateLimit} requests per ${r.windowSeconds} s`;
  return [
    `shop ${r.shopId}`,
    `rate limit: ${rate}${r.rateLimit === null ? " (the deployment's default)" : ''}`,
    `IP allowlist: ${r.ipAllowlist.length === 0 ? 'any address' : r.ipAllowlist.join(', ')}`,
  ].join('\n');
}
