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
  TransactionsResponse,
  type CreateOrderRequest,
  type CheckGameDataRequest,
  type ErrorCode,
  type FindOneRequest,
  type TransactionsQuery,
} from '@dropgate/contract';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { PartnerApiError } from './errors.ts';
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
export type Offer = OfferResponse;
export type Balance = BalanceResponse;
export type Transactions = TransactionsResponse;
export type PlayerCheck = CheckGameDataResponse;
export type RefundRequested = Static<typeof RefundRequestResponse>;

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
    return this.#call('GET', '/api/v1/balance', BalanceResponse);
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
    return this.#call('POST', '/api/v1/offers/find-one', OfferResponse, { offerId });
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

  /** POST /api/v1/offers/cancel-order (Dropgate extension): cancels an order in flight, refunded. */
  cancelOrder(orderId: number, reason?: string): Promise<Order> {
    return this.#call('POST', '/api/v1/offers/cancel-order', OrderAnswer, withReason(orderId, reason));
  }

  /** POST /api/v1/offers/refund-request (Dropgate extension): asks the operator to refund a COMPLETED order. */
  refundRequest(orderId: number, reason?: string): Promise<RefundRequested> {
    return this.#call('POST', '/api/v1/offers/refund-request', RefundRequestResponse, withReason(orderId, reason));
  }

  async #call<T extends TSchema>(method: 'GET' | 'POST', path: string, schema: T, body?: unknown): Promise<Static<T>> {
    const answer = await this.#http.send({ method, path, body });
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
