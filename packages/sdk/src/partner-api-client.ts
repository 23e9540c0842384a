/**
 * A typed client of the Partner API v1: Dropgate's merchant API, and any GamesDrop-compatible
 * hub (which is how Dropgate uses another hub as a supplier). Every answer is checked against
 * the contract's schema; see errors.ts for what a failure means.
 */
import {
  BalanceResponse,
  CheckGameDataResponse,
  ErrorResponse,
  ERROR_STATUS,
  OfferResponse,
  OrderResponse,
  RefundRequestResponse,
  ServersResponse,
  SYNC_MAX_LIMIT,
  SyncResponse,
  SyncRow,
  TransactionsResponse,
  type CreateOrderRequest,
  type CheckGameDataRequest,
  type ErrorCode,
  type FindOneRequest,
  type SyncRequest,
  type TransactionsQuery,
} from '@dropgate/contract';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { CatalogChangedError, PartnerApiError } from './errors.ts';
import { expectBody, HttpClient, isSuccess, unexpectedStatus, type HttpAnswer } from './http.ts';

export interface PartnerApiClientOptions {
  /** The server's origin (and path prefix, if any), e.g. `https://hub.example.com`. */
  baseUrl: string;
  /** The shop token, sent raw in Authorization as the spec says (no "Bearer"). */
  token: string;
  /** Per call, covering connect, headers and body. Default 10 000 ms. */
  timeoutMs?: number;
}

/**
 * The order as answered. `transactionId` is a Dropgate extension: a plain GamesDrop server does
 * not echo it, so it is optional here and the client works against both.
 */
export const OrderAnswer = Type.Object({
  ...OrderResponse.properties,
  transactionId: Type.Optional(OrderResponse.properties.transactionId),
});
export type Order = Static<typeof OrderAnswer>;

/** The spec's fields required, the others as the server sends them (a plain GamesDrop server may not). */
const SPEC_OFFER_FIELDS = ['offerId', 'productName', 'offerName', 'count', 'price', 'currency', 'isReturnDataForCustomer'] as const;
const SPEC_BALANCE_FIELDS = ['balance', 'draftBalance', 'currency'] as const;

/**
 * find-one as answered. The live service's catalog fields (inStock, priceBreakdown, …) are
 * Dropgate's always; another GamesDrop server may leave them out, so only the spec's are required.
 */
export const OfferAnswer = Type.Composite([Type.Pick(OfferResponse, SPEC_OFFER_FIELDS), Type.Partial(Type.Omit(OfferResponse, SPEC_OFFER_FIELDS))]);
export type Offer = Static<typeof OfferAnswer>;
/** The balance as answered: the spec's fields required, the live service's (shopId, …) when sent. */
export const BalanceAnswer = Type.Composite([Type.Pick(BalanceResponse, SPEC_BALANCE_FIELDS), Type.Partial(Type.Omit(BalanceResponse, SPEC_BALANCE_FIELDS))]);
export type Balance = Static<typeof BalanceAnswer>;
export type Transactions = TransactionsResponse;
export type PlayerCheck = CheckGameDataResponse;
export type RefundRequested = Static<typeof RefundRequestResponse>;
export type Servers = ServersResponse;

/**
 * The fields of a sync row that the live service's recorded answers carry: required. The rest of
 * the contract's row (Dropgate's extensions among them: category, count, available, updatedAt)
 * may be absent from a plain GamesDrop server, so the client reads both.
 */
const LIVE_SYNC_FIELDS = [
  'offerId', 'offerGroupId', 'offerGroupName', 'productId', 'productName', 'price', 'currency', 'inStock', 'isRequiredGameUserId', 'isRequiredGameServerId',
] as const;
export const SyncRowAnswer = Type.Composite([Type.Pick(SyncRow, LIVE_SYNC_FIELDS), Type.Partial(Type.Omit(SyncRow, LIVE_SYNC_FIELDS))]);
export const SyncAnswer = Type.Object({ count: SyncResponse.properties.count, rows: Type.Array(SyncRowAnswer) });
/** One offer of the catalog feed, as answered. */
export type SyncOffer = Static<typeof SyncRowAnswer>;
/** One page of the catalog feed: its rows and how many match the filters in all. */
export type SyncPage = Static<typeof SyncAnswer>;
/** syncAll's filters: every page but `page` itself. */
export type SyncAllQuery = Omit<SyncRequest, 'page'>;

/** A page of 1,000 full rows is about 1 MB, past the transport's default limit. */
const SYNC_MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Order-status looks an order up by `orderId`, or (Dropgate extension) by your `transactionId`. */
export type OrderLookup = { orderId: number; transactionId?: never } | { transactionId: string; orderId?: never };

export class PartnerApiClient {
  readonly #http: HttpClient;

  constructor({ baseUrl, token, timeoutMs = 10_000 }: PartnerApiClientOptions) {
    if (!baseUrl) throw new TypeError('PartnerApiClient: baseUrl is required');
    // An empty token is not refused here: the server answers INVALID_TOKEN, which callers handle anyway.
    if (typeof token !== 'string') throw new TypeError('PartnerApiClient: token must be a string');
    if (!(timeoutMs > 0)) throw new TypeError('PartnerApiClient: timeoutMs must be positive');
    this.#http = new HttpClient({ baseUrl, authorization: token, timeoutMs });
  }

  /** GET /api/v1/balance: balance and draftBalance (held by orders in flight), in USD. */
  balance(): Promise<Balance> {
    return this.#call('GET', '/api/v1/balance', BalanceAnswer);
  }

  /** GET /api/v1/balance/transactions: ledger entries, newest first. */
  transactions(query: TransactionsQuery = {}): Promise<Transactions> {
    const params = new URLSearchParams();
    if (query.page !== undefined) params.set('page', String(query.page));
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    const suffix = params.size > 0 ? `?${params}` : '';
    return this.#call('GET', `/api/v1/balance/transactions${suffix}`, TransactionsResponse);
  }

  /** POST /api/v1/offers/find-one. An offer you may not buy is PartnerApiError OFFER_NOT_FOUND. */
  findOne(offerId: FindOneRequest['offerId']): Promise<Offer> {
    return this.#call('POST', '/api/v1/offers/find-one', OfferAnswer, { offerId });
  }

  /**
   * POST /api/v1/offers/create-order. A CANCELED order (e.g. out of stock) is an answer, not an
   * error. A repeated transactionId is PartnerApiError TRANSACTION_DUPLICATE with
   * `details.orderId`. After a TransportError, look the order up by transactionId before retrying.
   */
  createOrder(order: CreateOrderRequest): Promise<Order> {
    return this.#call('POST', '/api/v1/offers/create-order', OrderAnswer, order);
  }

  /** POST /api/v1/offers/order-status, by orderId or by transactionId (send exactly one). */
  orderStatus(lookup: OrderLookup): Promise<Order> {
    const body = lookup.orderId !== undefined ? { orderId: lookup.orderId } : { transactionId: lookup.transactionId };
    return this.#call('POST', '/api/v1/offers/order-status', OrderAnswer, body);
  }

  /** POST /api/v1/offers/check-game-data. `{status: 'INVALID'}` is an answer, not an error. */
  checkGameData(check: CheckGameDataRequest): Promise<PlayerCheck> {
    return this.#call('POST', '/api/v1/offers/check-game-data', CheckGameDataResponse, check);
  }

  /**
   * POST /api/v1/offers/sync: one page of the catalog this shop may buy (`limit` rows, default and
   * at most 1000), and `count`, how many match the filters on every page.
   */
  sync(request: SyncRequest = {}): Promise<SyncPage> {
    return this.#call('POST', '/api/v1/offers/sync', SyncAnswer, request, SYNC_MAX_BODY_BYTES);
  }

  /**
   * Every row of the catalog feed, page after page, until a short page (or the count is reached).
   * The pages must add up: the same count on each, no offer twice, exactly `count` rows in all;
   * otherwise the catalog changed while it was read (offset paging then skips or repeats rows) and
   * the iteration ends in CatalogChangedError, after the rows already yielded: read it again.
   */
  async *syncAll(query: SyncAllQuery = {}): AsyncGenerator<SyncOffer, void, undefined> {
    const limit = query.limit ?? SYNC_MAX_LIMIT;
    const seen = new Set<SyncOffer['offerId']>();
    let expected: number | undefined;
    let page = 0;
    while (seen.size !== expected) {
      page += 1;
      const { count, rows } = await this.sync({ ...query, limit, page });
      expected ??= count;
      if (count !== expected) throw new CatalogChangedError(page, `page ${page} counts ${count} offers, page 1 counted ${expected}`);
      for (const row of rows) {
        if (seen.has(row.offerId)) throw new CatalogChangedError(page, `offer ${row.offerId} is on two pages`);
        seen.add(row.offerId);
      }
      if (seen.size > expected) throw new CatalogChangedError(page, `${seen.size} offers received, more than the ${expected} counted`);
      yield* rows;
      if (rows.length < limit) break;
    }
    if (seen.size !== expected) throw new CatalogChangedError(page, `${seen.size} offers received, ${expected} counted`);
  }

  /** POST /api/v1/partner/product-offer/servers: an offer's game servers, id to name (`{}`: none). */
  servers(offerId: number): Promise<Servers> {
    return this.#call('POST', '/api/v1/partner/product-offer/servers', ServersResponse, { offerId });
  }

  /** POST /api/v1/offers/cancel-order (Dropgate extension): cancels an order in flight, refunded. */
  cancelOrder(orderId: number, reason?: string): Promise<Order> {
    return this.#call('POST', '/api/v1/offers/cancel-order', OrderAnswer, withReason(orderId, reason));
  }

  /** POST /api/v1/offers/refund-request (Dropgate extension): asks the operator to refund a COMPLETED order. */
  refundRequest(orderId: number, reason?: string): Promise<RefundRequested> {
    return this.#call('POST', '/api/v1/offers/refund-request', RefundRequestResponse, withReason(orderId, reason));
  }

  async #call<T extends TSchema>(method: 'GET' | 'POST', path: string, schema: T, body?: unknown, maxBodyBytes?: number): Promise<Static<T>> {
    const answer = await this.#http.send({ method, path, body, ...(maxBodyBytes !== undefined && { maxBodyBytes }) });
    if (isSuccess(answer)) return expectBody(schema, answer);
    throw errorAnswer(answer) ?? unexpectedStatus(answer, 'no error in the Partner API shape with a known code');
  }
}

function withReason(orderId: number, reason: string | undefined) {
  return reason === undefined ? { orderId } : { orderId, reason };
}

/** A 4xx/5xx body in the spec's error shape with a code we know, else undefined. */
function errorAnswer(answer: HttpAnswer): PartnerApiError | undefined {
  if (answer.status < 400) return undefined; // a redirect is never an answer
  if (!Value.Check(ErrorResponse, answer.body)) return undefined;
  const { code, message, ...details } = answer.body.error;
  if (!isErrorCode(code)) return undefined;
  return new PartnerApiError(code, answer.status, message, details);
}

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_STATUS, code);
}
