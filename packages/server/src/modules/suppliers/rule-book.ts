/**
 * Which stored pricing rule prices an offer: the most specific of those whose scope holds it.
 * A product's rule (whichever supplier the offer buys from), else its supplier's rule for its
 * category (the supplier's own word for it, any case), else its supplier's rule. An offer
 * imported with a rule of its own is priced by that one before any stored rule.
 */
import type { PriceRule } from '../catalog/index.ts';

export type RuleScope = 'supplier' | 'category' | 'product';

export interface StoredRule extends PriceRule {
  id: number;
  supplierId: number | null;
  category: string | null;
  productId: number | null;
}

/** What a rule's scope is matched against: the offer's supplier, its category there, its product. */
export interface RuleSubject {
  supplierId: number;
  category: string | null;
  /** null: a product not created yet (an import's new product has no rule of its own). */
  productId: number | null;
}

export function scopeOf(rule: Pick<StoredRule, 'category' | 'productId'>): RuleScope {
  if (rule.productId !== null) return 'product';
  return rule.category !== null ? 'category' : 'supplier';
}

/** The rules, indexed once for lookups per offer (an import or a repricing of 100,000 offers). */
export class RuleBook {
  readonly #byProduct = new Map<number, StoredRule>();
  readonly #byCategory = new Map<string, StoredRule>();
  readonly #bySupplier = new Map<number, StoredRule>();

  constructor(rules: StoredRule[]) {
    for (const rule of rules) {
      const scope = scopeOf(rule);
      if (scope === 'product') this.#byProduct.set(rule.productId!, rule);
      else if (scope === 'category') this.#byCategory.set(categoryKey(rule.supplierId!, rule.category!), rule);
      else this.#bySupplier.set(rule.supplierId!, rule);
    }
  }

  /** The most specific rule that holds the subject; undefined: none does. */
  ruleFor(subject: RuleSubject): StoredRule | undefined {
    return (subject.productId !== null ? this.#byProduct.get(subject.productId) : undefined)
      ?? (subject.category !== null ? this.#byCategory.get(categoryKey(subject.supplierId, subject.category)) : undefined)
      ?? this.#bySupplier.get(subject.supplierId);
  }
}

function categoryKey(supplierId: number, category: string): string {
  return `${supplierId}\u0000${category.toLowerCase()}`;
}
