/**
 * Repricing: an offer priced from its upstream cost gets its rule's price again, in the
 * transaction of whatever moved it — the sync that moved its upstream cost (its source then
 * agrees to pay the new cost), a stored rule changed, an FX rate set, its below-cost flag — each
 * move recorded in its price history. Orders keep their own snapshot; a merchant still quoting
 * the old price gets WRONG_PRICE (create-order compares to the offer's price); the feed's
 * updatedSince lists the offer and every instance drops it from its cache (setPrices).
 * Repricings take one lock, so two never interleave (a rule changed during a sync prices by
 * the costs the sync leaves, with the rule as changed).
 */
import type { Currency } from '@dropgate/contract';
import type { Tx } from '../../platform/db/index.ts';
import type { Minor } from '../../platform/money.ts';
import { listRates, salePrice, setPrices, type Conversion, type PriceRule } from '../catalog/index.ts';
import * as repo from './pricing-rules-repository.ts';
import { RuleBook, type RuleSubject } from './rule-book.ts';

const BATCH = 1000;
/** Any constant shared by every instance: one repricing (or import) at a time. */
const PRICING_LOCK = 7_270_214;

export async function takePricingLock(tx: Tx): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [PRICING_LOCK]);
}

/** What prices offers: the stored rules and the FX rates in force, read once per repricing. */
export interface PricingBasis {
  book: RuleBook;
  rates: Map<string, string>;
}

export async function pricingBasis(tx: Tx): Promise<PricingBasis> {
  const [rules, rates] = await Promise.all([repo.allRules(tx), listRates(tx)]);
  return { book: new RuleBook(rules), rates: new Map(rates.map((r) => [r.currency, r.usdPerUnit])) };
}

/** The rule that prices the offer: its own, else the most specific stored one; undefined: none. */
export function ruleOf(basis: PricingBasis, offer: Pick<repo.PricedOffer, 'marginPercent' | 'fixed' | 'rounding'> & RuleSubject): PriceRule | undefined {
  if (offer.marginPercent !== null && offer.fixed !== null && offer.rounding !== null) {
    return { marginPercent: offer.marginPercent, fixed: offer.fixed, rounding: offer.rounding };
  }
  return basis.book.ruleFor(offer);
}

/** The offer's price by its rule at its cost; undefined: no rule applies, or an FX rate is missing. */
export function priceOf(basis: PricingBasis, offer: repo.PricedOffer): Minor | undefined {
  const rule = ruleOf(basis, offer);
  const conversion = conversionOf(basis.rates, offer.costCurrency, offer.currency);
  return rule && conversion ? salePrice(offer.cost, conversion, rule, offer.allowBelowCost) : undefined;
}

/** Reprices what the sync moved; answers how many offers were repriced. */
export async function repriceMoved(tx: Tx, supplierId: number): Promise<number> {
  await takePricingLock(tx);
  const basis = await pricingBasis(tx);
  let repriced = 0;
  for (let after = 0; ;) {
    const moves = await repo.costMoves(tx, supplierId, after, BATCH);
    if (moves.length === 0) return repriced;
    after = moves.at(-1)!.offerId;
    // Without a rule or a rate the price cannot follow: it stays, and its source keeps the old cost (orders above it fail over).
    const priced = moves.flatMap((m) => {
      const price = priceOf(basis, m);
      return price === undefined ? [] : [{ move: m, id: m.offerId, price }];
    });
    await setPrices(tx, priced.filter((p) => p.price !== p.move.price), `upstream cost moved (supplier ${supplierId})`);
    await repo.recordSourceCosts(tx, supplierId, priced.map((p) => p.move));
    repriced += priced.length;
  }
}

/**
 * Gives the selected offers their rule's price now (a rule changed, a rate moved, a flag set),
 * recording why; answers how many prices moved. The caller holds the pricing lock.
 */
export async function reprice(tx: Tx, selector: repo.PricedSelector, reason: string): Promise<number> {
  const basis = await pricingBasis(tx);
  let moved = 0;
  for (let after = 0; ;) {
    const offers = await repo.pricedOffers(tx, selector, after, BATCH);
    if (offers.length === 0) return moved;
    after = offers.at(-1)!.offerId;
    const changed = offers.flatMap((o) => {
      const price = priceOf(basis, o);
      return price === undefined || price === o.price ? [] : [{ id: o.offerId, price }];
    });
    await setPrices(tx, changed, reason);
    moved += changed.length;
  }
}

export function conversionOf(rates: Map<string, string>, from: Currency, to: Currency): Conversion | undefined {
  if (from === to) return { costUsdPerUnit: '1', saleUsdPerUnit: '1' };
  const rate = (c: Currency) => (c === 'USD' ? '1' : rates.get(c));
  const costUsdPerUnit = rate(from);
  const saleUsdPerUnit = rate(to);
  return costUsdPerUnit && saleUsdPerUnit ? { costUsdPerUnit, saleUsdPerUnit } : undefined;
}
