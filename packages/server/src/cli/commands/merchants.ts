import { id, text, type Command } from '../command.ts';
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
