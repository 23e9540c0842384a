/** Domain objects to the Partner API's wire shapes (money as 2-decimal numbers, ISO timestamps). */
import type { OfferResponse, OrderResponse } from '@dropgate/contract';
import type { SaleOffer } from '../../modules/checkout/index.ts';
import type { LedgerEntry } from '../../modules/ledger/index.ts';
import type { OrderView } from '../../modules/orders/index.ts';
import { starsOfferId } from '../../modules/telegram/index.ts';
import { moneyToWire } from '../../platform/money.ts';

export function offerToWire(offer: SaleOffer): OfferResponse {
  return {
    offerId: offer.offerId,
    productName: offer.productName,
    offerName: offer.offerName,
    count: offer.count,
    price: moneyToWire(offer.price),
    currency: offer.currency,
    isReturnDataForCustomer: offer.returnsData,
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
