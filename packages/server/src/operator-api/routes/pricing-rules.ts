/**
 * Stored pricing rules (per supplier, category of a supplier's catalog, or product) and each
 * priced offer's "below cost allowed". Each change reprices the offers it governs in its own
 * transaction, and answers how many prices moved.
 */
import {
  CreatePricingRule, ErrorResponses, IdParams, OfferPricing, PricingRule, PricingRuleChanged, PricingRuleDeleted, PricingRulesPage, PricingRulesQuery,
  SetBelowCost, UpdatePricingRule,
} from '@dropgate/contract';
import { actorOf } from '../../access-control/index.ts';
import type { Hub } from '../../hub.ts';
import { checkMargin, type PriceRule } from '../../modules/catalog/index.ts';
import { scopeOf, type OfferPricing as StoredOfferPricing, type PricingRuleRow } from '../../modules/suppliers/index.ts';
import type { TypedApp } from '../../platform/http/typed-app.ts';
import { formatMoney, moneyFromDecimal } from '../../platform/money.ts';

export function pricingRuleRoutes(app: TypedApp, hub: Hub): void {
  app.get('/pricing-rules', {
    config: { access: 'read' },
    schema: { querystring: PricingRulesQuery, response: { 200: PricingRulesPage, ...ErrorResponses }, summary: 'The stored pricing rules by id, a page at a time' },
  }, async (request) => {
    const { supplierId, page = 1, limit = 50 } = request.query;
    const found = await hub.suppliers.pricingRules({ supplierId, offset: (page - 1) * limit, limit });
    return { total: found.total, rules: found.rules.map(ruleOut) };
  });

  app.get('/pricing-rules/:id', {
    config: { access: 'read' },
    schema: { params: IdParams, response: { 200: PricingRule, ...ErrorResponses }, summary: 'One pricing rule' },
  }, async (request) => ruleOut(await hub.suppliers.pricingRule(request.params.id)));

  app.post('/pricing-rules', {
    config: { access: 'catalog' },
    schema: {
      body: CreatePricingRule, response: { 200: PricingRuleChanged, ...ErrorResponses },
      summary: 'Stores a rule for a supplier, a category of its catalog, or a product; the offers it now prices are repriced',
    },
  }, async (request) => {
    const { supplierId, category, productId, ...terms } = request.body;
    const changed = await hub.suppliers.addPricingRule({ supplierId, category, productId }, ruleFrom(terms), actorOf(request));
    return { rule: ruleOut(changed.rule), repriced: changed.repriced };
  });

  app.put('/pricing-rules/:id', {
    config: { access: 'catalog' },
    schema: {
      params: IdParams, body: UpdatePricingRule, response: { 200: PricingRuleChanged, ...ErrorResponses },
      summary: "Changes a rule's terms (its scope stays); the offers it prices are repriced",
    },
  }, async (request) => {
    const changed = await hub.suppliers.updatePricingRule(request.params.id, ruleFrom(request.body), actorOf(request));
    return { rule: ruleOut(changed.rule), repriced: changed.repriced };
  });

  app.delete('/pricing-rules/:id', {
    config: { access: 'catalog' },
    schema: {
      params: IdParams, response: { 200: PricingRuleDeleted, ...ErrorResponses },
      summary: 'Deletes a rule; its offers follow the next most specific rule (none: they keep their price)',
    },
  }, async (request) => hub.suppliers.deletePricingRule(request.params.id, actorOf(request)));

  app.put('/offers/:id/below-cost', {
    config: { access: 'catalog' },
    schema: {
      params: IdParams, body: SetBelowCost, response: { 200: OfferPricing, ...ErrorResponses },
      summary: "Lets the offer's rule price it under its cost, or makes the cost its floor again (default); repriced at once",
    },
  }, async (request) => offerPricingOut(await hub.suppliers.setBelowCost(request.params.id, request.body.allowed, actorOf(request))));
}

/** A rule's terms from the wire: fixed and rounding default to 0 and cent. */
export function ruleFrom(terms: { marginPercent: string; fixed?: string | undefined; rounding?: PriceRule['rounding'] | undefined }): PriceRule {
  const { marginPercent, fixed, rounding = 'cent' } = terms;
  return { marginPercent: checkMargin(marginPercent), fixed: fixed === undefined || Number(fixed) === 0 ? 0 : moneyFromDecimal(fixed, 'fixed'), rounding };
}

function ruleOut(rule: PricingRuleRow): PricingRule {
  return {
    id: rule.id, scope: scopeOf(rule), supplierId: rule.supplierId, category: rule.category, productId: rule.productId,
    marginPercent: rule.marginPercent, fixed: formatMoney(rule.fixed), rounding: rule.rounding,
    createdAt: rule.createdAt.toISOString(), updatedAt: rule.updatedAt.toISOString(),
  };
}

function offerPricingOut(pricing: StoredOfferPricing): OfferPricing {
  return { ...pricing, price: formatMoney(pricing.price) };
}
