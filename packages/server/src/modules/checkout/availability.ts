/**
 * A catalog offer as it is right now, beyond its row: offer_now (functions/), the rules
 * place_order sells by (offer_supply, usd_amount) asked without buying.
 */
import type { Db } from '../../platform/db/index.ts';
import type { Minor } from '../../platform/money.ts';

export interface OfferNow {
  /** An order could be fulfilled now (a key in stock, a supplier to try, or the sandbox). */
  inStock: boolean;
  /** USD per unit of the offer's currency; null when no rate is set (the offer cannot be bought). */
  usdPerUnit: string | null;
  /** USD cents a Partner API order is debited now; null without a rate. */
  debitUsd: Minor | null;
}

/** offer_now of each of these offers, in one statement, by offer id (an offer that does not exist is absent). */
export async function offersNow(db: Db, offerIds: readonly number[]): Promise<Map<number, OfferNow>> {
  const { rows } = await db.query<OfferNow & { offerId: number }>({
    name: 'checkout.offers-now',
    text: `SELECT k.id AS "offerId", n.in_stock AS "inStock", trim_scale(n.usd_per_unit)::text AS "usdPerUnit", n.debit_usd AS "debitUsd"
             FROM unnest($1::bigint[]) AS k(id) CROSS JOIN LATERAL offer_now(k.id) AS n`,
    values: [offerIds],
  });
  return new Map(rows.map(({ offerId, ...now }) => [offerId, now]));
}
