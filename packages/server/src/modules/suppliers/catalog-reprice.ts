/**
 * Repricing, inside a sync's apply: an imported offer whose upstream cost moved gets its rule's
 * new price (at the FX rates in force), recorded in its price history; its source now agrees
 * to pay the new cost. Orders keep their own snapshot; a merchant still quoting the old price
 * gets WRONG_PRICE (create-order compares to the offer's price), and the feed's updatedSince
 * lists the offer.
 */
import type { Currency } from '@dropgate/contract';
import type { Tx } from '../../platform/db/index.ts';
import { listRates, salePrice, setPrices } from '../catalog/index.ts';
import * as repo from './catalog-repository.ts';

const BATCH = 1000;

/** Reprices what the sync moved; answers how many offers were repriced. */
export async function repriceMoved(tx: Tx, supplierId: number): Promise<number> {
  const rates = new Map((await listRates(tx)).map((r) => [r.currency, r.usdPerUnit]));
  let repriced = 0;
  for (;;) {
    const moves = await repo.costMoves(tx, supplierId, BATCH);
    if (moves.length === 0) return repriced;
    const priced = moves.flatMap((m) => {
      const conversion = conversionOf(rates, m.costCurrency, m.currency);
      // Without a rate the price cannot follow: it stays, and its source keeps the old cost (orders above it fail over).
      return conversion ? [{ move: m, id: m.offerId, price: salePrice(m.cost, conversion, m) }] : [];
    });
    await setPrices(tx, priced, `upstream cost moved (supplier ${supplierId})`);
    await repo.recordSourceCosts(tx, supplierId, priced.map((p) => p.move));
    repriced += priced.length;
    if (priced.length === 0) return repriced; // only rate-less ones left: they would come back forever
  }
}

function conversionOf(rates: Map<string, string>, from: Currency, to: Currency): { costUsdPerUnit: string; saleUsdPerUnit: string } | undefined {
  if (from === to) return { costUsdPerUnit: '1', saleUsdPerUnit: '1' };
  const rate = (c: Currency) => (c === 'USD' ? '1' : rates.get(c));
  const costUsdPerUnit = rate(from);
  const saleUsdPerUnit = rate(to);
  return costUsdPerUnit && saleUsdPerUnit ? { costUsdPerUnit, saleUsdPerUnit } : undefined;
}
