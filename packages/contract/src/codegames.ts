/**
 * CodeGames API-HUB wire schemas (check / pay / status), field names and types exactly as the
 * spec writes them (`specs/codegames-api-hub.ru.md`). The spec has no error shape: every outcome
 * is a `status` string in a JSON body, and a 5xx or a timeout means "unknown, ask `status`".
 *
 * Requests are strict (a typo must not pass silently); responses accept extra fields, so an
 * upstream that adds a field does not turn a good answer into an unknown outcome.
 */
import { Type, type Static } from '@sinclair/typebox';

/** `long` in the spec; ids beyond 2^53 would lose precision in JSON.parse, so they are refused. */
export const CodeGamesProductId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Product id in CodeGames (long)' });
/** `double` in the spec, e.g. 50000.0. */
export const CodeGamesPrice = Type.Number({ minimum: 0, description: 'double, e.g. 50000.0' });
export const CodeGamesTxnId = Type.String({ minLength: 1, maxLength: 128, description: "The payer's transaction id (Wooppay's in the spec)" });

/** Every status the spec names. Which ones each call answers is listed on its response. */
export const CODEGAMES_STATUSES = [
  'OK',
  'PRODUCT_NOT_FOUND',
  'PRODUCT_OUT_OF_STOCK',
  'TXN_DUPLICATE',
  'WRONG_PRICE',
  'TXN_NOT_FOUND',
  'TXN_CANCELED',
  /** Dropgate extension: the buyer's prepaid balance does not cover the partner price; nothing was paid. */
  'INSUFFICIENT_BALANCE',
] as const;
export const CodeGamesStatus = Type.Union(CODEGAMES_STATUSES.map((s) => Type.Literal(s)));
export type CodeGamesStatus = Static<typeof CodeGamesStatus>;

/** `addInfo`: optional free-form fields describing the product. */
const AddInfo = Type.Record(Type.String(), Type.Unknown());
/** Requests ignore fields they do not name (payment systems add their own); named fields stay strictly typed. */
const Open = { additionalProperties: true } as const;

// ---- requests ----
export const CodeGamesCheckRequest = Type.Object({ product_id: CodeGamesProductId }, { ...Open, title: 'CodeGamesCheckRequest' });
export type CodeGamesCheckRequest = Static<typeof CodeGamesCheckRequest>;

export const CodeGamesPayRequest = Type.Object(
  { product_id: CodeGamesProductId, price: CodeGamesPrice, txn_id: CodeGamesTxnId },
  { ...Open, title: 'CodeGamesPayRequest' },
);
export type CodeGamesPayRequest = Static<typeof CodeGamesPayRequest>;

export const CodeGamesStatusRequest = Type.Object({ txn_id: CodeGamesTxnId }, { ...Open, title: 'CodeGamesStatusRequest' });
export type CodeGamesStatusRequest = Static<typeof CodeGamesStatusRequest>;

// ---- products ----
/** The product in a check answer: what it costs the client and the partner. */
export const CodeGamesCheckProduct = Type.Object({
  id: CodeGamesProductId,
  name: Type.String(),
  shortDescription: Type.Optional(Type.String()),
  price: Type.Number({ description: 'Price for the client' }),
  partner_price: Type.Number({ description: 'Price for the partner: price without the commission' }),
  addInfo: Type.Optional(AddInfo),
}, { title: 'CodeGamesCheckProduct' });
export type CodeGamesCheckProduct = Static<typeof CodeGamesCheckProduct>;

/**
 * The product in a pay (or status) answer, carrying the key. The spec's table marks `price` as
 * required but its own example omits it, so it is optional here.
 */
export const CodeGamesPaidProduct = Type.Object({
  id: CodeGamesProductId,
  name: Type.String(),
  shortDescription: Type.Optional(Type.String()),
  price: Type.Optional(Type.Number()),
  productKey: Type.String({ description: 'The key delivered to the buyer' }),
  addInfo: Type.Optional(AddInfo),
}, { title: 'CodeGamesPaidProduct' });
export type CodeGamesPaidProduct = Static<typeof CodeGamesPaidProduct>;

// ---- responses ----
/** check: OK with the product, or PRODUCT_NOT_FOUND / PRODUCT_OUT_OF_STOCK. */
export const CodeGamesCheckResponse = Type.Object({
  status: CodeGamesStatus,
  comment: Type.Optional(Type.String()),
  product: Type.Optional(CodeGamesCheckProduct),
}, { title: 'CodeGamesCheckResponse' });
export type CodeGamesCheckResponse = Static<typeof CodeGamesCheckResponse>;

/**
 * pay: OK (with `partner_txn_id`, and the product with its key), or TXN_DUPLICATE, WRONG_PRICE,
 * PRODUCT_NOT_FOUND, PRODUCT_OUT_OF_STOCK. The spec's table marks `partner_txn_id` as required,
 * yet its refusal examples carry none: so it is required when the status is OK, and optional on
 * a refusal. An OK without `product` is valid (the spec makes it optional): the key must then be
 * fetched with `status`.
 */
export const CodeGamesPayOk = Type.Object({
  partner_txn_id: Type.String({ minLength: 1 }),
  status: Type.Literal('OK'),
  comment: Type.Optional(Type.String()),
  product: Type.Optional(CodeGamesPaidProduct),
}, { title: 'CodeGamesPayOk' });
export const CodeGamesPayRefused = Type.Object({
  partner_txn_id: Type.Optional(Type.String()),
  status: Type.Union(CODEGAMES_STATUSES.filter((s) => s !== 'OK').map((s) => Type.Literal(s))),
  comment: Type.Optional(Type.String()),
  product: Type.Optional(CodeGamesPaidProduct),
}, { title: 'CodeGamesPayRefused' });
export const CodeGamesPayResponse = Type.Union([CodeGamesPayOk, CodeGamesPayRefused], { title: 'CodeGamesPayResponse' });
export type CodeGamesPayResponse = Static<typeof CodeGamesPayResponse>;

/**
 * status: OK (the payment went through), TXN_NOT_FOUND or TXN_CANCELED. The spec's OK example has
 * no product; an OK that carries one (with `productKey`) is how a key is recovered after an
 * unknown pay outcome.
 */
export const CodeGamesStatusResponse = Type.Object({
  partner_txn_id: Type.Optional(Type.String()),
  status: CodeGamesStatus,
  comment: Type.Optional(Type.String()),
  product: Type.Optional(CodeGamesPaidProduct),
}, { title: 'CodeGamesStatusResponse' });
export type CodeGamesStatusResponse = Static<typeof CodeGamesStatusResponse>;

/**
 * What every CodeGames call answers with an HTTP error status (bad request 400, bad token 401,
 * an outage or a payment still in progress 503): the protocol has no error object, only
 * {status, comment}; PENDING carries the partner_txn_id to check later.
 */
export const CodeGamesErrorResponse = Type.Object({
  status: Type.String(),
  comment: Type.String(),
  partner_txn_id: Type.Optional(Type.String()),
}, { title: 'CodeGamesErrorResponse' });
export type CodeGamesErrorResponse = Static<typeof CodeGamesErrorResponse>;
export const CodeGamesErrorResponses = { '4xx': CodeGamesErrorResponse, '5xx': CodeGamesErrorResponse } as const;
