/**
 * Money at the edge (platform/money.ts): JSON numbers with at most 2 decimals to integer minor
 * units and back, exactly, within the safe-integer limit. No database: pure rules.
 */
import { describe, expect, it } from 'vitest';
import { checkedMinor, formatMoney, minorFromNumber, moneyFromDecimal, moneyFromWire, moneyToWire } from '../../src/platform/money.ts';
import { appErrorOf } from '../support/expect.ts';

describe('wire amounts to minor units', () => {
  it('converts JSON numbers with up to 2 decimals exactly, including those a float multiplication gets wrong', () => {
    expect(moneyFromWire(23.09, 'price')).toBe(2309);
    expect(moneyFromWire(560.1, 'price')).toBe(56010);
    expect(moneyFromWire(7, 'price')).toBe(700);
    expect(moneyFromWire(0.01, 'price')).toBe(1);
    // 4.35 × 100 is 434.99999999999994 as a double: truncating it would lose a cent.
    expect(Math.trunc(4.35 * 100)).toBe(434);
    expect(moneyFromWire(4.35, 'price')).toBe(435);
    expect(moneyFromWire(1000000.99, 'price')).toBe(100000099);
  });

  it('refuses more than 2 decimals (23.091), naming the field', () => {
    const error = appErrorOf(() => moneyFromWire(23.091, 'price'));
    expect(error.code).toBe('INVALID_REQUEST_BODY');
    expect(error.details).toEqual({ field: 'price' });
    expect(error.message).toBe('price: "23.091" is not an amount with at most 2 decimals');
    expect(appErrorOf(() => moneyFromWire(0.1 + 0.2, 'price')).details.field).toBe('price'); // 0.30000000000000004
    expect(appErrorOf(() => moneyFromWire(1.005, 'amount')).details.field).toBe('amount');
  });

  it('refuses zero, negatives and non-finite numbers as not positive', () => {
    for (const value of [0, -1, -0.01, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(appErrorOf(() => moneyFromWire(value, 'price')).message).toBe('price: must be a positive amount');
    }
  });
});

describe('decimal text to minor units', () => {
  it('reads the operator\'s decimals, trimmed', () => {
    expect(moneyFromDecimal('100.00', 'amount')).toBe(10000);
    expect(moneyFromDecimal('560.1', 'amount')).toBe(56010);
    expect(moneyFromDecimal(' 7 ', 'amount')).toBe(700);
  });

  it('refuses what is not a plain decimal with at most 2 places, and zero', () => {
    for (const text of ['01.5', '1.', '.5', '1e3', '1,50', '-1', '1.234', '', 'abc']) {
      expect(appErrorOf(() => moneyFromDecimal(text, 'amount')).details.field).toBe('amount');
    }
    expect(appErrorOf(() => moneyFromDecimal('0.00', 'amount')).message).toBe('amount: must be a positive amount');
  });

  it('upstream numbers: undefined instead of an error, and zero is allowed', () => {
    expect(minorFromNumber(9.5)).toBe(950);
    expect(minorFromNumber(0)).toBe(0);
    expect(minorFromNumber(23.091)).toBeUndefined();
    expect(minorFromNumber(-1)).toBeUndefined();
    expect(minorFromNumber(Number.NaN)).toBeUndefined();
  });
});

describe('the safe-integer limit: 2^53 - 1 minor units', () => {
  it('accepts the largest safe amount and refuses one cent more', () => {
    expect(moneyFromDecimal('90071992547409.91', 'amount')).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => moneyFromDecimal('90071992547409.92', 'amount')).toThrow(/not a safe integer/);
    expect(() => moneyFromDecimal('999999999999999.99', 'amount')).toThrow(/not a safe integer/);
  });

  it('checks every conversion out, too', () => {
    expect(checkedMinor(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => checkedMinor(Number.MAX_SAFE_INTEGER + 1)).toThrow(/not a safe integer/);
    expect(() => checkedMinor(1.5)).toThrow(/not a safe integer/);
    expect(() => moneyToWire(2 ** 53)).toThrow(/not a safe integer/);
    expect(() => formatMoney(2 ** 53)).toThrow(/not a safe integer/);
  });
});

describe('minor units out', () => {
  it('to the wire\'s JSON number', () => {
    expect(moneyToWire(56010)).toBe(560.1);
    expect(moneyToWire(2309)).toBe(23.09);
    expect(moneyToWire(1)).toBe(0.01);
    expect(moneyToWire(-605)).toBe(-6.05);
  });

  it('to a 2-decimal string for people', () => {
    expect(formatMoney(56010)).toBe('560.10');
    expect(formatMoney(5)).toBe('0.05');
    expect(formatMoney(0)).toBe('0.00');
    expect(formatMoney(-56010)).toBe('-560.10');
    expect(formatMoney(Number.MAX_SAFE_INTEGER)).toBe('90071992547409.91');
  });
});
