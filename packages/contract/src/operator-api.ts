/**
 * Operator API wire schemas (`/admin/v1`, and the console's `/console/v1`, which mounts the same
 * routes). Money here is a decimal string ("100.00") both ways: exact for scripts and
 * spreadsheets, never a float. Answers list their fields in the order the hub writes them (see
 * common.ts: the schema serialises).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Decimal, Id, NextBefore, Nullable, OrderStatusFilter, Page, Strict, Timestamp } from './common.ts';
import { Currency, CURRENCIES, LedgerType, OrderStatus, ProductDetails } from './partner-api.ts';
import { MerchantRole } from './team.ts';
import type { StarsFulfillmentData } from './telegram.ts';

/** An amount the operator sends: positive, at most 2 decimals. */
export const Amount = Type.String({ pattern: '^(0|[1-9][0-9]{0,14})(\\.[0-9]{1,2})?$', description: 'Decimal string, at most 2 decimals' });
const Name = Type.String({ minLength: 1, maxLength: 200 });

// ---- requests ----
export const CreateMerchant = Type.Object({ name: Name }, { ...Strict, title: 'CreateMerchant' });
export const CreateShop = Type.Object({ merchantId: Id, name: Name }, { ...Strict, title: 'CreateShop' });
export const Deposit = Type.Object({ amount: Amount, description: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }, { ...Strict, title: 'Deposit' });

export const UpsertOffer = Type.Object(
  {
    productId: Type.Optional({ ...Id, description: 'The product the offer belongs to (or name it with productName)' }),
    productName: Type.Optional({ ...Name, description: 'The product by name: found, else created (when productId is not sent)' }),
    offerName: Name,
    price: Amount,
    currency: Currency,
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    returnsKey: Type.Optional(Type.Boolean()),
    requiresGameUserId: Type.Optional(Type.Boolean()),
    gameUserIdPattern: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 500 }), Type.Null()])),
    gameServerIdPattern: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 500 }), Type.Null()])),
    merchants: Type.Optional(Type.Union([Type.Literal('all'), Type.Array(Id, { maxItems: 10_000 })], { description: '"all", or the only merchants who may buy it' })),
    commission: Type.Optional(Type.String({ description: 'CodeGames protocol: commission in percent ("10", "12.5"); unchanged when omitted' })),
  },
  { ...Strict, title: 'UpsertOffer' },
);
export type UpsertOffer = Static<typeof UpsertOffer>;

export const MerchantCommission = Type.Object(
  { percent: Type.Union([Type.String(), Type.Null()], { description: 'Overrides the offer\'s commission for this merchant; null removes the override' }) },
  { ...Strict, title: 'MerchantCommission' },
);
export const OfferMerchantParams = Type.Object({ id: Id, merchantId: Id }, { title: 'OfferMerchantParams' });

export const AddStock = Type.Object({ keys: Type.Array(Type.String({ maxLength: 1000 }), { minItems: 1, maxItems: 5000 }) }, { ...Strict, title: 'AddStock' });
export const SetRate = Type.Object({ usdPerUnit: Type.String({ description: 'USD per one unit, e.g. "0.0108"' }) }, { ...Strict, title: 'SetRate' });
export const CurrencyParams = Type.Object({ currency: Type.String({ enum: [...CURRENCIES] }) }, { title: 'CurrencyParams' });
export const OrderRefund = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { ...Strict, title: 'OrderRefund' });

const Url = Type.String({ minLength: 1, maxLength: 2000 });
const SupplierPolicy = {
  timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000 })),
  statusIntervalS: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400, description: 'Seconds between status checks' })),
  statusAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'Status checks before manual review' })),
  catalogProductIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
    maxItems: 10_000, description: 'CodeGames: the product ids its catalog sync checks (the protocol lists none)',
  })),
  catalogSyncIntervalS: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 604_800 }), Type.Null()], {
    description: 'A catalog sync every this many seconds, run by one instance as a job on the queue; null: by hand only',
  })),
  catalogMaxMissingPercent: Type.Optional(Type.Integer({
    minimum: 0, maximum: 100, description: 'A catalog sync that would mark more than this share of the listed offers gone waits for confirmation (default 20)',
  })),
};
/** GamesDrop: it also delivers Telegram Stars (telegram_stars_<N>), tried before or after the stars provider. */
const StarsSourceField = Type.Optional(Type.Union([Type.Literal('before-provider'), Type.Literal('after-provider'), Type.Null()], {
  description: 'GamesDrop: also a source of Telegram Stars, tried before or after the stars provider; null: not a Stars source',
}));
export const AddSupplier = Type.Object(
  {
    kind: Type.String({ enum: ['codegames', 'gamesdrop'] }), name: Name, url: Url, token: Type.Optional(Type.String({ maxLength: 500 })),
    ...SupplierPolicy, starsSource: StarsSourceField,
  },
  { ...Strict, title: 'AddSupplier' },
);
export const UpdateSupplier = Type.Object(
  {
    name: Type.Optional(Name), url: Type.Optional(Url), token: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
    ...SupplierPolicy, starsSource: StarsSourceField,
  },
  { ...Strict, title: 'UpdateSupplier' },
);
export const AddSource = Type.Object(
  {
    supplierId: Id, product: Type.String({ minLength: 1, maxLength: 200 }),
    cost: Type.Optional({ ...Amount, description: "What we pay; omitted: the cost the supplier's synced catalog lists for the product (and its currency)" }),
    currency: Type.Optional(Currency),
  },
  { ...Strict, title: 'AddSource' },
);
export const OrderComplete = Type.Object(
  { key: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })), reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) },
  { ...Strict, title: 'OrderComplete' },
);

export const OrdersQuery = Type.Object(
  {
    review: Type.Optional(Type.Boolean({ description: 'Orders waiting for the operator' })),
    transactionId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: "The merchant's id: Partner API transactionId or CodeGames txn_id" })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Any id: orderId (= CodeGames partner_txn_id), transactionId / txn_id, our id upstream, the supplier\'s id' })),
    status: OrderStatusFilter,
    merchantId: Type.Optional(Id),
    shopId: Type.Optional(Id),
    offerId: Type.Optional(Id),
    ...Page,
  },
  { ...Strict, title: 'OrdersQuery' },
);

export const CreateUser = Type.Object(
  { email: Type.String({ minLength: 3, maxLength: 254 }), role: Type.Optional(MerchantRole) },
  { ...Strict, title: 'CreateUser', description: 'role: the user\'s merchant role (default owner)' },
);
export const OfferAccess = Type.Object({ allowed: Type.Boolean() }, { ...Strict, title: 'OfferAccess' });
export const ImportOffers = Type.Object(
  {
    rows: Type.Array(
      Type.Object({ line: Type.Integer({ minimum: 1 }), fields: Type.Record(Type.String(), Type.String({ maxLength: 2000 })) }, Strict),
      { minItems: 1, maxItems: 500 },
    ),
  },
  { ...Strict, title: 'ImportOffers' },
);

// ---- answers: merchants, shops, ledger ----
export const Merchant = Type.Object({ id: Type.Integer(), name: Type.String(), createdAt: Timestamp }, { title: 'Merchant' });
export type Merchant = Static<typeof Merchant>;
export const Merchants = Type.Object({ merchants: Type.Array(Merchant) }, { title: 'Merchants' });
export type Merchants = Static<typeof Merchants>;

export const MerchantDetail = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  balance: Decimal,
  draftBalance: { ...Decimal, description: 'Held by orders in SUBMITTED or PROCESSING' },
  shops: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), tokenRotatedAt: Timestamp })),
  createdAt: Timestamp,
}, { title: 'MerchantDetail' });
export type MerchantDetail = Static<typeof MerchantDetail>;

export const Balances = Type.Object({ balances: Type.Array(Type.Object({ merchantId: Type.Integer(), balance: Decimal })) }, { title: 'Balances' });
export type Balances = Static<typeof Balances>;

/** One ledger row (the operator's and the cabinet's view). */
export const LedgerEntry = Type.Object({
  id: Type.Integer(),
  merchantId: Type.Integer(),
  type: LedgerType,
  amount: Decimal,
  balanceAfter: Decimal,
  orderId: Nullable(Type.Integer()),
  description: Type.String(),
  createdAt: Timestamp,
}, { title: 'LedgerEntry' });
export type LedgerEntry = Static<typeof LedgerEntry>;

export const Deposited = Type.Object({ merchantId: Type.Integer(), balance: Decimal, entry: LedgerEntry }, { title: 'Deposited' });
export type Deposited = Static<typeof Deposited>;

export const CreatedShop = Type.Object(
  { id: Type.Integer(), merchantId: Type.Integer(), name: Type.String(), token: Type.String({ description: 'The shop token: shown in this answer only' }) },
  { title: 'CreatedShop' },
);
export type CreatedShop = Static<typeof CreatedShop>;

/** A shop's new token (operator API and cabinet): shown in this answer only. */
export const ShopToken = Type.Object({ id: Type.Integer(), token: Type.String() }, { title: 'ShopToken' });
export type ShopToken = Static<typeof ShopToken>;

// ---- shop limits (docs/api.md#rate-limits-and-ip-allowlists) ----
const RateLimit = Type.Integer({ minimum: 1, maximum: 10_000_000, description: 'Requests per window (DROPGATE_RATE_LIMIT_WINDOW_S)' });

/** What the operator changes; a field not sent stays as it is. */
export const ShopLimitsChange = Type.Object({
  rateLimit: Type.Optional(Type.Union([RateLimit, Type.Null()], { description: "The shop's own limit; null: the deployment's default" })),
  ipAllowlist: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
    maxItems: 100, description: 'IPv4 and IPv6 addresses or CIDR networks the shop may call from; []: any address',
  })),
}, { ...Strict, title: 'ShopLimitsChange' });
export type ShopLimitsChange = Static<typeof ShopLimitsChange>;

export const ShopLimits = Type.Object({
  shopId: Type.Integer(),
  rateLimit: Nullable(Type.Integer({ description: "The shop's own limit; null: the deployment's default" })),
  effectiveRateLimit: Nullable(Type.Integer({ description: 'What applies; null: not limited' })),
  windowSeconds: Type.Integer(),
  ipAllowlist: Type.Array(Type.String(), { description: 'Canonical CIDRs; empty: any address' }),
  updatedAt: Nullable(Timestamp),
}, { title: 'ShopLimits' });
export type ShopLimits = Static<typeof ShopLimits>;

// ---- answers: merchant users ----
const userFields = {
  id: Type.Integer(), merchantId: Type.Integer(), email: Type.String(), role: MerchantRole,
  twoFactor: Type.Boolean({ description: 'Signs in with a second factor' }), passwordSetAt: Timestamp, createdAt: Timestamp,
};
export const MerchantUser = Type.Object(userFields, { title: 'MerchantUser' });
export type MerchantUser = Static<typeof MerchantUser>;
export const MerchantUserWithPassword = Type.Object(
  { ...userFields, password: Type.String({ description: 'Generated; shown in this answer only' }) },
  { title: 'MerchantUserWithPassword' },
);
export type MerchantUserWithPassword = Static<typeof MerchantUserWithPassword>;
export const MerchantUsers = Type.Object({ users: Type.Array(MerchantUser) }, { title: 'MerchantUsers' });
export type MerchantUsers = Static<typeof MerchantUsers>;

// ---- answers: catalog, stock, FX ----
const offerHead = {
  id: Type.Integer(),
  productId: Type.Integer(),
  productName: Type.String(),
  offerName: Type.String(),
  count: Type.Integer(),
  price: Decimal,
  currency: Currency,
  returnsKey: Type.Boolean(),
  requiresGameUserId: Type.Boolean(),
  gameUserIdPattern: Nullable(Type.String()),
  gameServerIdPattern: Nullable(Type.String()),
  sandbox: Type.Boolean(),
  commission: Type.String({ description: 'CodeGames protocol: commission in percent ("10.5")' }),
  merchants: Type.Union([Type.Literal('all'), Type.Array(Type.Integer())], { description: '"all", or the only merchants who may buy it' }),
  servers: Type.Record(Type.String(), Type.String(), { description: 'Game servers: id to name ({}: none)' }),
};
export const StockLevel = Type.Object({ available: Type.Integer(), sold: Type.Integer() }, { title: 'StockLevel' });
/** An offer as saved (PUT /offers/:id, access changes). */
export const OperatorOffer = Type.Object({ ...offerHead, updatedAt: Timestamp }, { title: 'OperatorOffer' });
export type OperatorOffer = Static<typeof OperatorOffer>;
/** An offer with its stock level (the offer lists and GET /offers/:id). */
export const OperatorOfferWithStock = Type.Object({ ...offerHead, stock: StockLevel, updatedAt: Timestamp }, { title: 'OperatorOfferWithStock' });
export type OperatorOfferWithStock = Static<typeof OperatorOfferWithStock>;
export const OffersQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: "The offer's id, or a part of its product or offer name (any case)" })),
  productId: Type.Optional(Type.Integer({ minimum: 1, description: 'Only the offers of this product' })),
  after: Type.Optional(Type.Integer({ minimum: 0, description: 'Keyset cursor: offers with a larger id' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'Page size; without it, every matching offer' })),
}, { title: 'OffersQuery' });
export const OperatorOffers = Type.Object(
  { offers: Type.Array(OperatorOfferWithStock), nextAfter: Nullable(Type.Integer({ description: 'The cursor of the next page; null on the last' })) },
  { title: 'OperatorOffers' },
);
export type OperatorOffers = Static<typeof OperatorOffers>;

export const MerchantCommissionSet = Type.Object(
  { offerId: Type.Integer(), merchantId: Type.Integer(), percent: Nullable(Type.String()) },
  { title: 'MerchantCommissionSet' },
);
export type MerchantCommissionSet = Static<typeof MerchantCommissionSet>;

export const StockAdded = Type.Object(
  { added: Type.Integer(), duplicates: Type.Integer({ description: 'Keys already in stock (or repeated in this call)' }) },
  { title: 'StockAdded' },
);
export type StockAdded = Static<typeof StockAdded>;

export const FxRate = Type.Object(
  { currency: Currency, usdPerUnit: Type.String({ description: 'USD per one unit, e.g. "0.0108"' }), updatedAt: Timestamp },
  { title: 'FxRate' },
);
export type FxRate = Static<typeof FxRate>;
export const FxRates = Type.Object({ rates: Type.Array(FxRate) }, { title: 'FxRates' });
export type FxRates = Static<typeof FxRates>;

export const OfferAccessList = Type.Object({
  merchantId: Type.Integer(),
  offers: Type.Array(Type.Object({
    offerId: Type.Integer(),
    productName: Type.String(),
    offerName: Type.String(),
    visibleToAll: Type.Boolean(),
    allowed: Type.Boolean(),
    commission: Type.String(),
    merchantCommission: Nullable(Type.String({ description: "This merchant's override of the offer's commission" })),
  })),
}, { title: 'OfferAccessList' });
export type OfferAccessList = Static<typeof OfferAccessList>;

export const OffersImported = Type.Object({
  imported: Type.Integer(),
  rejected: Type.Array(Type.Object({ line: Type.Integer(), field: Type.String(), message: Type.String() })),
}, { title: 'OffersImported' });
export type OffersImported = Static<typeof OffersImported>;

// ---- answers: keys and their reveals ----
export const StockKeysPage = Type.Object({
  keys: Type.Array(Type.Object({ id: Type.Integer(), offerId: Type.Integer(), orderId: Nullable(Type.Integer()), createdAt: Timestamp })),
  nextBefore: NextBefore,
}, { title: 'StockKeysPage' });
export type StockKeysPage = Static<typeof StockKeysPage>;

export const RevealedStockKey = Type.Object({ keyId: Type.Integer(), offerId: Type.Integer(), key: Type.String() }, { title: 'RevealedStockKey' });
export type RevealedStockKey = Static<typeof RevealedStockKey>;
/** An order's key in clear (operator API and cabinet); every reveal is audited. */
export const RevealedOrderKey = Type.Object({ orderId: Type.Integer(), key: Type.String() }, { title: 'RevealedOrderKey' });
export type RevealedOrderKey = Static<typeof RevealedOrderKey>;

export const KeyRevealsPage = Type.Object({
  reveals: Type.Array(Type.Object({
    id: Type.Integer(),
    stockKeyId: Nullable(Type.Integer()),
    orderId: Nullable(Type.Integer()),
    actor: Type.String({ description: 'Who, as the audit trail names them: "operator:<email>", "key:<name>", "operator" (the bootstrap key), "merchant-user:<id>"' }),
    ip: Nullable(Type.String()),
    createdAt: Timestamp,
  })),
  nextBefore: NextBefore,
}, { title: 'KeyRevealsPage' });
export type KeyRevealsPage = Static<typeof KeyRevealsPage>;

// ---- answers: orders ----
export const OrderEvent = Type.Object({
  from: Nullable(OrderStatus),
  to: OrderStatus,
  actor: Type.String(),
  reason: Nullable(Type.String()),
  at: Timestamp,
}, { title: 'OrderEvent' });

/**
 * What a Telegram Stars delivery recorded, passed through as stored (the Partner API's
 * `fulfillmentData`): no property list here, because one would reorder its fields.
 */
const StoredFulfillmentData = Type.Unsafe<StarsFulfillmentData>(Type.Object({}, {
  additionalProperties: true,
  description: 'As the Partner API\'s fulfillmentData: telegram_user_id, stars_amount, delivery_status, transaction_id or error_message',
}));

/** The operator's view of an order: everything but the key itself. */
export const OperatorOrder = Type.Object({
  id: Type.Integer(),
  shopId: Type.Integer(),
  merchantId: Type.Integer(),
  transactionId: Type.String(),
  protocol: Type.Union([Type.Literal('partner'), Type.Literal('codegames')]),
  codegames: Nullable(Type.Object(
    { txnId: Type.String(), partnerTxnId: Type.String() },
    { description: 'The ids the CodeGames protocol knows the order by: txn_id is the merchant\'s, partner_txn_id ours' },
  )),
  offerId: Type.Integer(),
  productName: Type.String(),
  offerName: Type.String(),
  count: Type.Integer(),
  price: Decimal,
  currency: Currency,
  usdPerUnit: Type.String(),
  chargedPrice: { ...Decimal, description: 'What was charged, in the offer\'s currency: the price, or the CodeGames partner price' },
  amountUsd: Decimal,
  sandbox: Type.Boolean(),
  status: OrderStatus,
  message: Nullable(Type.String()),
  hasKey: Type.Boolean(),
  customer: Type.Object({ email: Nullable(Type.String()), gameUserId: Nullable(Type.String()), gameServerId: Nullable(Type.String()) }),
  refundRequestedAt: Nullable(Timestamp),
  refundRequestReason: Nullable(Type.String()),
  supplier: Nullable(Type.Object({
    id: Type.Integer(),
    product: Nullable(Type.String()),
    cost: Nullable(Decimal),
    costCurrency: Nullable(Currency),
    costUsd: Nullable(Decimal),
    txnId: Nullable(Type.String()),
    upstreamRef: Nullable(Type.String()),
  })),
  marginUsd: Nullable({ ...Decimal, description: 'The USD debit less the supplier\'s cost in USD (completed supplier orders)' }),
  reviewReason: Nullable(Type.String({ description: 'Why the order waits for the operator (manual review)' })),
  telegramStars: Nullable(Type.Object({ stars: Type.Integer(), usdPerTon: Nullable(Type.String()), fulfillmentData: Nullable(StoredFulfillmentData) })),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  events: Type.Array(OrderEvent, { description: 'The order\'s history (empty in lists)' }),
}, { title: 'OperatorOrder' });
export type OperatorOrder = Static<typeof OperatorOrder>;

export const OperatorOrdersPage = Type.Object({ orders: Type.Array(OperatorOrder), nextBefore: NextBefore }, { title: 'OperatorOrdersPage' });
export type OperatorOrdersPage = Static<typeof OperatorOrdersPage>;

export const AuditReport = Type.Object({
  ok: Type.Boolean(),
  checks: Type.Integer({ description: 'How many invariants were checked' }),
  violations: Type.Array(Type.Object({ invariant: Type.String(), detail: Type.String() })),
}, { title: 'AuditReport' });
export type AuditReport = Static<typeof AuditReport>;

// ---- answers: suppliers ----
export const SupplierKind = Type.Union([Type.Literal('codegames'), Type.Literal('gamesdrop'), Type.Literal('telegram_stars')]);
/** A supplier as the operator sees it: everything but the token. */
export const Supplier = Type.Object({
  id: Type.Integer(),
  kind: SupplierKind,
  name: Type.String(),
  baseUrl: Type.String(),
  timeoutMs: Type.Integer(),
  statusIntervalS: Type.Integer(),
  statusAttempts: Type.Integer(),
  catalogProductIds: Type.Array(Type.String()),
  catalogMaxMissingPercent: Type.Integer(),
  catalogSyncIntervalS: Nullable(Type.Integer()),
  starsSource: Nullable(Type.Union([Type.Literal('before-provider'), Type.Literal('after-provider')])),
  hasToken: Type.Boolean(),
}, { title: 'Supplier' });
export type Supplier = Static<typeof Supplier>;
export const Suppliers = Type.Object({ suppliers: Type.Array(Supplier) }, { title: 'Suppliers' });
export type Suppliers = Static<typeof Suppliers>;

export const OfferSource = Type.Object({
  offerId: Type.Integer(),
  position: Type.Integer({ description: 'Tried in this order, after own stock' }),
  supplierId: Type.Integer(),
  supplierProductId: Type.String(),
  cost: Decimal,
  costCurrency: Currency,
}, { title: 'OfferSource' });
export type OfferSource = Static<typeof OfferSource>;
export const OfferSources = Type.Object({ sources: Type.Array(OfferSource) }, { title: 'OfferSources' });

// ---- price history ----
export const PriceHistory = Type.Object({
  prices: Type.Array(Type.Object({ price: Decimal, currency: Currency, reason: Type.String(), changedAt: Timestamp })),
}, { title: 'PriceHistory', description: 'Prices the offer was moved to by repricing, oldest first' });

// ---- margins ----
const MarginDay = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A UTC day, YYYY-MM-DD' });
export const MarginsQuery = Type.Object({
  by: Type.Union([Type.Literal('supplier'), Type.Literal('product'), Type.Literal('day')], { description: 'How rows are grouped' }),
  from: Type.Optional(MarginDay),
  to: Type.Optional({ ...MarginDay, description: 'Included' }),
}, { ...Strict, title: 'MarginsQuery' });
export const MarginRow = Type.Object({
  key: Type.String({ description: 'The supplier id, the product name, or the UTC day' }),
  orders: Type.Integer({ description: 'Completed orders fulfilled by a supplier' }),
  revenueUsd: Decimal,
  costUsd: Decimal,
  marginUsd: Decimal,
}, { title: 'MarginRow' });
export type MarginRow = Static<typeof MarginRow>;
export const MarginsReport = Type.Object({ rows: Type.Array(MarginRow) }, { title: 'MarginsReport' });
export const MarginsCsv = Type.String({ title: 'MarginsCsv', description: 'key,orders,revenueUsd,costUsd,marginUsd' });
export type MarginsReport = Static<typeof MarginsReport>;

// ---- upstream catalogs ----
export const SupplierSyncParams = Type.Object({ id: Id, syncId: Id }, { title: 'SupplierSyncParams' });
export const SupplierSync = Type.Object({
  id: Type.Integer(),
  supplierId: Type.Integer(),
  status: Type.Union(['running', 'applied', 'failed', 'held', 'confirmed', 'discarded'].map((s) => Type.Literal(s)), {
    description: 'running; applied; failed (nothing changed); held (nothing changed: too much would go, confirm or discard); confirmed; discarded',
  }),
  startedBy: Type.String(),
  startedAt: Timestamp,
  finishedAt: Nullable(Timestamp),
  seen: Type.Integer({ description: 'Upstream offers read so far' }),
  added: Type.Integer(),
  changed: Type.Integer(),
  gone: Type.Integer({ description: 'Offers no longer listed (held: that would go)' }),
  missingPercent: Nullable(Type.String({ description: 'Share of the listed catalog this sync no longer lists' })),
  error: Nullable(Type.String()),
}, { title: 'SupplierSync' });
export type SupplierSync = Static<typeof SupplierSync>;
export const SupplierSyncs = Type.Object({ syncs: Type.Array(SupplierSync) }, { title: 'SupplierSyncs' });
export type SupplierSyncs = Static<typeof SupplierSyncs>;

export const SupplierCatalogQuery = Type.Object({
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Part of the product or offer name, or the upstream id' })),
  gone: Type.Optional(Type.Boolean({ description: 'Offers no longer listed too' })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
}, { ...Strict, title: 'SupplierCatalogQuery' });
export const SupplierOffer = Type.Object({
  upstreamId: Type.String(),
  upstreamProductId: Nullable(Type.String()),
  productName: Type.String(),
  offerName: Type.String(),
  category: Nullable(Type.String()),
  platformCode: Nullable(Type.String()),
  regionCode: Nullable(Type.String()),
  regionName: Nullable(Type.String()),
  cost: Decimal,
  costCurrency: Currency,
  inStock: Type.Boolean(),
  firstSeenAt: Timestamp,
  lastSeenAt: Nullable(Timestamp),
  changedAt: Timestamp,
  goneAt: Nullable(Timestamp),
}, { title: 'SupplierOffer' });
export type SupplierOffer = Static<typeof SupplierOffer>;
export const ImportCatalog = Type.Object({
  category: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  upstreamProductId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  regionCode: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  search: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Part of the product or offer name' })),
  currency: Type.Optional({ ...Currency, description: "The new offers' currency; default: each upstream offer's own" }),
  marginPercent: Type.Optional(Type.String({ description: 'The offers\' own rule: percent on the converted cost, at most 2 decimals, may be negative. Without marginPercent, fixed and rounding the offers follow the stored pricing rules' })),
  fixed: Type.Optional({ ...Amount, description: 'Added after the margin, in the sale currency (default "0")' }),
  rounding: Type.Optional(Type.Union([Type.Literal('cent'), Type.Literal('unit'), Type.Literal('ninety-nine')], { description: 'Default cent' })),
}, { ...Strict, title: 'ImportCatalog' });
export type ImportCatalog = Static<typeof ImportCatalog>;
export const ImportCatalogResult = Type.Object({
  imported: Type.Integer(),
  firstOfferId: Nullable(Type.Integer()),
  lastOfferId: Nullable(Type.Integer({ description: 'The new offers are firstOfferId … lastOfferId' })),
}, { title: 'ImportCatalogResult' });

// ---- pricing rules ----
const RoundingName = Type.Union([Type.Literal('cent'), Type.Literal('unit'), Type.Literal('ninety-nine')], { description: 'Default cent' });
const RuleTerms = {
  marginPercent: Type.String({ description: 'Percent on the converted cost, at most 2 decimals, may be negative (above -100)' }),
  fixed: Type.Optional({ ...Amount, description: 'Added after the margin, in the sale currency of each offer it prices (default "0")' }),
  rounding: Type.Optional(RoundingName),
};
export const CreatePricingRule = Type.Object({
  supplierId: Type.Optional({ ...Id, description: 'Scope: the supplier (alone), or with category the supplier\'s category' }),
  category: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Scope: a category of the supplier\'s catalog (any case)' })),
  productId: Type.Optional({ ...Id, description: 'Scope: one of the hub\'s products, whichever supplier its offers buy from (without supplierId)' }),
  ...RuleTerms,
}, { ...Strict, title: 'CreatePricingRule' });
export type CreatePricingRule = Static<typeof CreatePricingRule>;
export const UpdatePricingRule = Type.Object(RuleTerms, { ...Strict, title: 'UpdatePricingRule' });
export type UpdatePricingRule = Static<typeof UpdatePricingRule>;
export const PricingRulesQuery = Type.Object({
  supplierId: Type.Optional({ ...Id, description: 'Only the rules of this supplier (its own and its categories\')' }),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
}, { ...Strict, title: 'PricingRulesQuery' });
export const PricingRule = Type.Object({
  id: Type.Integer(),
  scope: Type.Union([Type.Literal('supplier'), Type.Literal('category'), Type.Literal('product')], { description: 'The most specific applies: product, then category, then supplier' }),
  supplierId: Nullable(Type.Integer()),
  category: Nullable(Type.String()),
  productId: Nullable(Type.Integer()),
  marginPercent: Type.String(),
  fixed: Decimal,
  rounding: RoundingName,
  createdAt: Timestamp,
  updatedAt: Timestamp,
}, { title: 'PricingRule' });
export type PricingRule = Static<typeof PricingRule>;
export const PricingRulesPage = Type.Object({ total: Type.Integer(), rules: Type.Array(PricingRule) }, { title: 'PricingRulesPage' });
export type PricingRulesPage = Static<typeof PricingRulesPage>;
export const PricingRuleChanged = Type.Object({
  rule: PricingRule,
  repriced: Type.Integer({ description: 'Offers whose price moved with this change, in its transaction' }),
}, { title: 'PricingRuleChanged' });
export type PricingRuleChanged = Static<typeof PricingRuleChanged>;
export const PricingRuleDeleted = Type.Object({ id: Type.Integer(), repriced: Type.Integer() }, { title: 'PricingRuleDeleted' });
export const SetBelowCost = Type.Object({
  allowed: Type.Boolean({ description: 'true: the rule may price the offer under its cost; false: the cost is the floor (the default)' }),
}, { ...Strict, title: 'SetBelowCost' });
export const OfferPricing = Type.Object({
  offerId: Type.Integer(),
  supplierId: Type.Integer(),
  ownRule: Type.Boolean({ description: 'Priced by the rule given at its import; else by the stored rule that applies' }),
  allowBelowCost: Type.Boolean(),
  price: Decimal,
  currency: Currency,
}, { title: 'OfferPricing' });
export type OfferPricing = Static<typeof OfferPricing>;

export const SupplierCatalogPage = Type.Object({ total: Type.Integer(), offers: Type.Array(SupplierOffer) }, { title: 'SupplierCatalogPage' });
export type SupplierCatalogPage = Static<typeof SupplierCatalogPage>;
export type OfferSources = Static<typeof OfferSources>;

// ---- answers: dashboard, Telegram Stars ----
export const Dashboard = Type.Object({
  last24h: Type.Object({
    orders: Type.Integer(),
    completed: Type.Integer(),
    revenueUsd: Decimal,
    marginUsd: Decimal,
    perHour: Type.Array(Type.Object({ hour: Timestamp, orders: Type.Integer(), completed: Type.Integer(), revenueUsd: Decimal, marginUsd: Decimal })),
  }),
  waitingOnSuppliers: Type.Integer(),
  inReview: Type.Integer(),
  lowStock: Type.Array(Type.Object({ offerId: Type.Integer(), productName: Type.String(), offerName: Type.String(), available: Type.Integer() })),
  lowBalances: Type.Array(Type.Object({ merchantId: Type.Integer(), name: Type.String(), balance: Decimal })),
  thresholds: Type.Object({ lowStockKeys: Type.Integer(), lowBalanceUsd: Decimal }),
}, { title: 'Dashboard' });
export type Dashboard = Static<typeof Dashboard>;

const StarsBot = Nullable(Type.Union([Type.Literal('polling'), Type.Literal('webhook')], { description: "The bot's mode; null: no bot" }));
const StarsListedOffer = Type.Object({ offerId: Type.String(), price: Nullable(Decimal), currency: Type.Literal('USD') });
/** Telegram Stars as the operator sees them: off (no provider configured), or on with their pricing. */
export const TelegramStarsStatus = Type.Union([
  Type.Object({ enabled: Type.Literal(false), bot: StarsBot, rate: Type.Null(), offers: Type.Array(StarsListedOffer, { maxItems: 0 }) }),
  Type.Object({
    enabled: Type.Literal(true),
    bot: StarsBot,
    marginPercent: { ...Decimal, description: 'The margin on the quote, in percent ("1.50")' },
    tolerancePercent: { ...Decimal, description: 'How far a submitted price may be from the quote, in percent' },
    rate: Nullable(Type.Object({
      usdPerTon: Type.String(),
      source: Type.Union([Type.Literal('live'), Type.Literal('fallback')]),
      fetchedAt: Nullable(Timestamp),
    })),
    offers: Type.Array(StarsListedOffer),
  }),
], { title: 'TelegramStarsStatus' });
export type TelegramStarsStatus = Static<typeof TelegramStarsStatus>;

// ---- products: what an offer is of (name, category, platform, region, excluded countries) ----
const ProductText = (maxLength: number) => Nullable(Type.String({ minLength: 1, maxLength }));
const productFields = {
  name: Name,
  category: Type.Optional(ProductText(100)),
  platformCode: Type.Optional(ProductText(50)),
  platformName: Type.Optional(ProductText(100)),
  regionCode: Type.Optional(ProductText(50)),
  regionName: Type.Optional(ProductText(100)),
  regionalLimitations: Type.Optional(ProductText(500)),
  excludedCountryCodes: Type.Optional(Type.Array(Type.String({ minLength: 2, maxLength: 2 }), { maxItems: 250, description: 'ISO 3166-1 alpha-2 codes its offers are not sold to' })),
};
/** A new product; omitted details are empty. */
export const CreateProduct = Type.Object(productFields, { ...Strict, title: 'CreateProduct' });
export type CreateProduct = Static<typeof CreateProduct>;
/** A product replaced whole (omitted details become empty). */
export const ReplaceProduct = Type.Object(productFields, { ...Strict, title: 'ReplaceProduct' });
export type ReplaceProduct = Static<typeof ReplaceProduct>;

export const Product = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  category: Nullable(Type.String()),
  ...ProductDetails,
  updatedAt: Timestamp,
}, { title: 'Product' });
export type Product = Static<typeof Product>;

export const ProductsQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Name contains (any case)' })),
  after: Type.Optional(Type.Integer({ minimum: 0, description: 'Keyset cursor: products with a larger id' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
}, { title: 'ProductsQuery' });
export const ProductsPage = Type.Object({ products: Type.Array(Product), nextAfter: Nullable(Type.Integer()) }, { title: 'ProductsPage' });
export type ProductsPage = Static<typeof ProductsPage>;

/** An offer's game servers, replaced whole: {} removes them. */
export const SetServers = Type.Object(
  { servers: Type.Record(Type.String({ minLength: 1, maxLength: 64 }), Type.String({ minLength: 1, maxLength: 100 }), { maxProperties: 1000 }) },
  { ...Strict, title: 'SetServers' },
);
export type SetServers = Static<typeof SetServers>;

/**
 * POST /backup takes no options: no body, or an empty object. Anything in it is refused, so a
 * request that meant something else takes no backup.
 */
export const TakeBackup = Type.Unsafe<Record<string, never> | undefined>({ maxProperties: 0, title: 'TakeBackup', description: 'No options: send no body, or {}' });
