/** Domain objects to the Partner API's wire shapes (money as 2-decimal numbers, ISO timestamps). */
import type { OfferResponse, OrderResponse, PriceBreakdown, SyncRow } from '@dropgate/contract';
import { requiresGameServerId, requiresGameUserId, type ShopOffer } from '../../modules/checkout/index.ts';
import type { LedgerEntry } from '../../modules/ledger/index.ts';
import type { OrderView } from '../../modules/orders/index.ts';
import { starsOfferId } from '../../modules/telegram/index.ts';
import { moneyToWire } from '../../platform/money.ts';

export function offerToWire(offer: ShopOffer): OfferResponse {
  return {
    offerId: offer.offerId,
    productName: offer.productName,
    offerName: offer.offerName,
    count: offer.count,
    price: moneyToWire(offer.price),
    currency: offer.currency,
    isReturnDataForCustomer: offer.returnsData,
    ...catalogFields(offer),
  };
}

export function syncRowToWire(offer: ShopOffer): SyncRow {
  const { offerGroupId, priceBreakdown, countryCompatibility, ...catalog } = catalogFields(offer);
  return {
    offerId: offer.offerId,
    offerGroupId,
    offerGroupName: offer.offerName,
    offerName: offer.offerName,
    productId: offer.productId,
    productName: offer.productName,
    category: offer.product.category,
    count: offer.count,
    price: moneyToWire(offer.price),
    currency: offer.currency,
    isReturnDataForCustomer: offer.returnsData,
    ...catalog,
    countryCompatibility,
    priceBreakdown,
    available: offer.available,
    updatedAt: offer.updatedAt.toISOString(),
  };
}

/** The live service's catalog fields of an offer (find-one and sync rows alike). */
function catalogFields(offer: ShopOffer) {
  const { product } = offer;
  return {
    offerGroupId: offer.offerId,
    isRequiredGameUserId: requiresGameUserId(offer.player),
    isRequiredGameServerId: requiresGameServerId(offer.player),
    inStock: offer.inStock,
    platformCode: product.platformCode,
    platformName: product.platformName,
    regionCode: product.regionCode,
    regionName: product.regionName,
    regionalLimitations: product.regionalLimitations,
    excludedCountryCodes: product.excludedCountryCodes,
    countryCompatibility: offer.countryCompatibility,
    priceBreakdown: priceBreakdown(offer),
  };
}

/** The price as the live service breaks it down, and (extension) the USD this shop is debited now. */
function priceBreakdown(offer: ShopOffer): PriceBreakdown {
  const price = moneyToWire(offer.price);
  return {
    providerPrice: price,
    providerCurrency: offer.currency,
    addedPercent: 0,
    fxRate: 1,
    price,
    currency: offer.currency,
    isPriceFresh: true,
    debitAmount: offer.debitUsd === null ? null : moneyToWire(offer.debitUsd),
    debitCurrency: 'USD',
    debitFxRate: offer.usdPerUnit === null ? null : Number(offer.usdPerUnit),
  };
}

export function orderToWire(order: OrderView): OrderResponse {
  const stars = order.starsAmount !== undefined;
  return {
    orderId: order.orderId,
    transactionId: order.transactionId,
    count: order.count,
    price: moneyToWire(order.price),
    currency: order.currency,
    offerId: stars ? starsOfferId(order.starsAmount!) : order.offerId,
    productName: order.productName,
    offerName: order.offerName,
    status: order.status,
    // A Stars order returns its delivery data (fulfillmentData) rather than a key.
    isReturnDataForCustomer: order.returnsKey || stars,
    ...(order.key !== undefined && { key: order.key }),
    ...(order.message !== undefined && { message: order.message }),
    ...(order.fulfillmentData !== undefined && { fulfillmentData: order.fulfillmentData }),
    createdAt: order.createdAt.toISOString(),
  };
}

export function entryToWire(entry: LedgerEntry) {
  return {
    id: entry.id,
    amount: moneyToWire(entry.amount),
    type: entry.type,
    description: entry.description,
    balanceAfter: moneyToWire(entry.balanceAfter),
    createdAt: entry.createdAt.toISOString(),
  };
}
