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

export async function offerNow(db: Db, offerId: number): Promise<OfferNow> {
  const { rows } = await db.query<OfferNow>({
    name: 'checkout.offer-now',
    text: 'SELECT in_stock AS "inStock", trim_scale(usd_per_unit)::text AS "usdPerUnit", debit_usd AS "debitUsd" FROM offer_now($1)',
    values: [offerId],
  });
  return rows[0]!;
}
