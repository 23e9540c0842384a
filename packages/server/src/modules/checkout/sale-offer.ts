/**
 * What a merchant can buy, whatever stands behind it: a catalog offer (the sandbox offer among
 * them) or N Telegram Stars priced live. Every protocol presents and sells this one shape.
 */
import type { Currency } from '@dropgate/contract';
import type { Minor } from '../../platform/money.ts';
import type { Offer } from '../catalog/index.ts';
import { STARS_OFFER_ID, starsOfferId } from '../telegram/index.ts';
import type { PlayerRule } from './player.ts';

export interface SaleOffer {
  /** What merchants send and get back as offerId: a catalog id, or telegram_stars_<N>. */
  offerId: number | string;
  /** The catalog row an order is placed on (every telegram_stars_<N> is row 0). */
  catalogId: number;
  productId: number;
  productName: string;
  offerName: string;
  count: number;
  /** In minor units of `currency`. */
  price: Minor;
  currency: Currency;
  /** An order returns data for the customer: a key, or a Stars delivery. */
  returnsData: boolean;
  sandbox: boolean;
  player: PlayerRule;
  product: Offer['product'];
  updatedAt: Date;
}

const NO_PRODUCT_DETAILS: Offer['product'] = {
  category: null, platformCode: null, platformName: null, regionCode: null, regionName: null, regionalLimitations: null, excludedCountryCodes: [],
};

export function catalogSaleOffer(offer: Offer): SaleOffer {
  return {
    offerId: offer.id,
    catalogId: offer.id,
    productId: offer.productId,
    productName: offer.productName,
    offerName: offer.offerName,
    count: offer.count,
    price: offer.price,
    currency: offer.currency,
    returnsData: offer.returnsKey,
    sandbox: offer.sandbox,
    player: offer.sandbox
      ? { kind: 'anyone' }
      : {
          kind: 'catalog',
          requiresGameUserId: offer.requiresGameUserId,
          gameUserIdPattern: offer.gameUserIdPattern,
          gameServerIdPattern: offer.gameServerIdPattern,
          servers: Object.keys(offer.servers),
        },
    product: offer.product,
    updatedAt: offer.updatedAt,
  };
}

export const STARS_PLAYER: PlayerRule = { kind: 'telegram' };

/** N stars at a price in USD cents, as the spec's find-one example shows them. */
export function starsSaleOffer(amount: number, price: Minor, pricedAt: Date): SaleOffer {
  return {
    offerId: starsOfferId(amount),
    catalogId: STARS_OFFER_ID,
    productId: STARS_OFFER_ID,
    productName: 'Telegram Stars',
    offerName: `${amount} Stars`,
    count: 1,
    price,
    currency: 'USD',
    returnsData: true,
    sandbox: false,
    player: STARS_PLAYER,
    product: { ...NO_PRODUCT_DETAILS, category: 'Telegram' },
    updatedAt: pricedAt,
  };
}
