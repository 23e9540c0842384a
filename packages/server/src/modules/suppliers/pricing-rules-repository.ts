/**
 * The tables of pricing: pricing_rules (the stored rules, one per scope) and offer_pricing (each
 * offer priced from its upstream cost: its own rule or none, and whether it may go under cost).
 */
import type { Currency } from '@dropgate/contract';
import type { Db, Tx } from '../../platform/db/index.ts';
import type { Minor } from '../../platform/money.ts';
import type { PriceRule, Rounding } from '../catalog/index.ts';
import type { StoredRule } from './rule-book.ts';

export interface PricingRuleRow extends StoredRule {
  createdAt: Date;
  updatedAt: Date;
}

const RULE_COLUMNS = `id, supplier_id AS "supplierId", category, product_id AS "productId", trim_scale(margin_percent)::text AS "marginPercent",
  fixed, rounding, created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Every rule: they are the operator's, a few per supplier, read whole for each repricing. */
export async function allRules(db: Db): Promise<StoredRule[]> {
  const { rows } = await db.query<PricingRuleRow>(`SELECT ${RULE_COLUMNS} FROM pricing_rules`);
  return rows;
}

export async function findRule(db: Db, id: number): Promise<PricingRuleRow | undefined> {
  const { rows } = await db.query<PricingRuleRow>(`SELECT ${RULE_COLUMNS} FROM pricing_rules WHERE id = $1`, [id]);
  return rows[0];
}

/** A page of the rules by id, optionally one supplier's, with how many match in all. */
export async function rulePage(db: Db, filter: { supplierId: number | undefined; offset: number; limit: number }): Promise<{ total: number; rules: PricingRuleRow[] }> {
  const where = '($1::bigint IS NULL OR supplier_id = $1)';
  const { rows: [count] } = await db.query<{ total: number }>(`SELECT count(*)::int AS total FROM pricing_rules WHERE ${where}`, [filter.supplierId ?? null]);
  const { rows } = await db.query<PricingRuleRow>(
    `SELECT ${RULE_COLUMNS} FROM pricing_rules WHERE ${where} ORDER BY id OFFSET $2 LIMIT $3`,
    [filter.supplierId ?? null, filter.offset, filter.limit],
  );
  return { total: count!.total, rules: rows };
}

export async function insertRule(tx: Tx, scope: Pick<StoredRule, 'supplierId' | 'category' | 'productId'>, rule: PriceRule): Promise<PricingRuleRow> {
  const { rows } = await tx.query<PricingRuleRow>(
    `INSERT INTO pricing_rules (supplier_id, category, product_id, margin_percent, fixed, rounding)
     VALUES ($1, $2, $3, $4::numeric, $5, $6) RETURNING ${RULE_COLUMNS}`,
    [scope.supplierId, scope.category, scope.productId, rule.marginPercent, rule.fixed, rule.rounding],
  );
  return rows[0]!;
}

export async function updateRule(tx: Tx, id: number, rule: PriceRule): Promise<PricingRuleRow | undefined> {
  const { rows } = await tx.query<PricingRuleRow>(
    `UPDATE pricing_rules SET margin_percent = $2::numeric, fixed = $3, rounding = $4, updated_at = now() WHERE id = $1 RETURNING ${RULE_COLUMNS}`,
    [id, rule.marginPercent, rule.fixed, rule.rounding],
  );
  return rows[0];
}

export async function deleteRule(tx: Tx, id: number): Promise<PricingRuleRow | undefined> {
  const { rows } = await tx.query<PricingRuleRow>(`DELETE FROM pricing_rules WHERE id = $1 RETURNING ${RULE_COLUMNS}`, [id]);
  return rows[0];
}

/** An offer priced from its upstream cost, with what its rule and price are worked out from. */
export interface PricedOffer {
  offerId: number;
  /** Its price now, in its own currency. */
  price: Minor;
  currency: Currency;
  productId: number;
  supplierId: number;
  /** The category its upstream offer has in the supplier's catalog (null: none, or not listed). */
  category: string | null;
  /** Its own rule (given at its import), or all null: it follows the stored rules. */
  marginPercent: string | null;
  fixed: Minor | null;
  rounding: Rounding | null;
  allowBelowCost: boolean;
  cost: Minor;
  costCurrency: Currency;
}

const PRICED_COLUMNS = `p.offer_id AS "offerId", o.price, o.currency, o.product_id AS "productId", p.supplier_id AS "supplierId", u.category,
  trim_scale(p.margin_percent)::text AS "marginPercent", p.fixed, p.rounding, p.allow_below_cost AS "allowBelowCost"`;

/** Which priced offers a repricing looks at: a supplier's, a product's, those in a currency, one offer. */
export type PricedSelector = { supplierId: number } | { productId: number } | { currency: Currency } | { offerId: number };

function selectorSql(selector: PricedSelector): string {
  if ('supplierId' in selector) return 'p.supplier_id = $3';
  if ('productId' in selector) return 'o.product_id = $3';
  if ('currency' in selector) return '(o.currency = $3 OR s.cost_currency = $3)';
  return 'p.offer_id = $3';
}

/** The next batch of selected priced offers after `after`, at the cost their source pays now. */
export async function pricedOffers(tx: Tx, selector: PricedSelector, after: number, limit: number): Promise<PricedOffer[]> {
  const { rows } = await tx.query<PricedOffer>(
    `SELECT ${PRICED_COLUMNS}, s.cost, s.cost_currency AS "costCurrency"
       FROM offer_pricing p
       JOIN offers o ON o.id = p.offer_id
       JOIN offer_sources s ON s.offer_id = p.offer_id AND s.position = 0 AND s.supplier_id = p.supplier_id
       LEFT JOIN supplier_offers u ON u.supplier_id = s.supplier_id AND u.upstream_id = s.supplier_product_id
      WHERE p.offer_id > $1 AND ${selectorSql(selector)}
      ORDER BY p.offer_id LIMIT $2`,
    [after, limit, Object.values(selector)[0]],
  );
  return rows;
}

/**
 * The next batch, after `after`, of the supplier's priced offers whose source's recorded cost is
 * no longer what the catalog lists (the sync just moved it), at the catalog's cost.
 */
export async function costMoves(tx: Tx, supplierId: number, after: number, limit: number): Promise<PricedOffer[]> {
  const { rows } = await tx.query<PricedOffer>(
    `SELECT ${PRICED_COLUMNS}, u.cost, u.cost_currency AS "costCurrency"
       FROM offer_pricing p
       JOIN offers o ON o.id = p.offer_id
       JOIN offer_sources s ON s.offer_id = p.offer_id AND s.position = 0 AND s.supplier_id = p.supplier_id
       JOIN supplier_offers u ON u.supplier_id = s.supplier_id AND u.upstream_id = s.supplier_product_id
      WHERE p.supplier_id = $1 AND p.offer_id > $2 AND u.gone_at IS NULL AND u.cost > 0
        AND (s.cost, s.cost_currency) IS DISTINCT FROM (u.cost, u.cost_currency)
      ORDER BY p.offer_id LIMIT $3`,
    [supplierId, after, limit],
  );
  return rows;
}

/** The sources of repriced offers now agree to pay the upstream's new cost. */
export async function recordSourceCosts(tx: Tx, supplierId: number, moves: Array<Pick<PricedOffer, 'offerId' | 'cost' | 'costCurrency'>>): Promise<void> {
  await tx.query(
    `UPDATE offer_sources s SET cost = m.cost, cost_currency = m.cost_currency
       FROM unnest($2::bigint[], $3::bigint[], $4::text[]) AS m(offer_id, cost, cost_currency)
      WHERE s.offer_id = m.offer_id AND s.position = 0 AND s.supplier_id = $1`,
    [supplierId, moves.map((m) => m.offerId), moves.map((m) => m.cost), moves.map((m) => m.costCurrency)],
  );
}

/** Records how each imported offer is priced: by its own rule, or (undefined) by the stored rules. */
export async function insertPricing(tx: Tx, supplierId: number, offerIds: number[], rule: PriceRule | undefined): Promise<void> {
  await tx.query(
    `INSERT INTO offer_pricing (offer_id, supplier_id, margin_percent, fixed, rounding)
     SELECT id, $1, $3::numeric, $4, $5 FROM unnest($2::bigint[]) AS id`,
    [supplierId, offerIds, rule?.marginPercent ?? null, rule?.fixed ?? null, rule?.rounding ?? null],
  );
}

/** Sets whether the rule may price the offer under cost; undefined: the offer is not priced by a rule. */
export async function setAllowBelowCost(tx: Tx, offerId: number, allowed: boolean): Promise<{ before: boolean } | undefined> {
  const { rows } = await tx.query<{ before: boolean }>(
    `UPDATE offer_pricing p SET allow_below_cost = $2 FROM offer_pricing old
      WHERE p.offer_id = $1 AND old.offer_id = p.offer_id RETURNING old.allow_below_cost AS before`,
    [offerId, allowed],
  );
  return rows[0];
}
