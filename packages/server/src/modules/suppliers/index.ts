/**
 * Suppliers: the upstreams the operator buys from, and each offer's ordered list of sources.
 * Supplier tokens are sealed like stock keys and never leave this module in clear, except to
 * build an adapter.
 */
import { CURRENCIES, type Currency } from '@dropgate/contract';
import type pg from 'pg';
import { inTransaction, type Db } from '../../platform/db/index.ts';
import { recordAudit, type Actor } from '../audit-log/index.ts';
import type { KeyVault } from '../../platform/crypto.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import { formatMoney, type Minor } from '../../platform/money.ts';
import { SUPPLIER_KINDS, type SupplierConfig, type SupplierKind } from './adapter.ts';
import { touchOffers } from '../catalog/index.ts';
import { STARS_OFFER_ID } from '../telegram/index.ts';
import * as repo from './repository.ts';
import * as catalogRepo from './catalog-repository.ts';
import { importCatalog, type ImportRequest, type ImportResult } from './catalog-import.ts';
import { scheduleCatalogSync } from './catalog-schedule.ts';
import * as pricingRules from './pricing-rules.ts';
import type { PriceRule } from '../catalog/index.ts';

export type { OfferSource, StarsSource } from './repository.ts';
export { listSources } from './repository.ts';
export { supplierConfig } from './supplier-config.ts';
export { CatalogSyncs, type CatalogSyncDeps } from './catalog-sync.ts';
export { catalogSyncTasks } from './catalog-schedule.ts';
export type { CatalogQuery, ImportFilter, SupplierOfferRow, SyncRow, SyncStatus } from './catalog-repository.ts';
export type { ImportRequest, ImportResult } from './catalog-import.ts';
export type { OfferPricing, PricingRuleRow, RuleScopeInput } from './pricing-rules.ts';
export { repriceOnRate } from './pricing-rules.ts';
export { scopeOf, type RuleScope } from './rule-book.ts';
export { SUPPLIER_KINDS, type AdapterDeps, type CatalogEntry, type PlaceRequest, type SoldOutUpstreamOffer, type StatusRequest, type SupplierAdapter, type SupplierConfig, type SupplierKind, type SupplierOutcome, type UpstreamOffer } from './adapter.ts';

/** Suppliers as request handlers use them, bound to the database and the key vault (tokens are sealed). */
export class Suppliers {
  readonly #db: pg.Pool;
  readonly #vault: KeyVault;

  constructor(db: pg.Pool, vault: KeyVault) {
    this.#db = db;
    this.#vault = vault;
  }

  add(input: SupplierInput, actor: Actor): Promise<SupplierView> {
    return addSupplier(this.#db, this.#vault, input, actor);
  }

  update(id: number, input: SupplierInput, actor: Actor): Promise<SupplierView> {
    return updateSupplier(this.#db, this.#vault, id, input, actor);
  }

  list(): Promise<SupplierView[]> {
    return listSuppliers(this.#db);
  }

  /** Appends a source to an offer's ordered list. */
  addSource(source: { offerId: number; supplierId: number; supplierProductId: string; cost: Minor; costCurrency: string }, actor: Actor): Promise<repo.OfferSource> {
    return addOfferSource(this.#db, source, actor);
  }

  sources(offerId: number): Promise<repo.OfferSource[]> {
    return repo.listSources(this.#db, offerId);
  }

  /** Makes own offers of the supplier's catalog offers that match a filter, in one transaction. */
  importCatalog(supplierId: number, request: ImportRequest, actor: Actor): Promise<ImportResult> {
    return importCatalog(this.#db, supplierId, request, actor);
  }

  /** One offer of the supplier's synced catalog (what a link takes its cost from). */
  catalogOffer(supplierId: number, upstreamId: string): Promise<catalogRepo.SupplierOfferCost | undefined> {
    return catalogRepo.findSupplierOffer(this.#db, supplierId, upstreamId);
  }

  /** The stored pricing rules, a page by id (optionally one supplier's). */
  pricingRules(filter: { supplierId: number | undefined; offset: number; limit: number }): Promise<{ total: number; rules: pricingRules.PricingRuleRow[] }> {
    return pricingRules.listRules(this.#db, filter);
  }

  pricingRule(id: number): Promise<pricingRules.PricingRuleRow> {
    return pricingRules.getRule(this.#db, id);
  }

  /** Stores a rule for a scope; the offers it governs are repriced in the same transaction. */
  addPricingRule(scope: pricingRules.RuleScopeInput, rule: PriceRule, actor: Actor): Promise<{ rule: pricingRules.PricingRuleRow; repriced: number }> {
    return pricingRules.createRule(this.#db, scope, rule, actor);
  }

  updatePricingRule(id: number, rule: PriceRule, actor: Actor): Promise<{ rule: pricingRules.PricingRuleRow; repriced: number }> {
    return pricingRules.updateRule(this.#db, id, rule, actor);
  }

  deletePricingRule(id: number, actor: Actor): Promise<{ id: number; repriced: number }> {
    return pricingRules.deleteRule(this.#db, id, actor);
  }

  /** Lets an offer's rule price it under cost (or not); repriced at once. */
  setBelowCost(offerId: number, allowed: boolean, actor: Actor): Promise<pricingRules.OfferPricing> {
    return pricingRules.setBelowCost(this.#db, offerId, allowed, actor);
  }
}

/** A supplier as the operator sees it: everything but the token. */
export interface SupplierView extends Omit<repo.SupplierRow, 'tokenSealed' | 'updatedAt'> {
  hasToken: boolean;
}

export interface SupplierInput {
  kind?: string;
  name?: string;
  baseUrl?: string;
  token?: string | null;
  timeoutMs?: number;
  statusIntervalS?: number;
  statusAttempts?: number;
  catalogProductIds?: string[];
  catalogMaxMissingPercent?: number;
  catalogSyncIntervalS?: number | null;
  /** GamesDrop: also a source of Telegram Stars, before or after the stars provider; null: not. */
  starsSource?: repo.StarsSource | null;
}

const STARS_SOURCES: readonly repo.StarsSource[] = ['before-provider', 'after-provider'];

/** Only a GamesDrop-compatible upstream sells telegram_stars_<N>. */
function checkStarsSource(kind: SupplierKind, starsSource: repo.StarsSource | null | undefined): void {
  if (starsSource === undefined || starsSource === null) return;
  if (!STARS_SOURCES.includes(starsSource)) throw invalidField('starsSource', `must be one of ${STARS_SOURCES.join(', ')}, or null`);
  if (kind !== 'gamesdrop') throw invalidField('starsSource', 'only a gamesdrop supplier can deliver Telegram Stars');
}

/** The product ids a catalog sync checks, each once, in the order given. */
function catalogIds(ids: string[]): string[] {
  return [...new Set(ids.map((id) => id.trim()).filter((id) => id !== ''))];
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

export async function addSupplier(pool: pg.Pool, vault: KeyVault, input: SupplierInput, actor: Actor): Promise<SupplierView> {
  if (!SUPPLIER_KINDS.includes(input.kind as SupplierKind)) throw invalidField('kind', `must be one of ${SUPPLIER_KINDS.join(', ')}`);
  if (!input.name) throw invalidField('name', 'is required');
  if (!input.baseUrl) throw invalidField('url', 'is required');
  const fields = {
    kind: input.kind as SupplierKind,
    name: input.name,
    baseUrl: checkUrl(input.baseUrl),
    tokenSealed: input.token ? vault.seal(input.token) : null,
    timeoutMs: input.timeoutMs ?? 10_000,
    statusIntervalS: input.statusIntervalS ?? 120,
    statusAttempts: input.statusAttempts ?? 100,
    catalogProductIds: catalogIds(input.catalogProductIds ?? []),
    catalogMaxMissingPercent: input.catalogMaxMissingPercent ?? 20,
    catalogSyncIntervalS: input.catalogSyncIntervalS ?? null,
    starsSource: input.starsSource ?? null,
  };
  checkStarsSource(fields.kind, fields.starsSource);
  try {
    return await inTransaction(pool, async (tx) => {
      const added = view(await repo.insertSupplier(tx, fields));
      if (added.catalogSyncIntervalS !== null) await scheduleCatalogSync(tx, added.id, added.catalogSyncIntervalS);
      if (added.starsSource !== null) await repo.arrangeStarsSources(tx, STARS_OFFER_ID);
      await recordAudit(tx, actor, { action: 'supplier.add', target: { type: 'supplier', id: added.id }, after: { ...added } });
      return added;
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw invalidField('name', `a supplier named "${input.name}" exists`);
    throw error;
  }
}

/** Changes a supplier; the trail records whether it has a token, never the token. */
export async function updateSupplier(pool: pg.Pool, vault: KeyVault, id: number, input: SupplierInput, actor: Actor): Promise<SupplierView> {
  const change = {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.baseUrl !== undefined && { baseUrl: checkUrl(input.baseUrl) }),
    ...(input.token !== undefined && { tokenSealed: input.token ? vault.seal(input.token) : null }),
    ...(input.timeoutMs !== undefined && { timeoutMs: input.timeoutMs }),
    ...(input.statusIntervalS !== undefined && { statusIntervalS: input.statusIntervalS }),
    ...(input.statusAttempts !== undefined && { statusAttempts: input.statusAttempts }),
    ...(input.catalogProductIds !== undefined && { catalogProductIds: catalogIds(input.catalogProductIds) }),
    ...(input.catalogMaxMissingPercent !== undefined && { catalogMaxMissingPercent: input.catalogMaxMissingPercent }),
    ...(input.catalogSyncIntervalS !== undefined && { catalogSyncIntervalS: input.catalogSyncIntervalS }),
    ...(input.starsSource !== undefined && { starsSource: input.starsSource }),
  };
  return inTransaction(pool, async (tx) => {
    const before = await repo.findSupplier(tx, id);
    if (before) checkStarsSource(before.kind, change.starsSource);
    const row = before && await repo.updateSupplier(tx, id, change);
    if (!before || !row) throw new AppError('SUPPLIER_NOT_FOUND', `supplier ${id} does not exist`);
    const after = view(row);
    // Stars orders in flight keep their source: the worker sends one whose source moved to review.
    if (after.starsSource !== before.starsSource) await repo.arrangeStarsSources(tx, STARS_OFFER_ID);
    if (change.catalogSyncIntervalS !== undefined && (after.catalogSyncIntervalS ?? before.catalogSyncIntervalS) !== null) {
      await scheduleCatalogSync(tx, id, after.catalogSyncIntervalS);
    }
    await recordAudit(tx, actor, { action: 'supplier.update', target: { type: 'supplier', id }, before: { ...view(before) }, after: { ...after } });
    return after;
  });
}

export async function listSuppliers(db: Db): Promise<SupplierView[]> {
  return (await repo.listSuppliers(db)).map(view);
}

/**
 * The Telegram Stars provider, as the environment configures it: the one supplier of its kind,
 * a source of the Stars product (offer 0) with the GamesDrop upstreams the operator marked as
 * Stars sources before or after it. Every instance runs this at boot with the same
 * configuration; the last one to start wins, so they must agree.
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
  await repo.arrangeStarsSources(db, starsOfferId);
  return view(row);
}

export async function addOfferSource(
  pool: pg.Pool,
  source: { offerId: number; supplierId: number; supplierProductId: string; cost: Minor; costCurrency: string },
  actor: Actor,
): Promise<repo.OfferSource> {
  if (!CURRENCIES.includes(source.costCurrency as Currency)) throw invalidField('currency', `must be one of ${CURRENCIES.join(', ')}`);
  if (!(await repo.findSupplier(pool, source.supplierId))) throw new AppError('SUPPLIER_NOT_FOUND', `supplier ${source.supplierId} does not exist`);
  try {
    return await inTransaction(pool, async (tx) => {
      const added = await repo.appendSource(tx, { ...source, costCurrency: source.costCurrency as Currency });
      await touchOffers(tx, [source.offerId]); // a supplier to try: the catalog feed shows it in stock
      await recordAudit(tx, actor, {
        action: 'offer-source.add', target: { type: 'offer', id: source.offerId },
        after: { position: added.position, supplierId: added.supplierId, supplierProductId: added.supplierProductId, cost: formatMoney(added.cost), costCurrency: added.costCurrency },
      });
      return added;
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23503') throw new AppError('OFFER_NOT_FOUND', `offer ${source.offerId} does not exist`);
    throw error;
  }
}
