import type { SupplierSync } from '@dropgate/contract';
import { setTimeout as sleep } from 'node:timers/promises';
import { id, optionalInt, optionalText, text, type Command, type Values } from '../command.ts';
import type { AdminClient } from '../http.ts';
import { table } from '../output.ts';

const POLICY = {
  'timeout-ms': { type: 'string', description: 'Timeout of each call to the supplier (default 10000)' },
  'status-interval': { type: 'string', description: 'Seconds between status checks of an unknown outcome (default 120)' },
  'status-attempts': { type: 'string', description: 'Status checks before manual review (default 100)' },
  'catalog-products': { type: 'string', description: 'CodeGames: the product ids its catalog sync checks, comma-separated' },
  'max-missing-percent': { type: 'string', description: 'A catalog sync marking more than this share gone waits for confirmation (default 20)' },
  'sync-every': { type: 'string', description: 'A scheduled catalog sync every this many seconds ("" or "off": by hand only)' },
  'stars-source': { type: 'string', description: 'GamesDrop: also delivers Telegram Stars, tried before-provider or after-provider the stars provider ("off": not)' },
} as const;

function policy(values: Values) {
  const timeoutMs = optionalInt(values, 'timeout-ms');
  const statusIntervalS = optionalInt(values, 'status-interval');
  const statusAttempts = optionalInt(values, 'status-attempts');
  const catalogProducts = optionalText(values, 'catalog-products');
  const catalogMaxMissingPercent = optionalInt(values, 'max-missing-percent');
  const every = optionalText(values, 'sync-every');
  const starsSource = optionalText(values, 'stars-source');
  return {
    ...(starsSource !== undefined && { starsSource: starsSource === '' || starsSource === 'off' ? null : starsSource }),
    ...(every !== undefined && { catalogSyncIntervalS: every === '' || every === 'off' ? null : optionalInt(values, 'sync-every') }),
    ...(catalogProducts !== undefined && { catalogProductIds: catalogProducts.split(',').map((p) => p.trim()).filter((p) => p !== '') }),
    ...(catalogMaxMissingPercent !== undefined && { catalogMaxMissingPercent }),
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
    human: (r) => table(r.suppliers, ['id', 'kind', 'name', 'baseUrl', 'hasToken', 'timeoutMs', 'statusIntervalS', 'statusAttempts', 'catalogSyncIntervalS', 'starsSource']),
  },
  {
    name: 'offer source add',
    summary: "Appends a supplier source to an offer (tried in order, after own stock)",
    options: {
      offer: { type: 'string', description: 'Offer id', required: true },
      supplier: { type: 'string', description: 'Supplier id', required: true },
      product: { type: 'string', description: "The supplier's product id", required: true },
      cost: { type: 'string', description: "What we pay the supplier, at most 2 decimals (default: the supplier's synced catalog's cost)" },
      currency: { type: 'string', description: "Currency of the cost (default: the offer's)" },
    },
    run: ({ values, api }) => api.post(`/offers/${id(values.offer, '--offer')}/sources`, {
      supplierId: id(values.supplier, '--supplier'), product: text(values, 'product'),
      ...(typeof values.cost === 'string' && { cost: values.cost }),
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
  {
    name: 'supplier sync',
    summary: "Syncs the supplier's catalog and waits for the outcome (progress on the terminal)",
    options: { supplier: { type: 'string', description: 'Supplier id', required: true } },
    async run({ values, api, progress }) {
      const supplierId = id(values.supplier, '--supplier');
      const started = await api.post(`/suppliers/${supplierId}/syncs`) as SupplierSync;
      return waitForSync(api, supplierId, started, progress);
    },
    human: syncSummary,
    // Held or failed: nothing changed, which a script must notice.
    failed: (r) => r.status !== 'applied',
  },
  {
    name: 'supplier sync confirm',
    summary: 'Applies a sync held by the broken-upstream guard, as it was read',
    options: { supplier: { type: 'string', description: 'Supplier id', required: true }, sync: { type: 'string', description: 'Sync id', required: true } },
    run: ({ values, api }) => api.post(`/suppliers/${id(values.supplier, '--supplier')}/syncs/${id(values.sync, '--sync')}/confirm`),
    human: syncSummary,
  },
  {
    name: 'supplier sync discard',
    summary: 'Drops a held sync: the catalog stays as it is',
    options: { supplier: { type: 'string', description: 'Supplier id', required: true }, sync: { type: 'string', description: 'Sync id', required: true } },
    run: ({ values, api }) => api.post(`/suppliers/${id(values.supplier, '--supplier')}/syncs/${id(values.sync, '--sync')}/discard`),
    human: syncSummary,
  },
  {
    name: 'supplier syncs',
    summary: "The supplier's latest catalog syncs, newest first",
    options: { supplier: { type: 'string', description: 'Supplier id', required: true } },
    run: ({ values, api }) => api.get(`/suppliers/${id(values.supplier, '--supplier')}/syncs`),
    human: (r) => table(r.syncs, ['id', 'status', 'startedAt', 'seen', 'added', 'changed', 'gone', 'missingPercent', 'error']),
  },
  {
    name: 'supplier catalog import',
    summary: "Makes own offers of the supplier's listed offers that match the filter (not linked yet), in one step",
    options: {
      supplier: { type: 'string', description: 'Supplier id', required: true },
      category: { type: 'string', description: 'Only this category' },
      product: { type: 'string', description: "Only this upstream product id" },
      region: { type: 'string', description: 'Only this region code' },
      search: { type: 'string', description: 'Only names containing this' },
      currency: { type: 'string', description: "The new offers' currency (default: each upstream offer's)" },
      margin: { type: 'string', description: "The offers' own rule: margin in percent on the converted cost (without --margin, --fixed, --rounding: the stored pricing rules)" },
      fixed: { type: 'string', description: 'Added after the margin, in the sale currency (default 0)' },
      rounding: { type: 'string', description: 'cent (default), unit or ninety-nine' },
    },
    run: ({ values, api }) => {
      const fields = { category: 'category', product: 'upstreamProductId', region: 'regionCode', search: 'search', currency: 'currency', margin: 'marginPercent', fixed: 'fixed', rounding: 'rounding' };
      const body = Object.fromEntries(Object.entries(fields).flatMap(([option, field]) => (typeof values[option] === 'string' ? [[field, values[option]]] : [])));
      return api.post(`/suppliers/${id(values.supplier, '--supplier')}/catalog/import`, body);
    },
    human: (r) => (r.imported === 0 ? 'nothing to import' : `${r.imported} offers imported: ids ${r.firstOfferId} to ${r.lastOfferId}`),
  },
  {
    name: 'supplier catalog',
    summary: "The supplier's catalog as its last applied sync saw it",
    options: {
      supplier: { type: 'string', description: 'Supplier id', required: true },
      search: { type: 'string', description: 'Part of a product or offer name, or an upstream id' },
      gone: { type: 'boolean', description: 'Offers no longer listed too' },
      page: { type: 'string', description: 'Page (default 1)' },
      limit: { type: 'string', description: 'Offers per page (default 50, at most 500)' },
    },
    run: ({ values, api }) => {
      const query = new URLSearchParams();
      if (typeof values.search === 'string') query.set('q', values.search);
      if (values.gone === true) query.set('gone', 'true');
      for (const name of ['page', 'limit']) {
        const value = optionalInt(values, name);
        if (value !== undefined) query.set(name, String(value));
      }
      return api.get(`/suppliers/${id(values.supplier, '--supplier')}/catalog${query.size > 0 ? `?${query}` : ''}`);
    },
    human: (r) => `${table(r.offers, ['upstreamId', 'productName', 'offerName', 'cost', 'costCurrency', 'inStock', 'goneAt'])}\n${r.total} in all`,
  },
];

/** How often `supplier sync` reads its sync back while it runs. */
const POLL_MS = 250;

async function waitForSync(api: AdminClient, supplierId: number, sync: SupplierSync, progress: (line: string) => void): Promise<SupplierSync> {
  let current = sync;
  while (current.status === 'running') {
    progress(`sync ${current.id}: ${current.seen} upstream offers read`);
    await sleep(POLL_MS);
    current = await api.get(`/suppliers/${supplierId}/syncs/${current.id}`) as SupplierSync;
  }
  return current;
}

function syncSummary(r: SupplierSync): string {
  const counts = `${r.seen} read, ${r.added} added, ${r.changed} changed, ${r.gone} gone`;
  switch (r.status) {
    case 'held':
      return `sync ${r.id} held: ${r.missingPercent} % of the listed catalog is missing (${counts}); nothing changed.\n`
        + `Confirm with: dropgate supplier sync confirm --supplier ID --sync ${r.id} (or discard it)`;
    case 'failed':
      return `sync ${r.id} failed, nothing changed: ${r.error}`;
    default:
      return `sync ${r.id} ${r.status}: ${counts}`;
  }
}
