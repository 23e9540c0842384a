/** Which stored pricing rule prices an offer: the most specific whose scope holds it (docs/catalog.md's worked example). */
import { describe, expect, it } from 'vitest';
import { salePrice } from '../../src/modules/catalog/pricing.ts';
import { RuleBook, scopeOf, type StoredRule } from '../../src/modules/suppliers/rule-book.ts';

const terms = { fixed: 0, rounding: 'cent' as const };
const supplier3: StoredRule = { id: 1, supplierId: 3, category: null, productId: null, marginPercent: '10', ...terms };
const giftCards3: StoredRule = { id: 2, supplierId: 3, category: 'Gift Card', productId: null, marginPercent: '8', ...terms };
const pubg: StoredRule = { id: 3, supplierId: null, category: null, productId: 77, marginPercent: '15', ...terms };
const supplier4: StoredRule = { id: 4, supplierId: 4, category: null, productId: null, marginPercent: '20', ...terms };
const book = new RuleBook([supplier3, giftCards3, pubg, supplier4]);

describe('the most specific rule wins', () => {
  it('a product rule over the category and the supplier, whichever supplier the offer buys from', () => {
    expect(book.ruleFor({ supplierId: 3, category: 'Gift Card', productId: 77 })).toBe(pubg);
    expect(book.ruleFor({ supplierId: 4, category: 'Gift Card', productId: 77 })).toBe(pubg);
  });

  it("a category rule over the supplier's, matched in any case, and only for its own supplier", () => {
    expect(book.ruleFor({ supplierId: 3, category: 'gift card', productId: 12 })).toBe(giftCards3);
    expect(book.ruleFor({ supplierId: 3, category: 'GIFT CARD', productId: null })).toBe(giftCards3);
    expect(book.ruleFor({ supplierId: 4, category: 'Gift Card', productId: 12 })).toBe(supplier4);
  });

  it("the supplier's rule for the rest; none when no scope holds the offer", () => {
    expect(book.ruleFor({ supplierId: 3, category: 'Top Up', productId: 12 })).toBe(supplier3);
    expect(book.ruleFor({ supplierId: 3, category: null, productId: null })).toBe(supplier3);
    expect(book.ruleFor({ supplierId: 5, category: 'Gift Card', productId: 12 })).toBeUndefined();
    expect(new RuleBook([]).ruleFor({ supplierId: 3, category: null, productId: 77 })).toBeUndefined();
  });

  it('names each scope', () => {
    expect([supplier3, giftCards3, pubg].map(scopeOf)).toEqual(['supplier', 'category', 'product']);
  });
});

describe("docs/catalog.md's worked example", () => {
  it('prices three offers of supplier 3 by the product, category and supplier rules', () => {
    const rules = new RuleBook([
      { id: 1, supplierId: 3, category: null, productId: null, marginPercent: '10', fixed: 0, rounding: 'cent' },
      { id: 2, supplierId: 3, category: 'Gift Card', productId: null, marginPercent: '8', fixed: 0, rounding: 'ninety-nine' },
      { id: 3, supplierId: null, category: null, productId: 77, marginPercent: '15', fixed: 50, rounding: 'cent' },
    ]);
    const usd = { costUsdPerUnit: '1', saleUsdPerUnit: '1' };
    const priced = (category: string, productId: number) => salePrice(1000, usd, rules.ruleFor({ supplierId: 3, category, productId })!);
    expect([priced('Gift Card', 77), priced('gift card', 81), priced('Top Up', 90)]).toEqual([1200, 1099, 1100]);
    expect(salePrice(1000, usd, { marginPercent: '9', fixed: 0, rounding: 'ninety-nine' })).toBe(1099);
    expect(salePrice(1000, usd, { marginPercent: '12', fixed: 0, rounding: 'ninety-nine' })).toBe(1199);
    expect(rules.ruleFor({ supplierId: 4, category: 'Gift Card', productId: 77 })?.id).toBe(3);
  });
});
