/**
 * Suppliers: the upstreams the operator buys from, and each offer's ordered list of sources.
 * Supplier tokens are sealed like stock keys and never leave this module in clear, except to
 * build an adapter.
 */
import { CURRENCIES, type Currency } from '@dropgate/contract';
import type { Db } from '../../platform/db/index.ts';
import type { KeyVault } from '../../platform/crypto.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import type { Minor } from '../../platform/money.ts';
import { SUPPLIER_KINDS, type SupplierConfig, type SupplierKind } from './adapter.ts';
import { touchOffers } from '../catalog/index.ts';
import * as repo from './repository.ts';

export type { OfferSource } from './repository.ts';
export { listSources } from './repository.ts';
export { SUPPLIER_KINDS, type AdapterDeps, type PlaceRequest, type StatusRequest, type SupplierAdapter, type SupplierConfig, type SupplierKind, type SupplierOutcome, type UpstreamOffer } from './adapter.ts';

/** Suppliers as request handlers use them, bound to the database and the key vault (tokens are sealed). */
export class Suppliers {
  readonly #db: Db;
  readonly #vault: KeyVault;

  constructor(db: Db, vault: KeyVault) {
    this.#db = db;
    this.#vault = vault;
  }

  add(input: SupplierInput): Promise<SupplierView> {
    return addSupplier(this.#db, this.#vault, input);
  }

  update(id: number, input: SupplierInput): Promise<SupplierView> {
    return updateSupplier(this.#db, this.#vault, id, input);
  }

  list(): Promise<SupplierView[]> {
    return listSuppliers(this.#db);
  }

  /** Appends a source to an offer's ordered list. */
  addSource(source: { offerId: number; supplierId: number; supplierProductId: string; cost: Minor; costCurrency: string }): Promise<repo.OfferSource> {
    return addOfferSource(this.#db, source);
  }

  sources(offerId: number): Promise<repo.OfferSource[]> {
    return repo.listSources(this.#db, offerId);
  }

  /** Ids of the offers that have at least one source. */
  offersWithSources(): Promise<number[]> {
    return repo.offersWithSources(this.#db);
  }
}

/** A supplier as the operator sees it: everything but the token. */
export interface SupplierView {
  id: number;
  kind: SupplierKind;
  name: string;
  baseUrl: string;
  hasToken: boolean;
  timeoutMs: number;
  statusIntervalS: number;
  statusAttempts: number;
}

export interface SupplierInput {
  kind?: string;
  name?: string;
  baseUrl?: string;
  token?: string | null;
  timeoutMs?: number;
  statusIntervalS?: number;
  statusAttempts?: number;
}

function view(row: repo.SupplierRow): SupplierView {
  const { tokenSealed, updatedAt: _updatedAt, ...rest } = row;
  return { ...rest, hasToken: tokenSealed !== null };
}

function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidField('url', `"${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalidField('url', 'must be http(s)');
  return url.replace(/\/+$/, '');
}

export async function addSupplier(db: Db, vault: KeyVault, input: SupplierInput): Promise<SupplierView> {
  if (!SUPPLIER_KINDS.includes(input.kind as SupplierKind)) throw invalidField('kind', `must be one of ${SUPPLIER_KINDS.join(', ')}`);
  if (!input.name) throw invalidField('name', 'is required');
  if (!input.baseUrl) throw invalidField('url', 'is required');
  try {
    return view(await repo.insertSupplier(db, {
      kind: input.kind as SupplierKind,
      name: input.name,
      baseUrl: checkUrl(input.baseUrl),
      tokenSealed: input.token ? vault.seal(input.token) : null,
      timeoutMs: input.timeoutMs ?? 10_000,
      statusIntervalS: input.statusIntervalS ?? 120,
      statusAttempts: input.statusAttempts ?? 100,
    }));
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw invalidField('name', `a supplier named "${input.name}" exists`);
    throw error;
  }
}

export async function updateSupplier(db: Db, vault: KeyVault, id: number, input: SupplierInput): Promise<SupplierView> {
  const row = await repo.updateSupplier(db, id, {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.baseUrl !== undefined && { baseUrl: checkUrl(input.baseUrl) }),
    ...(input.token !== undefined && { tokenSealed: input.token ? vault.seal(input.token) : null }),
    ...(input.timeoutMs !== undefined && { timeoutMs: input.timeoutMs }),
    ...(input.statusIntervalS !== undefined && { statusIntervalS: input.statusIntervalS }),
    ...(input.statusAttempts !== undefined && { statusAttempts: input.statusAttempts }),
  });
  if (!row) throw new AppError('SUPPLIER_NOT_FOUND', `supplier ${id} does not exist`);
  return view(row);
}

export async function listSuppliers(db: Db): Promise<SupplierView[]> {
  return (await repo.listSuppliers(db)).map(view);
}

/** The supplier with its token opened, for building an adapter; `version` changes on every update. */
export async function supplierConfig(db: Db, vault: KeyVault, id: number): Promise<SupplierConfig & { version: number }> {
  const row = await repo.findSupplier(db, id);
  if (!row) throw new AppError('SUPPLIER_NOT_FOUND', `supplier ${id} does not exist`);
  return {
    id: row.id, kind: row.kind, name: row.name, baseUrl: row.baseUrl,
    token: row.tokenSealed ? vault.open(row.tokenSealed) : null,
    timeoutMs: row.timeoutMs, statusIntervalS: row.statusIntervalS, statusAttempts: row.statusAttempts,
    version: row.updatedAt.getTime(),
  };
}

/**
 * The Telegram Stars provider, as the environment configures it: the one supplier of its kind,
 * made the only source of the Stars product (offer 0). Every instance runs this at boot with the
 * same configuration; the last one to start wins, so they must agree.
 */
export async function configureStarsProvider(
  db: Db,
  vault: KeyVault,
  provider: { baseUrl: string; token: string | undefined; timeoutMs: number; statusIntervalS: number; statusAttempts: number },
  starsOfferId: number,
): Promise<SupplierView> {
  const row = await repo.upsertStarsSupplier(db, {
    name: 'Telegram Stars provider', baseUrl: checkUrl(provider.baseUrl), tokenSealed: provider.token ? vault.seal(provider.token) : null,
    timeoutMs: provider.timeoutMs, statusIntervalS: provider.statusIntervalS, statusAttempts: provider.statusAttempts,
  });
  // The cost of a Stars order is computed per order from its rate (the fulfilment worker); this
  // row's cost is a placeholder the schema requires.
  await repo.replaceSources(db, { offerId: starsOfferId, supplierId: row.id, supplierProductId: 'telegram_stars', cost: 1, costCurrency: 'USD' });
  return view(row);
}

export async function addOfferSource(
  db: Db,
  source: { offerId: number; supplierId: number; supplierProductId: string; cost: Minor; costCurrency: string },
): Promise<repo.OfferSource> {
  if (!CURRENCIES.includes(source.costCurrency as Currency)) throw invalidField('currency', `must be one of ${CURRENCIES.join(', ')}`);
  if (!(await repo.findSupplier(db, source.supplierId))) throw new AppError('SUPPLIER_NOT_FOUND', `supplier ${source.supplierId} does not exist`);
  try {
    const added = await repo.appendSource(db, { ...source, costCurrency: source.costCurrency as Currency });
    await touchOffers(db, [source.offerId]); // a supplier to try: the catalog feed shows it in stock
    return added;
  } catch (error) {
    if ((error as { code?: string }).code === '23503') throw new AppError('OFFER_NOT_FOUND', `offer ${source.offerId} does not exist`);
    throw error;
  }
}
