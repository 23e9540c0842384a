/**
 * Telegram Stars pricing (modules/telegram): N/100 × 0.3 TON × TON/USD × (1 + margin), in exact
 * decimals rounded half-up to the cent, the price tolerance, and the offer ids. No database.
 */
import { describe, expect, it } from 'vitest';
import { basisPoints, parseStarsOfferId, priceTolerance, starsCost, starsOfferId, starsPrice } from '../../src/modules/telegram/index.ts';
import { appErrorOf } from '../support/expect.ts';

describe('starsPrice', () => {
  it('prices the spec example: 100 stars at 2.58 USD/TON with a 1 % margin is 0.78 (0.78174)', () => {
    expect(starsPrice(100, '2.58', 100)).toBe(78);
    expect(starsCost(100, '2.58')).toBe(77); // 0.774 before the margin
  });

  it('rounds an exact half up where floats round it down: 4.545 is 4.55, 1.005 is 1.01', () => {
    // 1000 stars at 1.515 USD/TON is exactly 4.545 USD; as a double it is a hair under.
    expect((1000 / 100 * 0.3 * 1.515).toFixed(2)).toBe('4.54');
    expect(starsPrice(1000, '1.515', 0)).toBe(455);
    // 100 stars at 3.35 is exactly 1.005; the float product × 100 is 100.49999999999999.
    expect(Math.round(100 / 100 * 0.3 * 3.35 * 100)).toBe(100);
    expect(starsPrice(100, '3.35', 0)).toBe(101);
  });

  it('applies the margin in basis points and rounds below a half down', () => {
    expect(starsPrice(1000, '1.515', 150)).toBe(461); // 4.545 × 1.015 = 4.613175
    expect(starsPrice(50, '2.58', 0)).toBe(39); // 0.387
    expect(starsPrice(2500, '2.58', 0)).toBe(1935); // 19.35
    expect(starsPrice(1, '1.123456789012', 0)).toBe(1); // 0.0033…: at least a cent
  });

  it('never charges less than a cent', () => {
    expect(starsPrice(1, '0.000000000001', 0)).toBe(1);
  });
});

describe('priceTolerance', () => {
  it('is a share of the quote in basis points, rounded down, and at least a cent', () => {
    expect(priceTolerance(10_000, 100)).toBe(100);
    expect(priceTolerance(12_345, 150)).toBe(185); // 185.175
    expect(priceTolerance(78, 100)).toBe(1); // 0.78 → at least 1
    expect(priceTolerance(78, 0)).toBe(1);
  });
});

describe('basisPoints', () => {
  it('reads a percentage with at most 2 decimals', () => {
    expect(basisPoints('1.5')).toBe(150);
    expect(basisPoints('1')).toBe(100);
    expect(basisPoints('0.01')).toBe(1);
    expect(() => basisPoints('1.005')).toThrow(RangeError);
  });
});

describe('offer ids', () => {
  it('telegram_stars_<N> for N from 1 to 2500', () => {
    expect(starsOfferId(100)).toBe('telegram_stars_100');
    expect(parseStarsOfferId('telegram_stars_100')).toBe(100);
    expect(parseStarsOfferId('telegram_stars_1')).toBe(1);
    expect(parseStarsOfferId('telegram_stars_2500')).toBe(2500);
  });

  it('a malformed id is bad input naming offerId; a well-formed N out of range is an offer that does not exist', () => {
    for (const id of ['telegram_stars_0100', 'telegram_stars_abc', 'telegram_stars_', 'stars_100', 'telegram_stars_-1']) {
      expect(appErrorOf(() => parseStarsOfferId(id))).toMatchObject({ code: 'INVALID_REQUEST_BODY', details: { field: 'offerId' } });
    }
    for (const id of ['telegram_stars_0', 'telegram_stars_2501']) expect(appErrorOf(() => parseStarsOfferId(id)).code).toBe('OFFER_NOT_FOUND');
  });
});
