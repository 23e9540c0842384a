/**
 * The price of N stars in USD cents: N/100 × 0.3 TON (Fragment's coefficient, as the spec says)
 * × the TON/USD rate × (1 + the operator's margin), rounded half-up to the cent, at least 1 cent.
 * All in BigInt over exact decimals: rates have up to 12 decimals, percentages 2 (basis points).
 */
import { checkedMinor, type Minor } from '../../platform/money.ts';
import { divideHalfUp, scaled } from '../../platform/decimal.ts';

export const RATE_PLACES = 12;

/** cents = N × 3 × rate·10¹² × (10000 + margin bp) / 10¹⁷ (the 0.3 TON per 100 stars is the 3 / 10). */
const DENOMINATOR = 10n ** 17n;

export function starsPrice(amount: number, usdPerTon: string, marginBp: number): Minor {
  const numerator = BigInt(amount) * 3n * scaled(usdPerTon, RATE_PLACES) * (10_000n + BigInt(marginBp));
  const cents = divideHalfUp(numerator, DENOMINATOR);
  return checkedMinor(Math.max(1, Number(cents)));
}

/** What the stars cost at this rate before the margin: the order's supplier cost. */
export function starsCost(amount: number, usdPerTon: string): Minor {
  return starsPrice(amount, usdPerTon, 0);
}

/** How far a submitted price may be from the quote: a percentage of it, rounded down, at least a cent. */
export function priceTolerance(quote: Minor, toleranceBp: number): Minor {
  return Math.max(1, Math.floor((quote * toleranceBp) / 10_000));
}

/** "1.5" (percent, at most 2 decimals) → 150 basis points. */
export function basisPoints(percent: string): number {
  return Number(scaled(percent, 2));
}
