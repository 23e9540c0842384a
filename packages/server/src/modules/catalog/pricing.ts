/**
 * The pricing rule: an offer's sale price from an upstream cost. sale = cost converted to the sale
 * currency × (1 + margin %) + fixed, then rounded; never below the cost (converted, rounded up to
 * the cent) unless the operator allows it for the offer. Exact: rates and the margin are decimal
 * text, the arithmetic is BigInt over one fraction, rounded once at the end.
 */
import { divideHalfUp, scaled } from '../../platform/decimal.ts';
import { checkedMinor, type Minor } from '../../platform/money.ts';
import { invalidField } from '../../platform/errors.ts';

export const ROUNDINGS = ['cent', 'unit', 'ninety-nine'] as const;
/** cent: half-up to the cent; unit: up to a whole unit (5.01 → 6.00); ninety-nine: up to the next .99 (5.01 → 5.99). */
export type Rounding = (typeof ROUNDINGS)[number];

export interface PriceRule {
  /** Percent, at most 2 decimals, may be negative ("12.5", "-5"). */
  marginPercent: string;
  /** Added after the margin, in minor units of the sale currency. */
  fixed: Minor;
  rounding: Rounding;
}

/** USD per unit of the cost's currency and of the sale's ("1" for USD), as the FX table holds them. */
export interface Conversion {
  costUsdPerUnit: string;
  saleUsdPerUnit: string;
}

const RATE_PLACES = 12;
const MARGIN = /^-?(0|[1-9]\d{0,4})(\.\d{1,2})?$/;

export function checkMargin(text: string): string {
  if (!MARGIN.test(text) || Number(text) <= -100) throw invalidField('marginPercent', `"${text}" is not a percent above -100 with at most 2 decimals`);
  return text;
}

export function salePrice(cost: Minor, conversion: Conversion, rule: PriceRule, allowBelowCost = false): Minor {
  const costRate = scaled(conversion.costUsdPerUnit, RATE_PLACES);
  const saleRate = scaled(conversion.saleUsdPerUnit, RATE_PLACES);
  const margin = marginBasisPoints(checkMargin(rule.marginPercent));
  // value = cost × costRate / saleRate × (10000 + margin) / 10000 + fixed, as num / den.
  const den = saleRate * 10_000n;
  const num = BigInt(cost) * costRate * (10_000n + margin) + BigInt(rule.fixed) * den;
  const rounded = round(num, den, rule.rounding);
  const floor = ceilDiv(BigInt(cost) * costRate, saleRate); // the cost itself, never rounded below
  const price = !allowBelowCost && rounded < floor ? floor : rounded;
  return checkedMinor(Number(price > 0n ? price : 1n));
}

function round(num: bigint, den: bigint, rounding: Rounding): bigint {
  if (num <= 0n) return 0n;
  switch (rounding) {
    case 'cent':
      return divideHalfUp(num, den);
    case 'unit':
      return ceilDiv(num, den * 100n) * 100n;
    case 'ninety-nine': {
      const over = num - 99n * den;
      return (over <= 0n ? 0n : ceilDiv(over, den * 100n)) * 100n + 99n;
    }
  }
}

function ceilDiv(num: bigint, den: bigint): bigint {
  return (num + den - 1n) / den;
}

/** "12.5" → 1250n, "-5" → -500n. */
function marginBasisPoints(text: string): bigint {
  const negative = text.startsWith('-');
  const value = scaled(negative ? text.slice(1) : text, 2);
  return negative ? -value : value;
}
