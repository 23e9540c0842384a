/**
 * Whether an order for an offer could be fulfilled now: offer_supply's rule (functions/), the
 * same place_order follows when it claims, asked without claiming.
 */
import type { Db } from '../../platform/db/index.ts';

export async function offerSellable(db: Db, offerId: number): Promise<boolean> {
  const { rows } = await db.query<{ route: string }>({ name: 'checkout.supply', text: 'SELECT route FROM offer_supply($1, false)', values: [offerId] });
  return rows[0]!.route !== 'none';
}
