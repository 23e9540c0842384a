/** Orders and offers in the CodeGames wire shapes (prices as numbers in the offer's currency). */
import type { SaleOffer } from '../../modules/checkout/index.ts';
import type { OrderView } from '../../modules/orders/index.ts';
import { moneyToWire, type Minor } from '../../platform/money.ts';

export function productOut(offer: SaleOffer, partnerPrice: Minor) {
  return {
    id: offer.catalogId,
    name: `${offer.productName} ${offer.offerName}`,
    shortDescription: `${offer.productName}, ${offer.offerName} (${offer.currency})`,
    price: moneyToWire(offer.price),
    partner_price: moneyToWire(partnerPrice),
    addInfo: { currency: offer.currency, count: offer.count },
  };
}

export function paidProductOut(order: OrderView) {
  return {
    id: order.offerId,
    name: `${order.productName} ${order.offerName}`,
    shortDescription: `${order.productName}, ${order.offerName} (${order.currency})`,
    price: moneyToWire(order.price),
    // The spec makes productKey required on a paid product; offers without keys send "".
    productKey: order.key ?? '',
    addInfo: { currency: order.currency, count: order.count },
  };
}
