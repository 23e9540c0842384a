/**
 * From upstream offers to own offers. Import: every listed offer of the supplier's catalog that
 * matches a filter (category, upstream product, region, search) and that no source of this
 * supplier names yet becomes a new offer, under the product of its name, priced from its cost by
 * the rule given (which it keeps as its own) or else by the stored rule that applies to it
 * (which it follows from then on), with the upstream offer as its one source; its price follows
 * the cost, the rules and the rates from then on (catalog-reprice.ts); all in one transaction, in batches of
 * 1000 (memory stays bounded at 100,000). New ids follow the highest offer id, under a lock so
 * two imports never pick the same.
 */
import type pg from 'pg';
import type { Currency } from '@dropgate/contract';
import { inTransaction } from '../../platform/db/index.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import { formatMoney } from '../../platform/money.ts';
import { recordAudit, type Actor } from '../audit-log/index.ts';
import { insertImportedOffers, nextOfferId, productIdsByName, salePrice, type PriceRule } from '../catalog/index.ts';
import * as repo from './catalog-repository.ts';
import { conversionOf, pricingBasis, ruleOf, takePricingLock } from './catalog-reprice.ts';
import { insertPricing } from './pricing-rules-repository.ts';
import { findSupplier } from './repository.ts';

/** Any constant shared by every instance: imports pick new offer ids one at a time. */
const IMPORT_LOCK = 7_270_213;
const BATCH = 1000;

export interface ImportRequest {
  filter: repo.ImportFilter;
  /** The new offers' currency; default: each upstream offer's own. */
  currency: Currency | undefined;
  /** The offers' own rule; undefined: each follows the stored rule that applies to it. */
  rule: PriceRule | undefined;
}

export interface ImportResult {
  imported: number;
  /** The new offers' ids are firstOfferId … lastOfferId (null: none imported). */
  firstOfferId: number | null;
  lastOfferId: number | null;
}

export async function importCatalog(pool: pg.Pool, supplierId: number, request: ImportRequest, actor: Actor): Promise<ImportResult> {
  if (!(await findSupplier(pool, supplierId))) throw new AppError('SUPPLIER_NOT_FOUND', `supplier ${supplierId} does not exist`);
  return inTransaction(pool, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK]);
    await takePricingLock(tx);
    const basis = await pricingBasis(tx);
    const first = await nextOfferId(tx);
    let next = first;
    let after = '';
    for (;;) {
      const batch = await repo.importableOffers(tx, supplierId, request.filter, after, BATCH);
      if (batch.length === 0) break;
      // A product rule holds for a product that exists; one the import creates has none yet.
      const products = await productIdsByName(tx, batch.map((u) => u.productName));
      const offers = batch.map((u, i) => {
        const currency = request.currency ?? u.costCurrency;
        const rule = request.rule ?? ruleOf(basis, {
          marginPercent: null, fixed: null, rounding: null, supplierId, category: u.category, productId: products.get(u.productName) ?? null,
        });
        if (!rule) throw invalidField('marginPercent', `no pricing rule applies to upstream offer ${u.upstreamId} (category ${u.category ?? 'none'}): give a rule, or store one (dropgate pricing-rule add)`);
        // In its own currency an offer needs no rate; else both sides go through USD.
        const conversion = conversionOf(basis.rates, u.costCurrency, currency);
        if (!conversion) throw invalidField('currency', `no FX rate is set for ${u.costCurrency === 'USD' ? currency : `${u.costCurrency} or ${currency}`}: set one first (dropgate fx set)`);
        return {
          id: next + i, productName: u.productName, category: u.category, platformCode: u.platformCode, regionCode: u.regionCode,
          regionName: u.regionName, offerName: u.offerName, price: salePrice(u.cost, conversion, rule), currency,
        };
      });
      await insertImportedOffers(tx, offers);
      await insertPricing(tx, supplierId, offers.map((o) => o.id), request.rule);
      await repo.insertImportedSources(tx, supplierId, batch.map((u, i) => ({
        offerId: next + i, upstreamId: u.upstreamId, cost: u.cost, costCurrency: u.costCurrency, available: u.inStock,
      })));
      next += batch.length;
      after = batch.at(-1)!.upstreamId;
    }
    const result = { imported: next - first, firstOfferId: next > first ? first : null, lastOfferId: next > first ? next - 1 : null };
    await recordAudit(tx, actor, {
      action: 'supplier.catalog-import', target: { type: 'supplier', id: supplierId },
      after: { ...result, filter: { ...request.filter }, currency: request.currency ?? null, rule: request.rule ? { ...request.rule, fixed: formatMoney(request.rule.fixed) } : 'stored rules' },
    });
    return result;
  });
}
