/**
 * Telegram Stars offers on the wire: "telegram_stars_<N>". They are not rows of the catalog: one
 * product row (offer 0, migration 0006) stands behind every N, and each order records its N.
 */
import { STARS_MAX, STARS_MIN } from '@dropgate/contract';
import { AppError, invalidField } from '../../platform/errors.ts';

/** The catalog row behind every telegram_stars_<N> (merchants' numeric ids start at 1). */
export const STARS_OFFER_ID = 0;
/** The amounts the spec's table lists; any N from 1 to 2500 is sold. */
export const LISTED_STARS_AMOUNTS = [50, 100, 500, 1000] as const;

const PREFIX = 'telegram_stars_';

export function starsOfferId(amount: number): string {
  return `${PREFIX}${amount}`;
}

/**
 * "telegram_stars_100" → 100. A malformed id (telegram_stars_abc, telegram_stars_0100) is bad
 * input naming offerId; a well-formed N outside 1-2500 is an offer that does not exist.
 */
export function parseStarsOfferId(offerId: string): number {
  const digits = offerId.startsWith(PREFIX) ? offerId.slice(PREFIX.length) : '';
  if (!/^(0|[1-9]\d{0,8})$/.test(digits)) {
    throw invalidField('offerId', `${JSON.stringify(offerId)} is not a Telegram Stars offer: send telegram_stars_<N>, N a whole number from ${STARS_MIN} to ${STARS_MAX}`);
  }
  const amount = Number(digits);
  if (amount < STARS_MIN || amount > STARS_MAX) {
    throw new AppError('OFFER_NOT_FOUND', `Offer ${offerId} not found: Telegram Stars are sold from ${STARS_MIN} to ${STARS_MAX} per order`);
  }
  return amount;
}
