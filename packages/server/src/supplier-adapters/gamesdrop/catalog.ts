/**
 * A GamesDrop-compatible upstream's catalog, read through its feed (POST /api/v1/offers/sync,
 * every page, via the SDK's syncAll) and translated into UpstreamOffers.
 */
import { SYNC_MAX_LIMIT } from '@dropgate/contract';
import type { PartnerApiClient, SyncOffer } from '@dropgate/sdk';
import type { UpstreamOffer } from '../../modules/suppliers/index.ts';
import { minorFromNumber } from '../../platform/money.ts';

export async function* upstreamCatalog(client: PartnerApiClient): AsyncGenerator<UpstreamOffer> {
  for await (const row of client.syncAll({ limit: SYNC_MAX_LIMIT })) {
    const offer = upstreamOffer(row);
    if (offer) yield offer;
  }
}

/**
 * A feed row as an UpstreamOffer, or undefined for a row no source could buy: a string id (the
 * Telegram Stars rows of another Dropgate, which this adapter does not place) or a price that is
 * not an amount in cents.
 */
export function upstreamOffer(row: SyncOffer): UpstreamOffer | undefined {
  const cost = minorFromNumber(row.price);
  if (typeof row.offerId !== 'number' || cost === undefined) return undefined;
  return {
    supplierProductId: String(row.offerId),
    upstreamProductId: String(row.productId),
    productName: row.productName,
    offerName: row.offerGroupName,
    category: row.category ?? null,
    platformCode: row.platformCode ?? null,
    platformName: row.platformName ?? null,
    regionCode: row.regionCode ?? null,
    regionName: row.regionName ?? null,
    regionalLimitations: row.regionalLimitations ?? null,
    excludedCountryCodes: (row.excludedCountryCodes ?? []).map((code) => code.toUpperCase()),
    cost,
    costCurrency: row.currency,
    inStock: row.inStock,
    requiresGameUserId: row.isRequiredGameUserId,
    requiresGameServerId: row.isRequiredGameServerId,
    returnsKey: row.isReturnDataForCustomer ?? null,
  };
}
