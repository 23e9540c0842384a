/**
 * Checkout: the purchase, from an offer id a merchant sends to an accepted order. It resolves
 * what the shop may buy (catalog, Telegram Stars, the sandbox), checks the buyer's country and
 * the player, places the order (orders.placeOrder: one statement, which orders that arrive
 * meanwhile may share) and, when a supplier must deliver, gives a fast one a moment to do it. It also
 * lists what a shop may buy (the catalog feed). Every merchant protocol buys through here and only translates.
 */
import type { CountryCompatibility } from '@dropgate/contract';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { coalescedReads } from '../../platform/db/index.ts';
import type { KeyVault } from '../../platform/crypto.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import type { Minor } from '../../platform/money.ts';
import type { Catalog } from '../catalog/index.ts';
import type { FulfilmentWorker } from '../fulfilment/index.ts';
import type { ShopPrincipal } from '../merchants/index.ts';
import { findOrder, orderView, placeOrder, type NewOrder, type OrderBatcher, type OrderView, type Protocol } from '../orders/index.ts';
import { LISTED_STARS_AMOUNTS, parseStarsOfferId, STARS_OFFER_ID, type TelegramStars } from '../telegram/index.ts';
import { offersNow, type OfferNow } from './availability.ts';
import { assertCountryAllowed, countryCompatibility } from './country.ts';
import { assertPlayerAccepted, checkPlayer, type PlayerCheck, type PlayerIds } from './player.ts';
import { catalogSaleOffer, STARS_PLAYER, starsSaleOffer, type SaleOffer } from './sale-offer.ts';

export type { SaleOffer } from './sale-offer.ts';
export type { OfferNow } from './availability.ts';
export { assertPlayerAccepted, checkPlayer, requiresGameServerId, requiresGameUserId, type PlayerCheck, type PlayerRule } from './player.ts';
export { countryCompatibility } from './country.ts';

export interface CheckoutDeps {
  pool: pg.Pool;
  vault: KeyVault;
  catalog: Catalog;
  /** Undefined when no stars provider is configured: Telegram Stars are then not sold. */
  stars: TelegramStars | undefined;
  worker: FulfilmentWorker;
  /** Where orders are placed: alone, or with others that arrive meanwhile in one statement. */
  orderBatcher: OrderBatcher;
  /** How long create-order waits for a fast supplier before answering PROCESSING. */
  orderWaitMs: number;
  /** Told of every accepted order: its protocol, the status answered, how long accepting took. */
  onOrder?: (protocol: Protocol, status: string, placementSeconds: number) => void;
}

/** A create-order as every protocol asks for it, money already in minor units. */
export interface PurchaseRequest {
  offerId: number | string;
  price: Minor;
  transactionId: string;
  customer: NewOrder['customer'];
  /** The buyer's country (ISO alpha-2): an offer that excludes it is not sold. */
  countryCode?: string | undefined;
  /** 'text' (the default) is the only key format this hub delivers. */
  keyFormat?: 'text' | 'image' | undefined;
  /** true (the default): orders are paid from the prepaid balance, the only way this hub is paid. */
  useBalance?: boolean | undefined;
}

/** One page of the catalog feed, as sync asks for it. */
export interface FeedQuery {
  page: number;
  limit: number;
  category?: string | undefined;
  search?: string | undefined;
  updatedSince?: Date | undefined;
}

/** An offer as a shop would buy it now, with what the buyer's country means for it. */
export interface ShopOffer extends SaleOffer, OfferNow {
  /** This shop may buy it (false only in an incremental sync, for an offer it lost). */
  available: boolean;
  countryCompatibility: CountryCompatibility;
}

export class Checkout {
  readonly #deps: CheckoutDeps;
  /** offer_now of one offer; the find-one and check calls of one turn of the event loop read theirs in one statement. */
  readonly #offerNow: (offerId: number) => Promise<OfferNow | undefined>;

  constructor(deps: CheckoutDeps) {
    this.#deps = deps;
    this.#offerNow = coalescedReads((offerIds: readonly number[]) => offersNow(deps.pool, offerIds));
  }

  /** find-one: the offer as this shop may buy it now; Stars priced at the current rate. */
  async offer(shop: ShopPrincipal, offerId: number | string, countryCode?: string): Promise<ShopOffer> {
    if (typeof offerId === 'string') {
      const stars = await this.#starsOffer(offerId);
      return shopOffer(stars, starsNow(stars), countryCode);
    }
    const offer = await this.#catalogOffer(shop, offerId);
    return shopOffer(offer, await this.#now(offer.catalogId), countryCode);
  }

  /** sync: one page of what this shop may buy (Telegram Stars' listed amounts first), and how many in all. */
  async feed(shop: ShopPrincipal, query: FeedQuery, countryCode?: string): Promise<{ count: number; offers: ShopOffer[] }> {
    const stars = (await this.#listedStars()).filter((offer) => matches(offer, query));
    const offset = (query.page - 1) * query.limit;
    const starsOnPage = stars.slice(offset, offset + query.limit);
    const { total, rows } = await this.#deps.catalog.feed(
      { merchantId: shop.merchantId, category: query.category, search: query.search, since: query.updatedSince },
      { offset: Math.max(0, offset - stars.length), limit: query.limit - starsOnPage.length },
    );
    const offers = [
      ...starsOnPage.map((offer) => shopOffer(offer, starsNow(offer), countryCode)),
      ...rows.map((row) => shopOffer(catalogSaleOffer(row), row, countryCode, row.visible)),
    ];
    return { count: stars.length + total, offers };
  }

  /** The servers a player of this offer may be on: id → name ({} for none). */
  async servers(shop: ShopPrincipal, offerId: number): Promise<Record<string, string>> {
    return (await this.#deps.catalog.offerFor(shop.merchantId, offerId)).servers;
  }

  /** check-game-data: the offer's player rule applied to the ids the merchant names. */
  async checkPlayer(shop: ShopPrincipal, offerId: number, ids: PlayerIds & { gameUserId: string }): Promise<PlayerCheck> {
    const offer = await this.#catalogOffer(shop, offerId);
    return checkPlayer(offer.player, ids);
  }

  /**
   * CodeGames check: whether an order could be fulfilled now (a key in stock, or a supplier to
   * try; the sandbox always), and what this merchant would be charged for it.
   */
  async purchasable(shop: ShopPrincipal, offerId: number): Promise<{ offer: SaleOffer; available: boolean; partnerPrice: Minor }> {
    const offer = await this.#catalogOffer(shop, offerId);
    const { inStock } = await this.#now(offer.catalogId);
    return { offer, available: inStock, partnerPrice: inStock ? await this.#deps.catalog.partnerPrice(offer.catalogId, shop.merchantId) : 0 };
  }

  /**
   * create-order and CodeGames pay: accepts the order, and if it waits on a supplier, gives a
   * fast supplier up to orderWaitMs to deliver so the merchant gets COMPLETED in one call.
   */
  async createOrder(shop: ShopPrincipal, request: PurchaseRequest, protocol: Protocol): Promise<OrderView> {
    const started = performance.now();
    const order = await this.#newOrder(shop, request);
    const placed = await placeOrder(this.#deps.orderBatcher, this.#deps.vault, shop, order, protocol);
    const placementSeconds = (performance.now() - started) / 1000;
    const answered = await this.#awaitFastSupplier(placed);
    this.#deps.onOrder?.(protocol, answered.status, placementSeconds);
    return answered;
  }

  async #newOrder(shop: ShopPrincipal, request: PurchaseRequest): Promise<NewOrder> {
    const { offerId, price, transactionId, customer } = request;
    if (typeof offerId === 'number') {
      const offer = await this.#catalogOffer(shop, offerId);
      assertSupportedTerms(request);
      assertCountryAllowed(offer, request.countryCode);
      assertPlayerAccepted(offer.player, customer);
      return { offerId, price, transactionId, customer };
    }
    const { stars, amount } = this.#stars(offerId);
    assertSupportedTerms(request);
    assertPlayerAccepted(STARS_PLAYER, customer);
    return { offerId: STARS_OFFER_ID, price, transactionId, customer, stars: await stars.terms(amount) };
  }

  async #awaitFastSupplier(placed: OrderView): Promise<OrderView> {
    const { pool, vault, worker, orderWaitMs } = this.#deps;
    if (placed.status !== 'PROCESSING' || orderWaitMs === 0) return placed;
    const done = await Promise.race([worker.kick(placed.orderId).then(() => true), sleep(orderWaitMs, false)]);
    if (!done) return placed;
    const order = await findOrder(pool, placed.orderId);
    return order ? orderView(order, vault) : placed;
  }

  /** A catalog offer this shop may buy (the catalog's cache), or OFFER_NOT_FOUND. */
  async #catalogOffer(shop: ShopPrincipal, offerId: number): Promise<SaleOffer> {
    return catalogSaleOffer(await this.#deps.catalog.offerFor(shop.merchantId, offerId));
  }

  /** The offer's offer_now; one the catalog's cache still held but the database no longer has is not found. */
  async #now(offerId: number): Promise<OfferNow> {
    const now = await this.#offerNow(offerId);
    if (!now) throw new AppError('OFFER_NOT_FOUND', `offer ${offerId} does not exist`);
    return now;
  }

  async #starsOffer(offerId: string): Promise<SaleOffer> {
    const { stars, amount } = this.#stars(offerId);
    const quote = await stars.quote(amount);
    return starsSaleOffer(amount, quote.price, quote.rate.fetchedAt ?? new Date());
  }

  /** The spec's listed Stars amounts, priced now; none when Stars are off or cannot be priced. */
  async #listedStars(): Promise<SaleOffer[]> {
    const stars = this.#deps.stars;
    if (!stars) return [];
    try {
      return await Promise.all(LISTED_STARS_AMOUNTS.map(async (amount) => {
        const quote = await stars.quote(amount);
        return starsSaleOffer(amount, quote.price, quote.rate.fetchedAt ?? new Date());
      }));
    } catch (error) {
      if (error instanceof AppError && error.code === 'SERVICE_UNAVAILABLE') return []; // no fresh rate: not listed until there is one
      throw error;
    }
  }

  /** Telegram Stars as configured, or OFFER_NOT_FOUND: a hub without a stars provider sells none. */
  #stars(offerId: string): { stars: TelegramStars; amount: number } {
    const stars = this.#deps.stars;
    if (!stars) throw new AppError('OFFER_NOT_FOUND', `Offer ${offerId} not found: this hub does not sell Telegram Stars`);
    return { stars, amount: parseStarsOfferId(offerId) };
  }
}

/** Telegram Stars are priced in USD and always deliverable while they can be priced. */
function starsNow(offer: SaleOffer): OfferNow {
  return { inStock: true, usdPerUnit: '1', debitUsd: offer.price };
}

function shopOffer(offer: SaleOffer, now: OfferNow, countryCode: string | undefined, available = true): ShopOffer {
  const { inStock, usdPerUnit, debitUsd } = now;
  return { ...offer, inStock, usdPerUnit, debitUsd, available, countryCompatibility: countryCompatibility(offer, countryCode) };
}

/** What this hub does not sell is refused by name, never silently changed into what it does. */
function assertSupportedTerms(request: PurchaseRequest): void {
  if (request.keyFormat === 'image') throw invalidField('keyFormat', 'this hub delivers keys as text only: send "text" or leave keyFormat out');
  if (request.useBalance === false) throw invalidField('useBalance', "orders are paid from the shop's prepaid balance: send true or leave useBalance out");
}

/** The feed's filters, applied to an offer that is not a catalog row (Telegram Stars). */
function matches(offer: SaleOffer, query: FeedQuery): boolean {
  const contains = (text: string, part: string) => text.toLowerCase().includes(part.toLowerCase());
  if (query.category !== undefined && offer.product.category?.toLowerCase() !== query.category.toLowerCase()) return false;
  if (query.search !== undefined && !contains(offer.productName, query.search) && !contains(offer.offerName, query.search)) return false;
  return true;
}
