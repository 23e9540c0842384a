import { id, optionalInt, optionalText, text, UsageError, type Command, type Values } from '../command.ts';
import { table } from '../output.ts';

const RULE_COLUMNS = ['id', 'scope', 'supplierId', 'category', 'productId', 'marginPercent', 'fixed', 'rounding', 'updatedAt'];

/** --margin (required), --fixed, --rounding as the API's rule terms. */
function ruleTerms(values: Values): Record<string, string> {
  const fixed = optionalText(values, 'fixed');
  const rounding = optionalText(values, 'rounding');
  return { marginPercent: text(values, 'margin'), ...(fixed !== undefined && { fixed }), ...(rounding !== undefined && { rounding }) };
}

const TERMS = {
  margin: { type: 'string', description: 'Margin in percent on the converted cost, may be negative', required: true },
  fixed: { type: 'string', description: 'Added after the margin, in the sale currency of each offer (default 0)' },
  rounding: { type: 'string', description: 'cent (default), unit or ninety-nine' },
} as const;

const repriced = (n: number) => `${n} offer${n === 1 ? '' : 's'} repriced`;
const changed = (r: any) => `pricing rule ${r.rule.id} (${r.rule.scope}): ${r.rule.marginPercent} % + ${r.rule.fixed}, ${r.rule.rounding}; ${repriced(r.repriced)}`;

export const pricingCommands: Command[] = [
  {
    name: 'pricing-rule list',
    summary: 'The stored pricing rules (the most specific applies: product, then category, then supplier)',
    options: {
      supplier: { type: 'string', description: "Only this supplier's rules" },
      page: { type: 'string', description: 'Page (default 1), 50 rules a page' },
    },
    run: ({ values, api }) => {
      const query = new URLSearchParams();
      if (values.supplier !== undefined) query.set('supplierId', String(id(values.supplier, '--supplier')));
      const page = optionalInt(values, 'page');
      if (page !== undefined) query.set('page', String(page));
      return api.get(`/pricing-rules${query.size > 0 ? `?${query}` : ''}`);
    },
    human: (r) => `${table(r.rules, RULE_COLUMNS)}\n${r.total} rules`,
  },
  {
    name: 'pricing-rule add',
    summary: 'Stores a rule for a supplier (--supplier), a category of its catalog (--supplier --category) or a product (--product); its offers are repriced',
    options: {
      supplier: { type: 'string', description: 'Supplier id' },
      category: { type: 'string', description: "A category of the supplier's catalog (any case)" },
      product: { type: 'string', description: "A product id (any supplier's offers of it)" },
      ...TERMS,
    },
    run: ({ values, api }) => {
      const product = values.product === undefined ? undefined : id(values.product, '--product');
      const supplier = values.supplier === undefined ? undefined : id(values.supplier, '--supplier');
      const category = optionalText(values, 'category');
      if (product !== undefined && (supplier !== undefined || category !== undefined)) throw new UsageError('--product holds for every supplier: give it alone');
      if (product === undefined && supplier === undefined) throw new UsageError('--supplier (with --category for a category), or --product, is required');
      return api.post('/pricing-rules', {
        ...(supplier !== undefined && { supplierId: supplier }), ...(category !== undefined && { category }), ...(product !== undefined && { productId: product }),
        ...ruleTerms(values),
      });
    },
    human: changed,
  },
  {
    name: 'pricing-rule update',
    summary: "Changes a rule's terms (its scope stays); its offers are repriced",
    args: ['ID'],
    options: TERMS,
    run: ({ args, values, api }) => api.put(`/pricing-rules/${id(args[0], 'ID')}`, ruleTerms(values)),
    human: changed,
  },
  {
    name: 'pricing-rule delete',
    summary: 'Deletes a rule; its offers follow the next most specific one (none: they keep their price)',
    args: ['ID'],
    run: ({ args, api }) => api.request('DELETE', `/pricing-rules/${id(args[0], 'ID')}`),
    human: (r) => `pricing rule ${r.id} deleted; ${repriced(r.repriced)}`,
  },
  {
    name: 'offer below-cost',
    summary: "Lets an offer's rule price it under its cost (--allow), or makes the cost its floor again (--floor, the default)",
    args: ['ID'],
    options: {
      allow: { type: 'boolean', description: 'The rule may price it under cost' },
      floor: { type: 'boolean', description: 'Never under cost (the default)' },
    },
    run: ({ args, values, api }) => {
      if (Boolean(values.allow) === Boolean(values.floor)) throw new UsageError('give --allow or --floor');
      return api.put(`/offers/${id(args[0], 'ID')}/below-cost`, { allowed: Boolean(values.allow) });
    },
    human: (r) => `offer ${r.offerId}: ${r.allowBelowCost ? 'below cost allowed' : 'never below cost'}; price ${r.price} ${r.currency}`,
  },
];
