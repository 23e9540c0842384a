/**
 * Telegram Stars as the live GamesDrop sells them (the spec's Telegram Stars section): offerId
 * "telegram_stars_<N>" (1 to 2500), priced from the TON/USD rate at Fragment's 0.3 TON per 100
 * stars; create-order takes a price within 1 % of the quote (at least a cent), charges the quote,
 * and answers the spec's fulfillmentData.
 */
import { randomBytes } from 'node:crypto';
import type { StarsFulfillmentData } from '@dropgate/contract';

const STARS_ID = /^telegram_stars_([1-9][0-9]{0,3})$/;
const MAX_STARS = 2500;
const TELEGRAM_USER_ID = /^[1-9][0-9]{0,15}$/;

/** The rate the simulator prices Stars at unless told another (the demo's). */
export const DEFAULT_STARS_USD_PER_TON = 2.58;

/** N for "telegram_stars_<N>" with 1 ≤ N ≤ 2500; undefined for any other id. */
export function starsAmountOf(offerId: number | string): number | undefined {
  if (typeof offerId !== 'string') return undefined;
  const match = STARS_ID.exec(offerId);
  const amount = match ? Number(match[1]) : 0;
  return amount >= 1 && amount <= MAX_STARS ? amount : undefined;
}

/** N stars in USD: N / 100 × 0.3 TON × the rate, to the cent (half-up), at least a cent. */
export function starsQuote(amount: number, usdPerTon: number): number {
  return Math.max(1, Math.round(amount * 0.3 * usdPerTon)) / 100;
}

/** A submitted price the quote accepts: within 1 % of it, at least a cent, either way. */
export function withinTolerance(price: number, quote: number): boolean {
  const toleranceCents = Math.max(1, Math.floor(quote));
  return Math.abs(Math.round(price * 100) - Math.round(quote * 100)) <= toleranceCents;
}

export function isTelegramUserId(text: string | undefined): text is string {
  return text !== undefined && TELEGRAM_USER_ID.test(text) && Number.isSafeInteger(Number(text));
}

export function completedDelivery(telegramUserId: number, amount: number): StarsFulfillmentData {
  return { telegram_user_id: telegramUserId, stars_amount: amount, transaction_id: `tg_tx_${randomBytes(6).toString('hex')}`, delivery_status: 'completed' };
}

export function failedDelivery(telegramUserId: number, amount: number, error: string): StarsFulfillmentData {
  return { telegram_user_id: telegramUserId, stars_amount: amount, delivery_status: 'failed', error_message: error };
}
