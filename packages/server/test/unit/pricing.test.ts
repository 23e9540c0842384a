/** The pricing rule (docs/catalog.md's worked example): conversion, margin, fixed, rounding, the cost floor. */
import { describe, expect, it } from 'vitest';
import { salePrice, type PriceRule } from '../../src/modules/catalog/pricing.ts';

const RUB_TO_USD = { costUsdPerUnit: '0.0108', saleUsdPerUnit: '1' };
const SAME = { costUsdPerUnit: '1', saleUsdPerUnit: '1' };
const rule = (fields: Partial<PriceRule>): PriceRule => ({ marginPercent: '0', fixed: 0, rounding: 'cent', ...fields });

describe('the sale price from an upstream cost', () => {
  it('converts, adds the margin and the fixed part, then rounds: 450.00 RUB at 0.0108, +12 %, +0.30 USD', () => {
    // 45000 × 0.0108 = 486 cents; × 1.12 = 544.32; + 30 = 574.32 cents.
    expect(salePrice(45_000, RUB_TO_USD, rule({ marginPercent: '12', fixed: 30 }))).toBe(574);
    expect(salePrice(45_000, RUB_TO_USD, rule({ marginPercent: '12', fixed: 30, rounding: 'unit' }))).toBe(600);
    expect(salePrice(45_000, RUB_TO_USD, rule({ marginPercent: '12', fixed: 30, rounding: 'ninety-nine' }))).toBe(599);
  });

  it('rounds half-up to the cent, exactly', () => {
    expect(salePrice(1000, SAME, rule({ marginPercent: '0.05' }))).toBe(1001); // 1000.5 → 1001
    expect(salePrice(1000, SAME, rule({ marginPercent: '0.04' }))).toBe(1000); // 1000.4 → 1000
    expect(salePrice(333, SAME, rule({ marginPercent: '33.33' }))).toBe(444); // 443.9889 → 444
  });

  it('rounds up to .99 and to a whole unit, never down', () => {
    expect(salePrice(599, SAME, rule({ rounding: 'ninety-nine' }))).toBe(599);
    expect(salePrice(600, SAME, rule({ rounding: 'ninety-nine' }))).toBe(699);
    expect(salePrice(50, SAME, rule({ rounding: 'ninety-nine' }))).toBe(99);
    expect(salePrice(501, SAME, rule({ rounding: 'unit' }))).toBe(600);
    expect(salePrice(500, SAME, rule({ rounding: 'unit' }))).toBe(500);
  });

  it('never goes below the cost unless the offer allows it', () => {
    expect(salePrice(45_000, RUB_TO_USD, rule({ marginPercent: '-50' }))).toBe(486);
    expect(salePrice(45_000, RUB_TO_USD, rule({ marginPercent: '-50' }), true)).toBe(243);
    // The floor is the cost rounded up: 1 RUB at 0.0108 is 1.08 cents, so 2 cents.
    expect(salePrice(100, RUB_TO_USD, rule({ marginPercent: '-10' }))).toBe(2);
  });

  it('converts between two non-USD currencies through their USD rates', () => {
    // 1000.00 KZT at 0.0021 USD into EUR at 1.08 USD: 100000 × 0.0021 / 1.08 = 194.44… cents.
    expect(salePrice(100_000, { costUsdPerUnit: '0.0021', saleUsdPerUnit: '1.08' }, rule({}))).toBe(195); // the floor rounds the cost up
    expect(salePrice(100_000, { costUsdPerUnit: '0.0021', saleUsdPerUnit: '1.08' }, rule({ marginPercent: '10' }))).toBe(214);
  });

  it('refuses a margin that is not a percent above -100 with at most 2 decimals', () => {
    for (const margin of ['-100', '12.345', 'ten', '']) {
      expect(() => salePrice(100, SAME, rule({ marginPercent: margin }))).toThrow(/marginPercent/);
    }
  });
});
