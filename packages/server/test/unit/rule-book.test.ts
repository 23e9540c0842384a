/** Which stored pricing rule prices an offer: the most specific whose scope holds it (docs/catalog.md's worked example). */
import { describe, expect, it } from 'vitest';
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
