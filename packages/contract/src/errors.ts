/**
 * Every error Dropgate answers, with its stable code and HTTP status.
 * The Partner API codes are the spec's table verbatim; the operator API adds a few of its own.
 * Body shape, everywhere: {"error": {"code": "...", "message": "...", ...details}}.
 */
import { Type } from '@sinclair/typebox';

export const ERROR_STATUS = {
  // Partner API v1 (spec table)
  INVALID_TOKEN: 401,
  OFFER_NOT_FOUND: 404,
  TRANSACTION_DUPLICATE: 409,
  WRONG_PRICE: 409,
  ORDER_NOT_FOUND: 404,
  ORDER_NOT_PROCESSING: 409,
  ORDER_NOT_COMPLETED: 409,
  ORDER_ALREADY_CANCELED: 409,
  ORDER_ALREADY_REFUNDED: 409,
  /** Extension: cancel-order on an order already sent to a supplier. */
  ORDER_IN_PROGRESS: 409,
  /** Extension: create-order with a countryCode the offer is not sold to. */
  COUNTRY_NOT_ALLOWED: 403,
  /** Extension: the shop's calls are limited to the operator's IP allowlist, and this address is not on it. */
  IP_NOT_ALLOWED: 403,
  /** Extension: the shop's rate limit for the current window is used up (Retry-After says when it renews). */
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  INVALID_REQUEST_BODY: 400,
  INSUFFICIENT_BALANCE: 402,
  BALANCE_UNAVAILABLE: 503,
  // Operator API
  MERCHANT_NOT_FOUND: 404,
  SHOP_NOT_FOUND: 404,
  SUPPLIER_NOT_FOUND: 404,
  PRODUCT_NOT_FOUND: 404,
  NOT_FOUND: 404,
  // Back-office (console and cabinet)
  SIGN_IN_FAILED: 401,
  SESSION_REQUIRED: 401,
  CSRF_TOKEN_INVALID: 403,
  FORBIDDEN: 403,
  TOO_MANY_ATTEMPTS: 429,
  USER_NOT_FOUND: 404,
  EMAIL_TAKEN: 409,
  KEY_NOT_FOUND: 404,
  // Operator team: accounts, API keys, two-factor sign-in
  TWO_FACTOR_REQUIRED: 401,
  TWO_FACTOR_SETUP_REQUIRED: 403,
  TWO_FACTOR_ALREADY_ON: 409,
  TWO_FACTOR_NOT_ON: 409,
  API_KEY_NOT_FOUND: 404,
  /** A webhook endpoint (or one of its deliveries) that does not exist, or is another merchant's. */
  WEBHOOK_NOT_FOUND: 404,
  /** Operator API: upstream catalog syncs. */
  CATALOG_NOT_AVAILABLE: 409,
  SYNC_RUNNING: 409,
  SYNC_NOT_FOUND: 404,
  SYNC_NOT_HELD: 409,
  /** Operator API: stored pricing rules. */
  PRICING_RULE_NOT_FOUND: 404,
  PRICING_RULE_EXISTS: 409,
  /** Operator API: an online backup exists only for the embedded database. */
  BACKUP_NOT_AVAILABLE: 409,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

export interface ErrorBody {
  error: { code: ErrorCode; message: string; [detail: string]: unknown };
}

/** The error body as a schema: the details beyond code and message pass through as they are. */
export const ErrorResponse = Type.Object({
  error: Type.Object(
    { code: Type.String(), message: Type.String(), field: Type.Optional(Type.String()), orderId: Type.Optional(Type.Integer()) },
    { additionalProperties: true },
  ),
}, { title: 'ErrorResponse' });

/** Every route's error answers: one shape for every 4xx and 5xx, from the one error handler. */
export const ErrorResponses = { '4xx': ErrorResponse, '5xx': ErrorResponse } as const;
