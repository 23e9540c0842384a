import { id, optionalInt, optionalText, text, UsageError, type Command, type Values } from '../command.ts';
import { table } from '../output.ts';

/** --events order.completed,order.canceled */
function events(values: Values): string[] {
  return text(values, 'events').split(',').map((e) => e.trim()).filter(Boolean);
}

function flag(values: Values, on: string, off: string): boolean | undefined {
  if (values[on] && values[off]) throw new UsageError(`--${on} and --${off} exclude each other`);
  return values[on] ? true : values[off] ? false : undefined;
}

export const webhookCommands: Command[] = [
  {
    name: 'webhook create',
    summary: "A webhook endpoint for a shop; prints its secret, which is never shown again",
    options: {
      shop: { type: 'string', description: 'Shop id', required: true },
      url: { type: 'string', description: 'https:// URL', required: true },
      events: { type: 'string', description: 'order.processing,order.completed,order.canceled,order.refunded,balance.low', required: true },
      'include-keys': { type: 'boolean', description: 'Put the key in order.completed bodies' },
      'balance-low': { type: 'string', description: 'balance.low threshold in USD, e.g. 50.00' },
      concurrency: { type: 'string', description: 'Deliveries in flight at once (default 4)' },
    },
    run: ({ values, api }) => api.post(`/shops/${id(values.shop, '--shop')}/webhooks`, {
      url: text(values, 'url'), events: events(values),
      ...(values['include-keys'] === true && { includeKeys: true }),
      ...(optionalText(values, 'balance-low') !== undefined && { balanceLowThreshold: optionalText(values, 'balance-low') }),
      ...(optionalInt(values, 'concurrency') !== undefined && { concurrency: optionalInt(values, 'concurrency') }),
    }),
    human: (r) => `webhook ${r.webhook.id} for shop ${r.webhook.shopId}: ${r.webhook.url}\nsecret ${r.secret} (shown only now)`,
  },
  {
    name: 'webhook list',
    summary: "A shop's webhook endpoints",
    options: { shop: { type: 'string', description: 'Shop id', required: true } },
    run: ({ values, api }) => api.get(`/shops/${id(values.shop, '--shop')}/webhooks`),
    human: (r) => table(r.webhooks, ['id', 'url', 'events', 'status', 'includeKeys']),
  },
  {
    name: 'webhook update',
    summary: 'Changes an endpoint; --enable resumes it (after a 410 too), pending events first',
    args: ['ID'],
    options: {
      url: { type: 'string', description: 'https:// URL' },
      events: { type: 'string', description: 'Comma-separated event types' },
      'include-keys': { type: 'boolean', description: 'Put the key in order.completed bodies' },
      'no-include-keys': { type: 'boolean', description: 'Leave the key out' },
      'balance-low': { type: 'string', description: 'balance.low threshold in USD' },
      enable: { type: 'boolean', description: 'Resume deliveries' },
      disable: { type: 'boolean', description: 'Stop deliveries' },
    },
    run: ({ args, values, api }) => {
      const includeKeys = flag(values, 'include-keys', 'no-include-keys');
      const enabled = flag(values, 'enable', 'disable');
      return api.patch(`/webhooks/${id(args[0], 'ID')}`, {
        ...(optionalText(values, 'url') !== undefined && { url: optionalText(values, 'url') }),
        ...(values.events !== undefined && { events: events(values) }),
        ...(includeKeys !== undefined && { includeKeys }),
        ...(optionalText(values, 'balance-low') !== undefined && { balanceLowThreshold: optionalText(values, 'balance-low') }),
        ...(enabled !== undefined && { enabled }),
      });
    },
  },
  {
    name: 'webhook rotate-secret',
    summary: 'A new secret (printed once); the old one still signs for --overlap seconds (default 86400)',
    args: ['ID'],
    options: { overlap: { type: 'string', description: 'Seconds the old secret keeps signing' } },
    run: ({ args, values, api }) => api.post(`/webhooks/${id(args[0], 'ID')}/rotate-secret`, {
      ...(optionalInt(values, 'overlap') !== undefined && { overlapSeconds: optionalInt(values, 'overlap') }),
    }),
  },
  {
    name: 'webhook deliveries',
    summary: "An endpoint's delivery log, newest first",
    args: ['ID'],
    options: { limit: { type: 'string', description: 'How many (default 50)' } },
    run: ({ args, values, api }) => {
      const limit = optionalInt(values, 'limit');
      return api.get(`/webhooks/${id(args[0], 'ID')}/deliveries${limit === undefined ? '' : `?limit=${limit}`}`);
    },
    human: (r) => table(r.deliveries, ['id', 'type', 'orderId', 'sequence', 'status', 'attempts', 'lastResponseCode', 'lastLatencyMs', 'lastError']),
  },
  {
    name: 'webhook test',
    summary: 'Queues a webhook.test event to the endpoint',
    args: ['ID'],
    run: ({ args, api }) => api.post(`/webhooks/${id(args[0], 'ID')}/test`),
  },
  {
    name: 'webhook redeliver',
    summary: "Sends a delivery's event once more (same event id)",
    args: ['DELIVERY'],
    run: ({ args, api }) => api.post(`/webhook-deliveries/${id(args[0], 'DELIVERY')}/redeliver`),
  },
];
