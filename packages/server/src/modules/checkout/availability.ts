/** Whether an order for an offer could be fulfilled now: a key in stock, or a supplier to try. */
import type { Db } from '../../platform/db/index.ts';
import { stockLevels } from '../inventory/index.ts';
import { listSources } from '../suppliers/index.ts';

export async function offerSellable(db: Db, offerId: number): Promise<boolean> {
  const [[level], sources] = await Promise.all([stockLevels(db, [offerId]), listSources(db, offerId)]);
  return (level?.available ?? 0) > 0 || sources.length > 0;
}
