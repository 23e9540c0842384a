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

/**
 * Requests ignore fields they do not name, as the live service does: existing clients send
 * fields the spec never lists (countryCode, keyFormat, useBalance, a bot's paymentMethod and
 * returnUrl). The fields named here stay strictly typed: "999" is not an offerId.
 */
const Open = { additionalProperties: true } as const;

/** ISO 3166-1 alpha-2, any case on the way in ("kz" is KZ). */
export const CountryCode = Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2 country of the buyer, e.g. "KZ"' });

// ---- requests ----
export const FindOneRequest = Type.Object(
  { offerId: AnyOfferId, countryCode: Type.Optional(CountryCode) },
  { ...Open, title: 'FindOneRequest' },
);
export type FindOneRequest = Static<typeof FindOneRequest>;

export const KEY_FORMATS = ['text', 'image'] as const;

export const Customer = Type.Object(
  {
    email: Type.Optional(Type.String({ maxLength: 254 })),
    gameUserId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    gameServerId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "Extension: game server, one of the offer's servers when it lists any" })),
  },
  { ...Open, title: 'Customer' },
);

export const CreateOrderRequest = Type.Object(
  {
    offerId: AnyOfferId,
    price: Money,
    transactionId: TransactionId,
    customer: Type.Optional(Customer),
    countryCode: Type.Optional({ ...CountryCode, description: "The buyer's country: an offer that excludes it is refused before any debit (COUNTRY_NOT_ALLOWED)" }),
    keyFormat: Type.Optional(Type.Union(KEY_FORMATS.map((f) => Type.Literal(f)), { description: 'How the key is delivered: "text" (the default; the only format this hub delivers)' })),
    useBalance: Type.Optional(Type.Boolean({ description: "Pay from the shop's prepaid balance: true, the default (the only way this hub is paid)" })),
  },
  { ...Open, title: 'CreateOrderRequest' },
);
export type CreateOrderRequest = Static<typeof CreateOrderRequest>;

export const OrderStatusRequest = Type.Object(
  {
    orderId: Type.Optional(OrderId),
    transactionId: Type.Optional({ ...TransactionId, description: 'Extension: look the order up by your transactionId instead of orderId' }),
  },
  { ...Open, title: 'OrderStatusRequest' },
);
export type OrderStatusRequest = Static<typeof OrderStatusRequest>;

export const OrderActionRequest = Type.Object(
  { orderId: OrderId, reason: Type.Optional(Type.String({ maxLength: 500 })) },
  { ...Open, title: 'OrderActionRequest' },
);
export type OrderActionRequest = Static<typeof OrderActionRequest>;

export const CheckGameDataRequest = Type.Object(
  {
    offerId: OfferId,
    gameUserId: Type.String({ minLength: 1, maxLength: 64 }),
    gameServerId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { ...Open, title: 'CheckGameDataRequest' },
);
export type CheckGameDataRequest = Static<typeof CheckGameDataRequest>;

export const TransactionsQuery = Type.Object(
  {
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { ...Open, title: 'TransactionsQuery' },
);
export type TransactionsQuery = Static<typeof TransactionsQuery>;

// ---- responses ----
export const BalanceResponse = Type.Object({
  balance: Type.Number(),
  draftBalance: Type.Number({ description: 'Sum of orders in SUBMITTED or PROCESSING' }),
  currency: Type.Object({ id: Type.Integer(), code: Type.Literal('USD') }),
  shopId: Type.Integer({ description: 'Extension (live service): the shop whose token this is' }),
  shopName: Type.String({ description: 'Extension (live service)' }),
  partnerId: Type.Integer({ description: 'Extension (live service): the merchant the shop belongs to' }),
  isPostpaid: Type.Boolean({ description: 'Extension (live service): always false, orders are paid from the prepaid balance' }),
  balanceProfile: Type.Literal('FIAT', { description: 'Extension (live service): the balance is held in fiat (USD)' }),
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

/** Whether an offer may be sold to the buyer's country: blocked when it excludes it; not_checked without a countryCode. */
export const COUNTRY_COMPATIBILITIES = ['allowed', 'blocked', 'not_checked'] as const;
export const CountryCompatibility = Type.Union(COUNTRY_COMPATIBILITIES.map((c) => Type.Literal(c)));
export type CountryCompatibility = Static<typeof CountryCompatibility>;

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * How the price is made and what this shop would be debited now. The live service's fields keep
 * its equation (price = providerPrice × fxRate × (1 + addedPercent / 100)); the hub sells at its
 * catalog price, so providerPrice is the price, fxRate 1 and addedPercent 0. Extension: the debit
 * in USD at the current rate (null when no rate is set for the currency).
 */
export const PriceBreakdown = Type.Object({
  providerPrice: Type.Number(),
  providerCurrency: Currency,
  addedPercent: Type.Number(),
  fxRate: Type.Number(),
  price: Type.Number(),
  currency: Currency,
  isPriceFresh: Type.Boolean(),
  debitAmount: Type.Union([Type.Number(), Type.Null()], { description: 'Extension: USD this shop is debited for one order now' }),
  debitCurrency: Type.Literal('USD'),
  debitFxRate: Type.Union([Type.Number(), Type.Null()], { description: "Extension: USD per unit of the offer's currency" }),
}, { title: 'PriceBreakdown' });
export type PriceBreakdown = Static<typeof PriceBreakdown>;

/** A product's details as every answer shows them (find-one, sync rows, the operator's product). */
export const ProductDetails = {
  platformCode: Nullable(Type.String()),
  platformName: Nullable(Type.String()),
  regionCode: Nullable(Type.String()),
  regionName: Nullable(Type.String()),
  regionalLimitations: Nullable(Type.String()),
  excludedCountryCodes: Type.Array(Type.String(), { description: 'Countries (ISO alpha-2) the offer is not sold to' }),
};

/** What an order for the offer needs, and whether one could be fulfilled now. */
const Requirements = {
  isRequiredGameUserId: Type.Boolean(),
  isRequiredGameServerId: Type.Boolean({ description: 'A gameServerId must be sent (the offer lists servers, or has a server id format)' }),
  inStock: Type.Boolean({ description: 'An order could be fulfilled now (a key in stock, or a supplier to try)' }),
};
/** Where the offer is sold and what the shop pays. */
const Placement = { ...ProductDetails, countryCompatibility: CountryCompatibility, priceBreakdown: PriceBreakdown };
/** What the catalog says of an offer beyond the spec's fields: find-one and sync rows share it. */
const CatalogFields = {
  offerGroupId: { ...AnyOfferId, description: 'The live service name of offerId: the same value' },
  ...Requirements,
  ...Placement,
};

export const OfferResponse = Type.Object({
  offerId: AnyOfferId,
  productName: Type.String(),
  offerName: Type.String(),
  count: Type.Integer(),
  price: Type.Number(),
  currency: Currency,
  isReturnDataForCustomer: Type.Boolean(),
  ...CatalogFields,
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

// ---- POST /api/v1/offers/sync: the catalog feed ----
export const SYNC_MAX_LIMIT = 1000;
export const SyncRequest = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: SYNC_MAX_LIMIT, default: SYNC_MAX_LIMIT })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  category: Type.Optional(Type.String({ maxLength: 100, description: 'Only this category (any case)' })),
  search: Type.Optional(Type.String({ maxLength: 100, description: 'Product or offer name contains this (any case)' })),
  countryCode: Type.Optional({ ...CountryCode, description: "Fills countryCompatibility for the buyer's country" }),
  updatedSince: Type.Optional(Type.String({ format: 'date-time', description: 'Extension: only rows changed after this time, including offers that became unavailable (available: false)' })),
}, { ...Open, title: 'SyncRequest' });
export type SyncRequest = Static<typeof SyncRequest>;

export const SyncRow = Type.Object({
  offerId: AnyOfferId,
  offerGroupId: AnyOfferId,
  offerGroupName: Type.String(),
  offerName: Type.String(),
  productId: Type.Integer(),
  productName: Type.String(),
  category: Nullable(Type.String()),
  count: Type.Integer(),
  price: Type.Number(),
  currency: Currency,
  isReturnDataForCustomer: Type.Boolean(),
  ...Requirements,
  ...Placement,
  available: Type.Boolean({ description: 'Extension: false for an offer this shop can no longer buy (only with updatedSince)' }),
  updatedAt: Type.String({ description: 'ISO 8601: when this row last changed' }),
}, { title: 'SyncRow' });
export type SyncRow = Static<typeof SyncRow>;

export const SyncResponse = Type.Object({
  count: Type.Integer({ description: 'Rows matching the filters, on every page' }),
  rows: Type.Array(SyncRow),
}, { title: 'SyncResponse' });
export type SyncResponse = Static<typeof SyncResponse>;

// ---- POST /api/v1/partner/product-offer/servers ----
export const ServersRequest = Type.Object({ offerId: OfferId }, { ...Open, title: 'ServersRequest' });
export type ServersRequest = Static<typeof ServersRequest>;
export const ServersResponse = Type.Record(Type.String(), Type.String(), { title: 'ServersResponse', description: 'Server id to its name; {} when the offer has none' });
export type ServersResponse = Static<typeof ServersResponse>;
