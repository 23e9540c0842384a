/**
 * A typed client of the CodeGames API-HUB (check / pay / status). The protocol has no error
 * shape: every outcome is a `status` in a 2xx JSON body, returned as data. Anything else (a 5xx,
 * any non-2xx, a timeout, a body that is not a valid answer) is a TransportError: the spec's
 * "unknown outcome", after which a payment's fate is asked with `status`.
 */
import {
  CodeGamesCheckResponse,
  CodeGamesPayResponse,
  CodeGamesStatusResponse,
  type CodeGamesPayRequest,
} from '@dropgate/contract';
import type { Static, TSchema } from '@sinclair/typebox';
import { expectBody, HttpClient, isSuccess, unexpectedStatus } from './http.ts';

export interface CodeGamesClientOptions {
  /** The partner_url of the spec: requests go to `${baseUrl}/check`, `/pay`, `/status`. */
  baseUrl: string;
  /** Sent raw in Authorization when given (the spec leaves authentication to onboarding). */
  token?: string;
  /** Per call, covering connect, headers and body. Default 10 000 ms. */
  timeoutMs?: number;
}

export interface CodeGamesPayment {
  productId: number;
  price: number;
  txnId: string;
}

export class CodeGamesClient {
  readonly #http: HttpClient;

  constructor({ baseUrl, token, timeoutMs = 10_000 }: CodeGamesClientOptions) {
    if (!baseUrl) throw new TypeError('CodeGamesClient: baseUrl is required');
    if (!(timeoutMs > 0)) throw new TypeError('CodeGamesClient: timeoutMs must be positive');
    this.#http = new HttpClient({ baseUrl, authorization: token, timeoutMs });
  }

  /** POST /check: OK with the product (price, partner_price), PRODUCT_NOT_FOUND or PRODUCT_OUT_OF_STOCK. */
  check(productId: number): Promise<CodeGamesCheckResponse> {
    return this.#call('/check', CodeGamesCheckResponse, { product_id: productId });
  }

  /**
   * POST /pay: OK (with partner_txn_id, and usually the product with its productKey), or a refusal
   * (TXN_DUPLICATE, WRONG_PRICE, PRODUCT_NOT_FOUND, PRODUCT_OUT_OF_STOCK). A TransportError here
   * means the payment may have gone through: ask `status(txnId)`, never pay again with a new id.
   */
  pay({ productId, price, txnId }: CodeGamesPayment): Promise<CodeGamesPayResponse> {
    const body: CodeGamesPayRequest = { product_id: productId, price, txn_id: txnId };
    return this.#call('/pay', CodeGamesPayResponse, body);
  }

  /** POST /status: OK (maybe with the product and its key), TXN_NOT_FOUND or TXN_CANCELED. */
  status(txnId: string): Promise<CodeGamesStatusResponse> {
    return this.#call('/status', CodeGamesStatusResponse, { txn_id: txnId });
  }

  async #call<T extends TSchema>(path: string, schema: T, body: unknown): Promise<Static<T>> {
    const answer = await this.#http.send({ method: 'POST', path, body });
    if (isSuccess(answer)) return expectBody(schema, answer);
    throw unexpectedStatus(answer, 'CodeGames answers every outcome with a 2xx status body');
  }
}
