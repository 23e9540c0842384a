import { id, optionalInt, text, type Command, type Values } from '../command.ts';
import { table } from '../output.ts';

const POLICY = {
  'timeout-ms': { type: 'string', description: 'Timeout of each call to the supplier (default 10000)' },
  'status-interval': { type: 'string', description: 'Seconds between status checks of an unknown outcome (default 120)' },
  'status-attempts': { type: 'string', description: 'Status checks before manual review (default 100)' },
} as const;

function policy(values: Values) {
  const timeoutMs = optionalInt(values, 'timeout-ms');
  const statusIntervalS = optionalInt(values, 'status-interval');
  const statusAttempts = optionalInt(values, 'status-attempts');
  return {
    ...(timeoutMs !== undefined && { timeoutMs }),
    ...(statusIntervalS !== undefined && { statusIntervalS }),
    ...(statusAttempts !== undefined && { statusAttempts }),
  };
}

export const supplierCommands: Command[] = [
  {
    name: 'supplier add',
    summary: 'Adds an upstream supplier; its token is stored sealed and never shown again',
    options: {
      kind: { type: 'string', description: 'codegames or gamesdrop', required: true },
      name: { type: 'string', description: 'A name for it', required: true },
      url: { type: 'string', description: "Base URL of the supplier's API", required: true },
      token: { type: 'string', description: 'Sent raw in Authorization' },
      ...POLICY,
    },
    run: ({ values, api }) => api.post('/suppliers', {
      kind: text(values, 'kind'), name: text(values, 'name'), url: text(values, 'url'),
      ...(typeof values.token === 'string' && { token: values.token }),
      ...policy(values),
    }),
  },
  {
    name: 'supplier update',
    summary: 'Changes a supplier',
    args: ['ID'],
    options: {
      name: { type: 'string', description: 'New name' },
      url: { type: 'string', description: 'New base URL' },
      token: { type: 'string', description: 'New token ("" removes it)' },
      ...POLICY,
    },
    run: ({ args, values, api }) => api.patch(`/suppliers/${id(args[0], 'ID')}`, {
      ...(typeof values.name === 'string' && { name: values.name }),
      ...(typeof values.url === 'string' && { url: values.url }),
      ...(typeof values.token === 'string' && { token: values.token === '' ? null : values.token }),
      ...policy(values),
    }),
  },
  {
    name: 'supplier list',
    summary: 'All suppliers (never their tokens)',
    run: ({ api }) => api.get('/suppliers'),
    human: (r) => table(r.suppliers, ['id', 'kind', 'name', 'baseUrl', 'hasToken', 'timeoutMs', 'statusIntervalS', 'statusAttempts']),
  },
  {
    name: 'offer source add',
    summary: "Appends a supplier source to an offer (tried in order, after own stock)",
    options: {
      offer: { type: 'string', description: 'Offer id', required: true },
      supplier: { type: 'string', description: 'Supplier id', required: true },
      product: { type: 'string', description: "The supplier's product id", required: true },
      cost: { type: 'string', description: 'What we pay the supplier, at most 2 decimals', required: true },
      currency: { type: 'string', description: "Currency of the cost (default: the offer's)" },
    },
    run: ({ values, api }) => api.post(`/offers/${id(values.offer, '--offer')}/sources`, {
      supplierId: id(values.supplier, '--supplier'), product: text(values, 'product'), cost: text(values, 'cost'),
      ...(typeof values.currency === 'string' && { currency: values.currency }),
    }),
  },
  {
    name: 'offer source list',
    summary: "An offer's supplier sources, in order",
    options: { offer: { type: 'string', description: 'Offer id', required: true } },
    run: ({ values, api }) => api.get(`/offers/${id(values.offer, '--offer')}/sources`),
    human: (r) => table(r.sources, ['position', 'supplierId', 'supplierProductId', 'cost', 'costCurrency']),
  },
];
