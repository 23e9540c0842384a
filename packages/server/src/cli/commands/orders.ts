import { id, queryOf, text, type Command } from '../command.ts';
import { fields, table } from '../output.ts';

const showOrder = (order: any) => {
  const { events, ...rest } = order;
  return `${fields(rest)}\n\nevents\n${table(events ?? [], ['at', 'from', 'to', 'actor', 'reason'])}`;
};

export const orderCommands: Command[] = [
  {
    name: 'order show',
    summary: 'An order (by orderId, which is also the CodeGames partner_txn_id) with its events',
    args: ['ID'],
    run: ({ args, api }) => api.get(`/orders/${id(args[0], 'ID')}`),
    human: showOrder,
  },
  {
    name: 'order list',
    summary: 'Orders, newest first, a page at a time (--before: the nextBefore printed by the previous page)',
    options: {
      q: { type: 'string', description: 'Any id: orderId, transactionId / txn_id, our id upstream, the supplier\'s id' },
      status: { type: 'string', description: 'SUBMITTED, PROCESSING, COMPLETED, CANCELED or REFUND' },
      merchant: { type: 'string', description: 'Merchant id' },
      before: { type: 'string', description: 'Cursor: nextBefore of the previous page' },
      limit: { type: 'string', description: 'Page size, 1-500 (default 50)' },
    },
    run: ({ values, api }) => api.get(`/orders${queryOf(values, { q: 'q', status: 'status', merchant: 'merchantId', before: 'before', limit: 'limit' })}`),
    human: (r) => `${table(r.orders, ['id', 'merchantId', 'transactionId', 'status', 'offerId', 'amountUsd', 'createdAt'])}${r.nextBefore ? `\nnext page: --before ${r.nextBefore}` : ''}`,
  },
  {
    name: 'order find',
    summary: "Orders by the merchant's id: Partner API transactionId or CodeGames txn_id",
    options: { txn: { type: 'string', description: 'transactionId / txn_id', required: true } },
    run: ({ values, api }) => api.get(`/orders?transactionId=${encodeURIComponent(text(values, 'txn'))}`),
    human: (r) => table(r.orders, ['id', 'shopId', 'merchantId', 'protocol', 'status', 'offerId', 'amountUsd', 'createdAt']),
  },
  {
    name: 'order review',
    summary: 'Orders waiting for the operator (unknown supplier outcome, key missing)',
    run: ({ api }) => api.get('/orders?review=true'),
    human: (r) => table(r.orders, ['id', 'merchantId', 'offerId', 'amountUsd', 'reviewReason']),
  },
  {
    name: 'order refund',
    summary: 'Refunds a COMPLETED order to the merchant',
    args: ['ID'],
    options: { reason: { type: 'string', description: 'Why (kept in the order events)', required: true } },
    run: ({ args, values, api }) => api.post(`/orders/${id(args[0], 'ID')}/refund`, { reason: text(values, 'reason') }),
    human: showOrder,
  },
  {
    name: 'order complete',
    summary: 'Completes a PROCESSING order (manual review) with the key you obtained',
    args: ['ID'],
    options: {
      key: { type: 'string', description: 'The key (required when the offer returns one)' },
      reason: { type: 'string', description: 'Why (kept in the order events)' },
    },
    run: ({ args, values, api }) => api.post(`/orders/${id(args[0], 'ID')}/complete`, {
      ...(typeof values.key === 'string' && { key: values.key }),
      ...(typeof values.reason === 'string' && { reason: values.reason }),
    }),
    human: showOrder,
  },
  {
    name: 'order cancel',
    summary: 'Cancels a PROCESSING order and refunds the merchant',
    args: ['ID'],
    options: { reason: { type: 'string', description: 'Why (shown to the merchant)', required: true } },
    run: ({ args, values, api }) => api.post(`/orders/${id(args[0], 'ID')}/cancel`, { reason: text(values, 'reason') }),
    human: showOrder,
  },
  {
    name: 'audit',
    summary: 'Checks every ledger and order invariant; exits 1 naming each violation',
    run: ({ api }) => api.get('/audit'),
    human: (r) => (r.ok ? `ok: ${r.checks} invariants hold` : r.violations.map((v: any) => `VIOLATION ${v.invariant}: ${v.detail}`).join('\n')),
    failed: (r) => !r.ok,
  },
  {
    name: 'margins',
    summary: 'Revenue, supplier cost and margin (USD) of completed supplier orders, per supplier, product or day',
    options: {
      by: { type: 'string', description: 'supplier, product or day', required: true },
      from: { type: 'string', description: 'First UTC day, YYYY-MM-DD' },
      to: { type: 'string', description: 'Last UTC day, YYYY-MM-DD (included)' },
    },
    run: ({ values, api }) => {
      const query = new URLSearchParams({ by: text(values, 'by') });
      for (const name of ['from', 'to']) if (typeof values[name] === 'string') query.set(name, values[name] as string);
      return api.get(`/reports/margins?${query}`);
    },
    human: (r) => table(r.rows, ['key', 'orders', 'revenueUsd', 'costUsd', 'marginUsd']),
  },
];
