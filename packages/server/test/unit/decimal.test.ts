/** Exact decimals (platform/decimal.ts): rates and percentages as scaled BigInts, rounded half-up. */
import { describe, expect, it } from 'vitest';
import { divideHalfUp, parseDecimal, scaled } from '../../src/platform/decimal.ts';

describe('parseDecimal', () => {
  it('answers the canonical form of a non-negative decimal within the places allowed', () => {
    expect(parseDecimal('2.58', 12)).toBe('2.58');
    expect(parseDecimal('2.50', 2)).toBe('2.5');
    expect(parseDecimal('3.000', 3)).toBe('3');
    expect(parseDecimal(' 0.0019 ', 12)).toBe('0.0019');
    expect(parseDecimal('0', 0)).toBe('0');
    expect(parseDecimal('1.123456789012', 12)).toBe('1.123456789012');
  });

  it('refuses too many places, leading zeros, signs, exponents and empty parts', () => {
    expect(parseDecimal('1.1234567890123', 12)).toBeUndefined();
    expect(parseDecimal('1.005', 2)).toBeUndefined();
    for (const text of ['02.5', '-1', '+1', '1e3', '1.', '.5', '', 'abc', '1,5']) expect(parseDecimal(text, 12)).toBeUndefined();
  });
});

describe('scaled', () => {
  it('turns a decimal into an integer at the given places', () => {
    expect(scaled('2.58', 12)).toBe(2_580_000_000_000n);
    expect(scaled('3', 2)).toBe(300n);
    expect(scaled('0.01', 2)).toBe(1n);
    expect(scaled('0', 4)).toBe(0n);
    expect(scaled('999999999999999.999999999999', 12)).toBe(999_999_999_999_999_999_999_999_999n);
  });

  it('refuses a decimal with more places than asked for', () => {
    expect(() => scaled('0.001', 2)).toThrow(RangeError);
  });
});

describe('divideHalfUp', () => {
  it('rounds halves up (not to even) and everything else to the nearest', () => {
    expect(divideHalfUp(5n, 10n)).toBe(1n); // 0.5
    expect(divideHalfUp(15n, 10n)).toBe(2n); // 1.5
    expect(divideHalfUp(25n, 10n)).toBe(3n); // 2.5: banker's rounding would say 2
    expect(divideHalfUp(14n, 10n)).toBe(1n);
    expect(divideHalfUp(4n, 10n)).toBe(0n);
    expect(divideHalfUp(0n, 7n)).toBe(0n);
    expect(divideHalfUp(2n, 3n)).toBe(1n);
    expect(divideHalfUp(1n, 3n)).toBe(0n);
  });

  it('stays exact far beyond 2^53', () => {
    expect(divideHalfUp(10n ** 30n + 5n * 10n ** 11n, 10n ** 12n)).toBe(10n ** 18n + 1n);
    expect(divideHalfUp(10n ** 30n + 5n * 10n ** 11n - 1n, 10n ** 12n)).toBe(10n ** 18n);
  });
});
