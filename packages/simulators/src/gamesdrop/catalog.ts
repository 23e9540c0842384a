import type { Currency } from '@dropgate/contract';
import { KeyStock } from '../key-stock.ts';

export interface GamesDropOfferOptions {
  offerId: number;
  productName: string;
  offerName: string;
  /** In the offer's currency; create-order must send exactly this (to the cent). */
  price: number;
  currency: Currency;
  /** The keys to sell, or how many to generate. Default: 100 generated. */
  keys?: string[] | number;
}

export interface GamesDropOffer {
  offerId: number;
  productName: string;
  offerName: string;
  price: number;
  currency: Currency;
  stock: KeyStock;
}

/** The spec's example offer 1001, and a USD one so tests can fault one and not the other. */
export const DEFAULT_GAMESDROP_OFFERS: GamesDropOfferOptions[] = [
  { offerId: 1001, productName: 'PUBG MOBILE GIFT', offerName: '60 UC', price: 560.1, currency: 'RUB' },
  { offerId: 1002, productName: 'Steam Wallet', offerName: '10 USD', price: 10, currency: 'USD' },
];

export function buildOffers(offers: GamesDropOfferOptions[]): Map<number, GamesDropOffer> {
  const catalog = new Map<number, GamesDropOffer>();
  for (const offer of offers) {
    if (!Number.isSafeInteger(offer.offerId) || offer.offerId < 1) throw new TypeError(`offerId ${offer.offerId}: must be a positive whole number`);
    if (catalog.has(offer.offerId)) throw new TypeError(`offerId ${offer.offerId} is listed twice`);
    const { keys, ...fields } = offer;
    catalog.set(offer.offerId, { ...fields, stock: new KeyStock(keys ?? 100, 'GD') });
  }
  return catalog;
}
