/**
 * The two ways a call can fail. The split is the point: a PartnerApiError is an answer (the server
 * understood the request and said no, in the spec's error shape), a TransportError means we do
 * not know what the server did. Supplier adapters classify on exactly this line, so it must never
 * blur: anything we cannot read as a well-formed answer is a TransportError.
 */
import type { ErrorCode } from '@dropgate/contract';

/** A Partner API error answer: `{"error": {"code", "message", ...details}}` with a known code. */
export class PartnerApiError extends Error {
  override readonly name = 'PartnerApiError';
  readonly code: ErrorCode;
  readonly httpStatus: number;
  /** Everything in `error` besides code and message, e.g. `orderId` of TRANSACTION_DUPLICATE, `field`. */
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, httpStatus: number, message: string, details: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.httpStatus = httpStatus;
    this.details = details;
  }
}

/**
 * - `timeout`: no complete answer within `timeoutMs` (the request may have been processed).
 * - `network`: the connection failed (refused, reset, DNS...); see `cause`.
 * - `http-status`: a status that is not a readable answer: any 5xx or 4xx without the error shape
 *   (Partner API), any non-2xx (CodeGames, which has no error shape), a redirect.
 * - `bad-body`: a 2xx whose body is not JSON, or JSON that does not match the schema (including
 *   an unknown status or error code), or a body over the size limit.
 */
export type TransportErrorKind = 'timeout' | 'network' | 'http-status' | 'bad-body';

export class TransportError extends Error {
  override readonly name = 'TransportError';
  readonly kind: TransportErrorKind;
  /** The HTTP status, when a response arrived. */
  readonly httpStatus: number | undefined;
  /** The start of the response body, with key values redacted, for logs and diagnosis. */
  readonly body: string | undefined;
  /** Which call failed, e.g. `POST /pay` (never the token). */
  readonly operation: string;

  constructor(
    kind: TransportErrorKind,
    operation: string,
    message: string,
    extra: { httpStatus?: number; body?: string; cause?: unknown } = {},
  ) {
    super(`${operation}: ${message}`, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.kind = kind;
    this.operation = operation;
    this.httpStatus = extra.httpStatus;
    this.body = extra.body;
  }
}

/** The stars provider refused a transfer in its error shape: nothing was sent. */
export class StarsProviderError extends Error {
  override readonly name = 'StarsProviderError';
  readonly code: string;
  readonly httpStatus: number;
  /** Seconds to wait before trying again (429). */
  readonly retryAfterS: number | undefined;

  constructor(code: string, httpStatus: number, message: string, retryAfterS: number | undefined) {
    super(message);
    this.code = code;
    this.httpStatus = httpStatus;
    this.retryAfterS = retryAfterS;
  }
}

/**
 * The catalog feed's pages did not add up while `syncAll` read them: a page counted another total
 * than the first, an offer came twice, or the rows did not make the count. Each answer was fine;
 * the catalog changed in between (offset paging then skips or repeats rows). Read it again.
 */
export class CatalogChangedError extends Error {
  override readonly name = 'CatalogChangedError';
  /** The page where the pages stopped adding up. */
  readonly page: number;

  constructor(page: number, message: string) {
    super(`the catalog changed while it was read: ${message}`);
    this.page = page;
  }
}
