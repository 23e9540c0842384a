/**
 * Stored pricing rules (per supplier, per category of a supplier's catalog, per product) and the
 * per-offer "below cost allowed". Each change is one transaction: the rule written, the offers
 * it governs repriced (history "rule changed"), one audit row.
 */
import type { Currency } from '@dropgate/contract';
import type pg from 'pg';
import { inTransaction, type Db, type Tx } from '../../platform/db/index.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import { formatMoney, type Minor } from '../../platform/money.ts';
import { recordAudit, type Actor } from '../audit-log/index.ts';
import { checkMargin, type PriceRule } from '../catalog/index.ts';
import { reprice, takePricingLock } from './catalog-reprice.ts';
import * as repo from './pricing-rules-repository.ts';
import { scopeOf, type StoredRule } from './rule-book.ts';

export type { PricingRuleRow } from './pricing-rules-repository.ts';

export interface RuleScopeInput {
  supplierId?: number | undefined;
  category?: string | undefined;
  productId?: number | undefined;
}

export async function listRules(db: Db, filter: { supplierId: number | undefined; offset: number; limit: number }): Promise<{ total: number; rules: repo.PricingRuleRow[] }> {
  return repo.rulePage(db, filter);
}

export async function getRule(db: Db, id: number): Promise<repo.PricingRuleRow> {
  const rule = await repo.findRule(db, id);
  if (!rule) throw new AppError('PRICING_RULE_NOT_FOUND', `pricing rule ${id} does not exist`);
  return rule;
}

export async function createRule(pool: pg.Pool, scope: RuleScopeInput, rule: PriceRule, actor: Actor): Promise<{ rule: repo.PricingRuleRow; repriced: number }> {
  const stored = checkScope(scope);
  checkMargin(rule.marginPercent);
  try {
    return await inTransaction(pool, async (tx) => {
      await takePricingLock(tx);
      const created = await repo.insertRule(tx, stored, rule);
      const repriced = await repriceGoverned(tx, created);
      await recordAudit(tx, actor, { action: 'pricing-rule.create', target: { type: 'pricing-rule', id: created.id }, before: null, after: { ...snapshot(created), repriced } });
      return { rule: created, repriced };
    });
  } catch (error) {
    throw storeError(error, stored);
  }
}

export async function updateRule(pool: pg.Pool, id: number, rule: PriceRule, actor: Actor): Promise<{ rule: repo.PricingRuleRow; repriced: number }> {
  checkMargin(rule.marginPercent);
  return inTransaction(pool, async (tx) => {
    await takePricingLock(tx);
    const before = await repo.findRule(tx, id);
    const updated = before && await repo.updateRule(tx, id, rule);
    if (!before || !updated) throw new AppError('PRICING_RULE_NOT_FOUND', `pricing rule ${id} does not exist`);
    const repriced = await repriceGoverned(tx, updated);
    await recordAudit(tx, actor, { action: 'pricing-rule.update', target: { type: 'pricing-rule', id }, before: snapshot(before), after: { ...snapshot(updated), repriced } });
    return { rule: updated, repriced };
  });
}

/** Deletes a rule; the offers it priced follow the next most specific rule (none: they keep their price). */
export async function deleteRule(pool: pg.Pool, id: number, actor: Actor): Promise<{ id: number; repriced: number }> {
  return inTransaction(pool, async (tx) => {
    await takePricingLock(tx);
    const deleted = await repo.deleteRule(tx, id);
    if (!deleted) throw new AppError('PRICING_RULE_NOT_FOUND', `pricing rule ${id} does not exist`);
    const repriced = await repriceGoverned(tx, deleted);
    await recordAudit(tx, actor, { action: 'pricing-rule.delete', target: { type: 'pricing-rule', id }, before: snapshot(deleted), after: { repriced } });
    return { id, repriced };
  });
}

/** Lets the offer's rule price it under its cost, or makes the cost its floor again; it is repriced at once. */
export async function setBelowCost(pool: pg.Pool, offerId: number, allowed: boolean, actor: Actor): Promise<OfferPricing> {
  return inTransaction(pool, async (tx) => {
    await takePricingLock(tx);
    const changed = await repo.setAllowBelowCost(tx, offerId, allowed);
    if (!changed) throw invalidField('offerId', `offer ${offerId} is not priced from an upstream cost (import it from a supplier's catalog)`);
    await reprice(tx, { offerId }, allowed ? 'below cost allowed' : 'below cost no longer allowed');
    await recordAudit(tx, actor, { action: 'offer.below-cost', target: { type: 'offer', id: offerId }, before: { allowBelowCost: changed.before }, after: { allowBelowCost: allowed } });
    return (await offerPricing(tx, offerId))!;
  });
}

/** How an offer is priced from its cost; undefined: it is not (priced by hand). */
export interface OfferPricing {
  offerId: number;
  supplierId: number;
  ownRule: boolean;
  allowBelowCost: boolean;
  price: Minor;
  currency: Currency;
}

export async function offerPricing(tx: Tx, offerId: number): Promise<OfferPricing | undefined> {
  const [offer] = await repo.pricedOffers(tx, { offerId }, 0, 1);
  return offer && {
    offerId, supplierId: offer.supplierId, ownRule: offer.marginPercent !== null, allowBelowCost: offer.allowBelowCost, price: offer.price, currency: offer.currency,
  };
}

/** In the transaction that set a currency's rate: the offers priced from a cost in it, or sold in it, follow. */
export async function repriceOnRate(tx: Tx, currency: string, usdPerUnit: string): Promise<number> {
  await takePricingLock(tx);
  return reprice(tx, { currency: currency as Currency }, `fx moved (${currency} at ${usdPerUnit} USD)`);
}

/** The offers a rule can govern: its product's, or its supplier's (a category's are among them). */
function repriceGoverned(tx: Tx, rule: StoredRule): Promise<number> {
  const selector = rule.productId !== null ? { productId: rule.productId } : { supplierId: rule.supplierId! };
  return reprice(tx, selector, `rule changed (pricing rule ${rule.id}, ${scopeOf(rule)})`);
}

function checkScope(scope: RuleScopeInput): Pick<StoredRule, 'supplierId' | 'category' | 'productId'> {
  const category = scope.category?.trim() || undefined;
  if (scope.productId !== undefined) {
    if (scope.supplierId !== undefined || category !== undefined) throw invalidField('productId', 'a product rule holds for every supplier: send productId alone');
    return { supplierId: null, category: null, productId: scope.productId };
  }
  if (scope.supplierId === undefined) throw invalidField('supplierId', 'send supplierId (with category for a category rule), or productId');
  return { supplierId: scope.supplierId, category: category ?? null, productId: null };
}

function storeError(error: unknown, scope: Pick<StoredRule, 'supplierId' | 'category' | 'productId'>): unknown {
  const { code, constraint } = error as { code?: string; constraint?: string };
  if (code === '23505') return new AppError('PRICING_RULE_EXISTS', `a pricing rule for this ${scopeOf(scope)} exists: change it instead`);
  if (code === '23503' && constraint?.includes('product')) return new AppError('PRODUCT_NOT_FOUND', `product ${scope.productId} does not exist`);
  if (code === '23503') return new AppError('SUPPLIER_NOT_FOUND', `supplier ${scope.supplierId} does not exist`);
  return error;
}

function snapshot(rule: StoredRule): Record<string, unknown> {
  return {
    scope: scopeOf(rule), supplierId: rule.supplierId, category: rule.category, productId: rule.productId,
    marginPercent: rule.marginPercent, fixed: formatMoney(rule.fixed), rounding: rule.rounding,
  };
}
