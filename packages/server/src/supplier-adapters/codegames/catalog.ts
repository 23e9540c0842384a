/**
 * A CodeGames upstream's catalog: the protocol has no catalog call, so it is a `check` of each
 * product id the operator lists, one after the other (check buys nothing). An id the upstream
 * does not know is left out (gone); PRODUCT_OUT_OF_STOCK keeps the offer, out of stock, with
 * what was last seen of it (check says nothing more then). Any other failure
 * (transport, 5xx, garbage) throws: the read is not the whole catalog.
 */
import { CURRENCIES, type Currency } from '@dropgate/contract';
import type { CodeGamesClient } from '@dropgate/sdk';
import type { CatalogEntry } from '../../modules/suppliers/index.ts';
import { minorFromNumber } from '../../platform/money.ts';

/** CodeGames prices are roubles unless the product's addInfo names another currency. */
const DEFAULT_CURRENCY: Currency = 'RUB';

export async function* checkedCatalog(client: CodeGamesClient, productIds: readonly string[]): AsyncGenerator<CatalogEntry> {
  for (const id of productIds) {
    const productId = Number(id);
    if (!Number.isSafeInteger(productId)) continue;
    const answer = await client.check(productId);
    if (answer.status === 'PRODUCT_NOT_FOUND') continue;
    if (answer.status === 'PRODUCT_OUT_OF_STOCK') {
      yield { supplierProductId: id, soldOut: true };
      continue;
    }
    const product = answer.product;
    const cost = product && minorFromNumber(product.partner_price);
    if (answer.status !== 'OK' || !product || cost === undefined) throw new Error(`check of product ${id} answered ${answer.status} without a usable product`);
    yield {
      ...EMPTY_DETAILS,
      excludedCountryCodes: [],
      supplierProductId: id,
      upstreamProductId: null,
      productName: product.name,
      offerName: product.shortDescription ?? product.name,
      cost,
      costCurrency: currencyOf(product.addInfo?.currency),
      inStock: true,
    };
  }
}

/** What `check` does not say about a product. */
const EMPTY_DETAILS = {
  category: null, platformCode: null, platformName: null, regionCode: null, regionName: null, regionalLimitations: null,
  excludedCountryCodes: [] as string[], requiresGameUserId: false, requiresGameServerId: false, returnsKey: true,
};

function currencyOf(value: unknown): Currency {
  return typeof value === 'string' && CURRENCIES.includes(value as Currency) ? value as Currency : DEFAULT_CURRENCY;
}
