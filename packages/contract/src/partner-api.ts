/**
 * Partner API v1 wire schemas (GamesDrop-compatible). Field names and types follow the spec
 * exactly; extensions are marked. One source for validation, serialisation, OpenAPI and types.
 */
import { Type, type Static } from '@sinclair/typebox';
import { StarsFulfillmentData, StarsOfferId } from './telegram.ts';

/** Money on the wire: a JSON number with at most two decimals (checked exactly at the edge). */
export const Money = Type.Number({ description: 'Amount with at most 2 decimals, e.g. 560.10' });

export const CURRENCIES = ['KZT', 'USD', 'EUR', 'RUB'] as const;
export const Currency = Type.Union(CURRENCIES.map((c) => Type.Literal(c)));
export type Currency = Static<typeof Currency>;

export const ORDER_STATUSES = ['SUBMITTED', 'PROCESSING', 'COMPLETED', 'CANCELED', 'REFUND'] as const;
export const OrderStatus = Type.Union(ORDER_STATUSES.map((s) => Type.Literal(s)));
export type OrderStatus = Static<typeof OrderStatus>;

export const OfferId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'A number, not a string' });
/**
 * find-one and create-order also sell Telegram Stars, whose ids are strings ("telegram_stars_100"):
 * the one exception to numeric ids. The number comes first, so "999" is still refused as
 * "must be a whole number, not a string".
 */
export const AnyOfferId = Type.Union([OfferId, StarsOfferId]);
export const OrderId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
export const TransactionId = Type.String({ minLength: 1, maxLength: 128, description: 'Your unique id for this purchase (idempotency key, unique per shop)' });

const Strict = { additionalProperties: false } as const;

// ---- requests ----
export const FindOneRequest = Type.Object({ offerId: AnyOfferId }, { ...Strict, title: 'FindOneRequest' });
export type FindOneRequest = Static<typeof FindOneRequest>;

export const Customer = Type.Object(
  {
    email: Type.Optional(Type.String({ maxLength: 254 })),
    gameUserId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    gameServerId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Extension: game server, for offers that need one' })),
  },
  { ...Strict, title: 'Customer' },
);

export const CreateOrderRequest = Type.Object(
  { offerId: AnyOfferId, price: Money, transactionId: TransactionId, customer: Type.Optional(Customer) },
  { ...Strict, title: 'CreateOrderRequest' },
);
export type CreateOrderRequest = Static<typeof CreateOrderRequest>;

export const OrderStatusRequest = Type.Object(
  {
    orderId: Type.Optional(OrderId),
    transactionId: Type.Optional({ ...TransactionId, description: 'Extension: look the order up by your transactionId instead of orderId' }),
  },
  { ...Strict, title: 'OrderStatusRequest' },
);
export type OrderStatusRequest = Static<typeof OrderStatusRequest>;

export const OrderActionRequest = Type.Object(
  { orderId: OrderId, reason: Type.Optional(Type.String({ maxLength: 500 })) },
  { ...Strict, title: 'OrderActionRequest' },
);
export type OrderActionRequest = Static<typeof OrderActionRequest>;

export const CheckGameDataRequest = Type.Object(
  {
    offerId: OfferId,
    gameUserId: Type.String({ minLength: 1, maxLength: 64 }),
    gameServerId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { ...Strict, title: 'CheckGameDataRequest' },
);
export type CheckGameDataRequest = Static<typeof CheckGameDataRequest>;

export const TransactionsQuery = Type.Object(
  {
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { ...Strict, title: 'TransactionsQuery' },
);
export type TransactionsQuery = Static<typeof TransactionsQuery>;

// ---- responses ----
export const BalanceResponse = Type.Object({
  balance: Type.Number(),
  draftBalance: Type.Number({ description: 'Sum of orders in SUBMITTED or PROCESSING' }),
  currency: Type.Object({ id: Type.Integer(), code: Type.Literal('USD') }),
}, { title: 'BalanceResponse' });
export type BalanceResponse = Static<typeof BalanceResponse>;

export const LedgerType = Type.Union([Type.Literal('DEPOSIT'), Type.Literal('PURCHASE'), Type.Literal('REFUND')]);
export const Transaction = Type.Object({
  id: Type.Integer(),
  amount: Type.Number({ description: 'Negative for debits' }),
  type: LedgerType,
  description: Type.String(),
  balanceAfter: Type.Number(),
  createdAt: Type.String({ description: 'ISO 8601, UTC, milliseconds' }),
}, { title: 'Transaction' });
export const TransactionsResponse = Type.Object({ transactions: Type.Array(Transaction), total: Type.Integer() }, { title: 'TransactionsResponse' });
export type TransactionsResponse = Static<typeof TransactionsResponse>;

export const OfferResponse = Type.Object({
  offerId: AnyOfferId,
  productName: Type.String(),
  offerName: Type.String(),
  count: Type.Integer(),
  price: Type.Number(),
  currency: Currency,
  isReturnDataForCustomer: Type.Boolean(),
}, { title: 'OfferResponse' });
export type OfferResponse = Static<typeof OfferResponse>;

export const OrderResponse = Type.Object({
  orderId: OrderId,
  transactionId: Type.String({ description: 'Extension: echoes your transactionId' }),
  count: Type.Integer(),
  price: Type.Number(),
  currency: Currency,
  offerId: AnyOfferId,
  productName: Type.String(),
  offerName: Type.String(),
  status: OrderStatus,
  isReturnDataForCustomer: Type.Boolean(),
  key: Type.Optional(Type.String({ description: 'Only when COMPLETED and isReturnDataForCustomer' })),
  message: Type.Optional(Type.String({ description: 'Why a CANCELED order was canceled' })),
  fulfillmentData: Type.Optional({ ...StarsFulfillmentData, description: 'Telegram Stars: what the delivery did (or why it failed)' }),
  createdAt: Type.String({ description: 'ISO 8601, UTC, milliseconds' }),
}, { title: 'OrderResponse' });
export type OrderResponse = Static<typeof OrderResponse>;

export const CheckGameDataResponse = Type.Union([
  Type.Object({ status: Type.Literal('VALID'), gameUserLogin: Type.String() }),
  Type.Object({ status: Type.Literal('INVALID'), message: Type.Optional(Type.String()) }),
], { title: 'CheckGameDataResponse' });
export type CheckGameDataResponse = Static<typeof CheckGameDataResponse>;

export const RefundRequestResponse = Type.Object({
  orderId: OrderId,
  status: OrderStatus,
  refundRequestedAt: Type.String(),
}, { title: 'RefundRequestResponse' });
