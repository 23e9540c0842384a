import { type Command } from '../command.ts';
import { table } from '../output.ts';

const FILTERS = [
  ['actor', 'actor'], ['action', 'action'], ['target-type', 'targetType'], ['target-id', 'targetId'], ['merchant', 'merchantId'], ['from', 'from'], ['to', 'to'],
] as const;

/** The audit trail: who did what, when, from where, before and after. */
export const auditLogCommands: Command[] = [
  {
    name: 'audit-log',
    summary: 'The audit trail, newest first, a page at a time (--csv: the whole filtered trail as CSV)',
    options: {
      actor: { type: 'string', description: "Who: operator:<email>, key:<name>, operator (the bootstrap key), merchant-user:<id>" },
      action: { type: 'string', description: 'What, e.g. order.refund, offer.upsert, fx.set, api-key.create' },
      'target-type': { type: 'string', description: 'order, offer, merchant, shop, currency, supplier, api-key, operator-user, …' },
      'target-id': { type: 'string', description: 'The target\'s id' },
      merchant: { type: 'string', description: "A merchant user's merchant id" },
      from: { type: 'string', description: 'From this UTC day, YYYY-MM-DD' },
      to: { type: 'string', description: 'To this UTC day, YYYY-MM-DD, included' },
      before: { type: 'string', description: 'Cursor: nextBefore of the previous page' },
      limit: { type: 'string', description: 'Page size, 1-500 (default 50)' },
      csv: { type: 'boolean', description: 'Print the whole filtered trail as CSV instead' },
    },
    run: ({ values, api }) => {
      const params = new URLSearchParams();
      for (const [option, name] of FILTERS) if (typeof values[option] === 'string') params.set(name, values[option] as string);
      if (values.csv) return api.text(`/audit-log.csv${params.size ? `?${params}` : ''}`);
      for (const option of ['before', 'limit'] as const) if (typeof values[option] === 'string') params.set(option, values[option] as string);
      return api.get(`/audit-log${params.size ? `?${params}` : ''}`);
    },
    human: (r) => (typeof r === 'string'
      ? r.trimEnd()
      : `${table(r.entries, ['id', 'at', 'actor', 'ip', 'action', 'targetType', 'targetId', 'after'])}${r.nextBefore ? `\nnext page: --before ${r.nextBefore}` : ''}`),
  },
];
