/**
 * A GamesDrop-compatible upstream: the Partner API v1 calls a supplier and a catalog import make
 * (find-one, create-order, order-status, balance, the catalog feed, an offer's servers), answering
 * like the live service (no transactionId echo, its createdAt format) with the spec's error shape.
 * It sells Telegram Stars (telegram_stars_<N>) as the live service does (stars.ts). State is in
 * memory and bounded; keys are never logged.
 */
import { randomInt } from 'node:crypto';
import {
  CreateOrderRequest,
  ERROR_STATUS,
  FindOneRequest,
  OrderStatusRequest,
  ServersRequest,
  SYNC_MAX_LIMIT,
  SyncRequest,
  type BalanceResponse,
  type CountryCompatibility,
  type Currency,
  type ErrorCode,
  type OfferResponse,
  type OrderStatus,
  type StarsFulfillmentData,
  type SyncRow,
} from '@dropgate/contract';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { BoundedMap } from '../bounded-map.ts';
import { CatalogScript, type ScriptProgress, type ScriptStep } from '../catalog-script.ts';
import { answerThrough, assertFault, FaultTable } from '../faults.ts';
import { startJsonServer, type Answer, type Exchange, type ListenOptions } from '../http-server.ts';
import { samePrice } from '../prices.ts';
import { checkBody } from '../validate.ts';
import { DEFAULT_GAMESDROP_OFFERS, GamesDropCatalog, type GamesDropOffer, type GamesDropOfferChange, type GamesDropOfferFields, type GamesDropOfferOptions } from './catalog.ts';
import { GAMESDROP_FAULT_KINDS, type GamesDropFault } from './faults.ts';
import { completedDelivery, DEFAULT_STARS_USD_PER_TON, failedDelivery, isTelegramUserId, starsAmountOf, starsQuote, withinTolerance } from './stars.ts';

export interface GamesDropSimulatorOptions extends ListenOptions {
  /** When set, every call must carry it raw in Authorization (else 401 INVALID_TOKEN). */
  token?: string;
  /** Default: the spec's 1001 (PUBG MOBILE GIFT, 60 UC, 560.10 RUB) and 1002 (Steam Wallet, 10 USD), 100 keys each. */
  offers?: GamesDropOfferOptions[];
  /**
   * After the offers above, a generated catalog of this many offers (ids from 1000001), the same
   * for the same count and computed when read, for benchmarks of the catalog feed. Default 0.
   */
  generatedOffers?: number;
  /** What GET /api/v1/balance answers (USD). It is not debited: the simulator keeps no ledger. Default 10 000. */
  balance?: number;
  /** Orders remembered; past this the oldest are forgotten (and their transactionId with them). Default 10 000. */
  maxOrders?: number;
  /** The TON/USD rate Telegram Stars are priced at (0.3 TON per 100 stars). Default 2.58. */
  starsUsdPerTon?: number;
  /** Scripted catalog changes, one step at a time: step() (or POST /_simulator/script/step), or every scriptEveryMs. */
  script?: ReadonlyArray<ScriptStep<GamesDropOfferChange>>;
  scriptEveryMs?: number;
}

export interface GamesDropOrderRecord {
  orderId: number;
  transactionId: string;
  /** A catalog offer's id, or telegram_stars_<N>. */
  offerId: number | string;
  productName: string;
  offerName: string;
  price: number;
  currency: Currency;
  status: OrderStatus;
  /** Only once COMPLETED. */
  key: string | undefined;
  message: string | undefined;
  /** Telegram Stars: the delivery, once it is known. */
  fulfillmentData: StarsFulfillmentData | undefined;
  createdAt: Date;
}

export interface GamesDropCatalogEntry extends GamesDropOfferFields {
  keysLeft: number;
}

export interface GamesDropSimulator {
  url: string;
  /** Requests received per call, faulted ones included. */
  readonly calls: { findOne: number; createOrder: number; orderStatus: number; balance: number; sync: number; servers: number };
  /** Sets (or with null clears) the fault of one offer, or of all: an offer's own fault wins. */
  setFault(target: number | 'all', fault: GamesDropFault | null): void;
  /** Clears every fault: the per-offer ones and the one for all. */
  clearFaults(): void;
  orders(): GamesDropOrderRecord[];
  /** Every offer listed now, given then generated (a generated catalog makes this list long: read it once). */
  catalog(): GamesDropCatalogEntry[];
  /** Scripts a change of a given offer (price, stock, listed or not): upstream price and stock moves for tests. */
  changeOffer(offerId: number, change: GamesDropOfferChange): void;
  /** Moves the TON/USD rate Telegram Stars are priced at. */
  setStarsRate(usdPerTon: number): void;
  /** Applies the next step of the script given as `script`. */
  step(): ScriptProgress;
  stop(): Promise<void>;
}

interface Order extends GamesDropOrderRecord {
  /** A scripted PROCESSING order: what it becomes, after how many more status calls, with which key. */
  script: { then: 'COMPLETED' | 'CANCELED'; remaining: number; key: string | undefined } | undefined;
  /** Telegram Stars: to whom, how many. */
  stars: { telegramUserId: number; amount: number } | undefined;
}

/** This upstream has no incremental sync: updatedSince is ignored, as any field it does not know. */
const SimulatedSyncRequest = Type.Omit(SyncRequest, ['updatedSince'], { additionalProperties: true });

const ROUTES: Record<string, keyof GamesDropSimulator['calls']> = {
  'GET /api/v1/balance': 'balance',
  // Aliases clients call: the English edition of the spec's, the newer docs page's, and one more.
  'POST /api/v1/balance/check': 'balance',
  'GET /api/v1/partner/balance': 'balance',
  'GET /api/v1/offers/balance': 'balance',
  'POST /api/v1/offers/find-one': 'findOne',
  'POST /api/v1/offers/create-order': 'createOrder',
  'POST /api/v1/offers/order-status': 'orderStatus',
  'POST /api/v1/offers/sync': 'sync',
  'POST /api/v1/partner/product-offer/servers': 'servers',
  'POST /api/v1/offers/servers': 'servers',
};

export async function startGamesDropSimulator(options: GamesDropSimulatorOptions = {}): Promise<GamesDropSimulator> {
  const offers = new GamesDropCatalog(options.offers ?? DEFAULT_GAMESDROP_OFFERS, options.generatedOffers);
  const byTransaction = new Map<string, number>();
  const orders = new BoundedMap<number, Order>(options.maxOrders ?? 10_000, (_, order) => byTransaction.delete(order.transactionId));
  const faults = new FaultTable<GamesDropFault>();
  const calls = { findOne: 0, createOrder: 0, orderStatus: 0, balance: 0, sync: 0, servers: 0 };
  let nextOrderId = randomInt(10_000_000, 90_000_000);
  let starsUsdPerTon = options.starsUsdPerTon ?? DEFAULT_STARS_USD_PER_TON;
  const script = new CatalogScript(options.script ?? [], { has: (id) => offers.has(id), apply: (id, change) => offers.change(id, change) }, options.scriptEveryMs);

  const server = await startJsonServer(options, (exchange) => {
    if (exchange.method === 'POST' && exchange.path === '/_simulator/script/step') {
      if (options.token !== undefined && exchange.authorization !== options.token) return exchange.send(error('INVALID_TOKEN', 'Invalid authorization token'));
      return exchange.send(ok(script.step()));
    }
    const route = ROUTES[`${exchange.method} ${exchange.path}`];
    if (!route) return exchange.send(error('NOT_FOUND', `No route ${exchange.method} ${exchange.path}`));
    calls[route] += 1;
    if (options.token !== undefined && exchange.authorization !== options.token) {
      return exchange.send(error('INVALID_TOKEN', 'Invalid authorization token'));
    }
    if (route === 'balance') return handleBalance(exchange);
    if (route === 'findOne') return handleFindOne(exchange);
    if (route === 'createOrder') return handleCreateOrder(exchange);
    if (route === 'sync') return handleSync(exchange);
    if (route === 'servers') return handleServers(exchange);
    return handleOrderStatus(exchange);
  });

  function handleBalance(exchange: Exchange): void {
    answer(exchange, faults.for(undefined), () =>
      ok<BalanceResponse>({
        balance: options.balance ?? 10_000, draftBalance: 0, currency: { id: 3, code: 'USD' },
        shopId: 1, shopName: 'Simulated shop', partnerId: 1, isPostpaid: false, balanceProfile: 'FIAT',
      }),
    );
  }

  function handleFindOne(exchange: Exchange): void {
    const request = validRequest(exchange, FindOneRequest);
    if (!request) return;
    answer(exchange, faults.for(request.offerId), () => {
      const stars = starsAmountOf(request.offerId);
      if (stars !== undefined) return ok(starsOfferToWire(stars, starsQuote(stars, starsUsdPerTon)));
      const offer = typeof request.offerId === 'number' ? offers.get(request.offerId) : undefined;
      return offer ? ok(offerToWire(offer, request.countryCode)) : error('OFFER_NOT_FOUND', 'Offer not found');
    });
  }

  /** The catalog by page, in offerId order; `count` is every match, on every page (past the end too). */
  function handleSync(exchange: Exchange): void {
    // Clients send {} or nothing at all for "everything, first page".
    const request = exchange.body === undefined ? {} : validRequest(exchange, SimulatedSyncRequest);
    if (!request) return;
    answer(exchange, faults.for(undefined), () => {
      const limit = request.limit ?? SYNC_MAX_LIMIT;
      const page = offers.page({ category: request.category, search: request.search }, ((request.page ?? 1) - 1) * limit, limit);
      return ok({ count: page.count, rows: page.offers.map((offer) => syncRowToWire(offer, request.countryCode)) });
    });
  }

  function handleServers(exchange: Exchange): void {
    const request = validRequest(exchange, ServersRequest);
    if (!request) return;
    answer(exchange, faults.for(request.offerId), () => {
      const offer = offers.get(request.offerId);
      return offer ? ok(offer.servers) : error('OFFER_NOT_FOUND', 'Offer not found');
    });
  }

  function handleCreateOrder(exchange: Exchange): void {
    const request = validRequest(exchange, CreateOrderRequest);
    if (!request) return;
    const fault = faults.for(request.offerId);
    answer(exchange, fault, () => {
      const existing = byTransaction.get(request.transactionId);
      if (existing !== undefined) return error('TRANSACTION_DUPLICATE', 'Transaction duplicate', { orderId: existing });
      if (typeof request.offerId === 'string') return createStarsOrder(request, fault);
      const offer = offers.get(request.offerId);
      if (!offer) return error('OFFER_NOT_FOUND', 'Offer not found');
      if (countryCompatibility(offer, request.countryCode) === 'blocked') return error('COUNTRY_NOT_ALLOWED', 'The offer is not sold to this country');
      if (fault?.kind === 'wrong-price' || !samePrice(request.price, offer.price)) return error('WRONG_PRICE', 'Wrong offer price');

      const order: Order = {
        orderId: nextOrderId++,
        transactionId: request.transactionId,
        offerId: offer.offerId,
        productName: offer.productName,
        offerName: offer.offerName,
        price: offer.price,
        currency: offer.currency,
        status: 'COMPLETED',
        key: undefined,
        message: undefined,
        fulfillmentData: undefined,
        createdAt: new Date(),
        script: undefined,
        stars: undefined,
      };
      // The cancel script needs no key; every other path sells one (or is out of stock).
      const key = fault?.kind === 'out-of-stock' || fault?.kind === 'processing-then-cancel' ? undefined : offer.stock.take();
      if (fault?.kind === 'processing-then-cancel') {
        order.status = 'PROCESSING';
        order.script = { then: 'CANCELED', remaining: fault.afterStatusCalls, key: undefined };
      } else if (key === undefined) {
        order.status = 'CANCELED';
        order.message = 'Out of stock';
      } else if (fault?.kind === 'processing-then-complete') {
        order.status = 'PROCESSING';
        order.script = { then: 'COMPLETED', remaining: fault.afterStatusCalls, key };
      } else {
        order.key = key;
      }
      return record(order);
    });
  }

  /** Telegram Stars: the quote within its tolerance, a numeric Telegram user id, the delivery at once (or scripted). */
  function createStarsOrder(request: Static<typeof CreateOrderRequest>, fault: GamesDropFault | undefined): Answer {
    const amount = starsAmountOf(request.offerId);
    if (amount === undefined) return error('OFFER_NOT_FOUND', 'Offer not found');
    const gameUserId = request.customer?.gameUserId;
    if (!isTelegramUserId(gameUserId)) {
      return error('INVALID_REQUEST_BODY', 'customer.gameUserId: a numeric Telegram user id is required', { field: 'customer.gameUserId' });
    }
    const quote = starsQuote(amount, starsUsdPerTon);
    if (fault?.kind === 'wrong-price' || !withinTolerance(request.price, quote)) return error('WRONG_PRICE', 'Wrong offer price');
    const telegramUserId = Number(gameUserId);
    const order: Order = {
      orderId: nextOrderId++,
      transactionId: request.transactionId,
      offerId: request.offerId,
      productName: 'Telegram Stars',
      offerName: `${amount} Stars`,
      price: quote,
      currency: 'USD',
      status: 'COMPLETED',
      key: undefined,
      message: undefined,
      fulfillmentData: completedDelivery(telegramUserId, amount),
      createdAt: new Date(),
      script: undefined,
      stars: { telegramUserId, amount },
    };
    if (fault?.kind === 'stars-delivery-failed') {
      order.status = 'CANCELED';
      order.message = `Failed to deliver Stars: ${fault.error}`;
      order.fulfillmentData = failedDelivery(telegramUserId, amount, fault.error);
    } else if (fault?.kind === 'processing-then-complete' || fault?.kind === 'processing-then-cancel') {
      order.status = 'PROCESSING';
      order.fulfillmentData = undefined;
      order.script = { then: fault.kind === 'processing-then-complete' ? 'COMPLETED' : 'CANCELED', remaining: fault.afterStatusCalls, key: undefined };
    }
    return record(order);
  }

  function record(order: Order): Answer {
    orders.set(order.orderId, order);
    byTransaction.set(order.transactionId, order.orderId);
    return ok(orderToWire(order));
  }

  function handleOrderStatus(exchange: Exchange): void {
    const request = validRequest(exchange, OrderStatusRequest);
    if (!request) return;
    if ((request.orderId === undefined) === (request.transactionId === undefined)) {
      return exchange.send(error('INVALID_REQUEST_BODY', 'orderId: send either orderId or transactionId', { field: 'orderId' }));
    }
    const find = () => orders.get(request.orderId ?? byTransaction.get(request.transactionId!) ?? -1);
    answer(exchange, faults.for(find()?.offerId), () => {
      const order = find();
      if (!order) return error('ORDER_NOT_FOUND', 'Order not found');
      if (order.script) advance(order);
      return ok(orderToWire(order));
    });
  }

  function answer(exchange: Exchange, fault: GamesDropFault | undefined, produce: () => Answer): void {
    if (fault?.kind === 'service-unavailable') return exchange.send(error('SERVICE_UNAVAILABLE', 'Service temporarily unavailable'));
    answerThrough(server, exchange, fault, produce);
  }

  return {
    url: server.url,
    calls,
    setFault(target, fault) {
      if (target !== 'all' && !offers.has(target)) throw new TypeError(`setFault: no offer ${target} in this simulator`);
      if (fault !== null) assertFault(fault, GAMESDROP_FAULT_KINDS);
      faults.set(target, fault);
    },
    clearFaults: () => faults.clear(),
    orders: () => [...orders.values()].map(({ script: _script, stars: _stars, ...record }) => ({ ...record })),
    changeOffer: (offerId, change) => offers.change(offerId, change),
    setStarsRate(usdPerTon) {
      if (!(usdPerTon > 0)) throw new TypeError('setStarsRate: the rate must be positive');
      starsUsdPerTon = usdPerTon;
    },
    catalog: () => Array.from(offers.all(), ({ stock, ...offer }) => ({ ...offer, keysLeft: stock.remaining })),
    step: () => script.step(),
    stop() {
      script.stop();
      return server.stop();
    },
  };
}

/** One order-status call on a scripted order: still PROCESSING, or now final. */
function advance(order: Order): void {
  const script = order.script!;
  if (script.remaining > 0) {
    script.remaining -= 1;
    return;
  }
  order.status = script.then;
  if (script.then === 'COMPLETED') order.key = script.key;
  else order.message = order.stars ? 'Failed to deliver Stars: canceled by the supplier' : 'Canceled by the supplier';
  if (order.stars) {
    const { telegramUserId, amount } = order.stars;
    order.fulfillmentData = script.then === 'COMPLETED' ? completedDelivery(telegramUserId, amount) : failedDelivery(telegramUserId, amount, 'canceled by the supplier');
  }
  order.script = undefined;
}

/** find-one of telegram_stars_<N>, as the spec's example answers it. */
function starsOfferToWire(amount: number, price: number) {
  return {
    offerId: `telegram_stars_${amount}`, productName: 'Telegram Stars', offerName: `${amount} Stars`, count: 1, price, currency: 'USD' as const, isReturnDataForCustomer: true,
  };
}

function offerToWire(offer: GamesDropOffer, countryCode: string | undefined): OfferResponse {
  return {
    offerId: offer.offerId,
    productName: offer.productName,
    offerName: offer.offerName,
    count: 1,
    price: offer.price,
    currency: offer.currency,
    isReturnDataForCustomer: true,
    ...catalogFields(offer, countryCode),
  };
}

/**
 * A catalog feed row as the live service sends it, with the contract's names: no `available` or
 * `updatedAt` (the hub's incremental sync; this upstream always answers the whole catalog).
 */
function syncRowToWire(offer: GamesDropOffer, countryCode: string | undefined): Omit<SyncRow, 'available' | 'updatedAt'> {
  return {
    offerId: offer.offerId,
    offerGroupName: offer.offerName,
    offerName: offer.offerName,
    productId: offer.productId,
    productName: offer.productName,
    category: offer.category,
    count: 1,
    price: offer.price,
    currency: offer.currency,
    isReturnDataForCustomer: true,
    ...catalogFields(offer, countryCode),
  };
}

/** What find-one and a sync row both say of an offer beyond its name and price. */
function catalogFields(offer: GamesDropOffer, countryCode: string | undefined) {
  return {
    offerGroupId: offer.offerId,
    isRequiredGameUserId: false,
    isRequiredGameServerId: Object.keys(offer.servers).length > 0,
    inStock: offer.stock.remaining > 0,
    platformCode: offer.platformCode,
    platformName: offer.platformName,
    regionCode: offer.regionCode,
    regionName: offer.regionName,
    regionalLimitations: offer.regionalLimitations,
    excludedCountryCodes: [...offer.excludedCountryCodes],
    countryCompatibility: countryCompatibility(offer, countryCode),
    priceBreakdown: {
      providerPrice: offer.price, providerCurrency: offer.currency, addedPercent: 0, fxRate: 1, price: offer.price, currency: offer.currency,
      isPriceFresh: true, debitAmount: null, debitCurrency: 'USD' as const, debitFxRate: null,
    },
  };
}

function countryCompatibility(offer: GamesDropOffer, countryCode: string | undefined): CountryCompatibility {
  if (countryCode === undefined) return 'not_checked';
  return offer.excludedCountryCodes.includes(countryCode.toUpperCase()) ? 'blocked' : 'allowed';
}

/** The live service's order shape: no transactionId echo, createdAt as "2024-05-28 10:08:04.296+00". */
function orderToWire(order: Order) {
  return {
    orderId: order.orderId,
    count: 1,
    price: order.price,
    currency: order.currency,
    offerId: order.offerId,
    productName: order.productName,
    offerName: order.offerName,
    status: order.status,
    isReturnDataForCustomer: true,
    ...(order.key !== undefined && { key: order.key }),
    ...(order.message !== undefined && { message: order.message }),
    ...(order.fulfillmentData !== undefined && { fulfillmentData: order.fulfillmentData }),
    createdAt: order.createdAt.toISOString().replace('T', ' ').replace('Z', '+00'),
  };
}

function ok<T>(body: T): Answer {
  return { status: 200, json: body };
}

function error(code: ErrorCode, message: string, details: Record<string, unknown> = {}): Answer {
  return { status: ERROR_STATUS[code], json: { error: { code, message, ...details } } };
}

/** The body as the contract's request type, or a 400 INVALID_REQUEST_BODY already sent. */
function validRequest<T extends TSchema>(exchange: Exchange, schema: T): Static<T> | undefined {
  const checked = checkBody(schema, exchange.body);
  if (checked.ok) return checked.value;
  exchange.send(error('INVALID_REQUEST_BODY', checked.problem, { field: checked.field }));
  return undefined;
}
