/**
 * Checkout: the purchase, from an offer id a merchant sends to an accepted order. It resolves
 * what the shop may buy (catalog, Telegram Stars, the sandbox), checks the player, places the
 * order (one statement, orders.placeOrder) and, when a supplier must deliver, gives a fast one
 * a moment to do it. Every merchant protocol buys through here and only translates.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { KeyVault } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import type { Minor } from '../../platform/money.ts';
import { partnerPrice, type OfferCatalog } from '../catalog/index.ts';
import type { FulfilmentWorker } from '../fulfilment/index.ts';
import type { ShopPrincipal } from '../merchants/index.ts';
import { findOrder, orderView, placeOrder, type NewOrder, type OrderView, type Protocol } from '../orders/index.ts';
import { parseStarsOfferId, STARS_OFFER_ID, type TelegramStars } from '../telegram/index.ts';
import { offerSellable } from './availability.ts';
import { assertPlayerAccepted, checkPlayer, type PlayerCheck, type PlayerIds } from './player.ts';
import { catalogSaleOffer, STARS_PLAYER, starsSaleOffer, type SaleOffer } from './sale-offer.ts';

export type { SaleOffer } from './sale-offer.ts';
export { assertPlayerAccepted, checkPlayer, type PlayerCheck, type PlayerRule } from './player.ts';

export interface CheckoutDeps {
  pool: pg.Pool;
  vault: KeyVault;
  offers: OfferCatalog;
  /** Undefined when no stars provider is configured: Telegram Stars are then not sold. */
  stars: TelegramStars | undefined;
  worker: FulfilmentWorker;
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
}

export class Checkout {
  readonly #deps: CheckoutDeps;

  constructor(deps: CheckoutDeps) {
    this.#deps = deps;
  }

  /** find-one: the offer as this shop may buy it now; Stars priced at the current rate. */
  async offer(shop: ShopPrincipal, offerId: number | string): Promise<SaleOffer> {
    if (typeof offerId === 'number') return this.#catalogOffer(shop, offerId);
    const { stars, amount } = this.#stars(offerId);
    const quote = await stars.quote(amount);
    return starsSaleOffer(amount, quote.price);
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
    const available = offer.sandbox || (await offerSellable(this.#deps.pool, offer.catalogId));
    return { offer, available, partnerPrice: available ? await partnerPrice(this.#deps.pool, offer.catalogId, shop.merchantId) : 0 };
  }

  /**
   * create-order and CodeGames pay: accepts the order, and if it waits on a supplier, gives a
   * fast supplier up to orderWaitMs to deliver so the merchant gets COMPLETED in one call.
   */
  async createOrder(shop: ShopPrincipal, request: PurchaseRequest, protocol: Protocol): Promise<OrderView> {
    const started = performance.now();
    const order = await this.#newOrder(shop, request);
    const placed = await placeOrder(this.#deps.pool, this.#deps.vault, shop, order, protocol);
    const placementSeconds = (performance.now() - started) / 1000;
    const answered = await this.#awaitFastSupplier(placed);
    this.#deps.onOrder?.(protocol, answered.status, placementSeconds);
    return answered;
  }

  async #newOrder(shop: ShopPrincipal, { offerId, price, transactionId, customer }: PurchaseRequest): Promise<NewOrder> {
    if (typeof offerId === 'number') {
      assertPlayerAccepted((await this.#catalogOffer(shop, offerId)).player, customer);
      return { offerId, price, transactionId, customer };
    }
    const { stars, amount } = this.#stars(offerId);
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

  async #catalogOffer(shop: ShopPrincipal, offerId: number): Promise<SaleOffer> {
    return catalogSaleOffer(await this.#deps.offers.offerFor(shop.merchantId, offerId));
  }

  /** Telegram Stars as configured, or OFFER_NOT_FOUND: a hub without a stars provider sells none. */
  #stars(offerId: string): { stars: TelegramStars; amount: number } {
    const stars = this.#deps.stars;
    if (!stars) throw new AppError('OFFER_NOT_FOUND', `Offer ${offerId} not found: this hub does not sell Telegram Stars`);
    return { stars, amount: parseStarsOfferId(offerId) };
  }
}
