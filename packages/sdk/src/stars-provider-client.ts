/**
 * A typed client of the stars provider API (Dropgate's own definition, served by the simulator in
 * @dropgate/simulators): one idempotent call, POST /v1/transfers. A transfer's status is an
 * answer (completed, failed, pending); a refusal in the provider's error shape (nothing was sent)
 * is a StarsProviderError; anything else (timeout, 5xx, garbage) is a TransportError: unknown.
 */
import { StarsProviderErrorBody, StarsTransfer, type StarsTransferRequest } from '@dropgate/contract';
import { Value } from '@sinclair/typebox/value';
import { StarsProviderError } from './errors.ts';
import { expectBody, HttpClient, isSuccess, unexpectedStatus } from './http.ts';

export interface StarsProviderClientOptions {
  /** Requests go to `${baseUrl}/v1/transfers`. */
  baseUrl: string;
  /** Sent raw in Authorization when given. */
  token?: string;
  /** Per call, covering connect, headers and body. Default 10 000 ms. */
  timeoutMs?: number;
}

export class StarsProviderClient {
  readonly #http: HttpClient;

  constructor({ baseUrl, token, timeoutMs = 10_000 }: StarsProviderClientOptions) {
    if (!baseUrl) throw new TypeError('StarsProviderClient: baseUrl is required');
    if (!(timeoutMs > 0)) throw new TypeError('StarsProviderClient: timeoutMs must be positive');
    this.#http = new HttpClient({ baseUrl, authorization: token, timeoutMs });
  }

  /**
   * Sends `amount` stars to the user, once per `request_id`: repeating the call with the same
   * request_id answers the transfer already made (that is also how its status is asked).
   */
  async transfer(request: StarsTransferRequest): Promise<StarsTransfer> {
    const answer = await this.#http.send({ method: 'POST', path: '/v1/transfers', body: request });
    if (isSuccess(answer)) return expectBody(StarsTransfer, answer);
    const body = answer.body;
    if (answer.status >= 400 && answer.status < 500 && Value.Check(StarsProviderErrorBody, body)) {
      throw new StarsProviderError(body.error.code, answer.status, body.error.message, body.error.retry_after);
    }
    throw unexpectedStatus(answer, 'not a transfer, nor a refusal in the provider error shape');
  }
}
