/**
 * Operator API wire schemas. Money here is a decimal string ("100.00") both ways: exact for
 * scripts and spreadsheets, never a float.
 */
import { Currency, CURRENCIES } from '@dropgate/contract';
import { Type } from '@sinclair/typebox';

export const Amount = Type.String({ pattern: '^(0|[1-9][0-9]{0,14})(\\.[0-9]{1,2})?$', description: 'Decimal string, at most 2 decimals' });
export const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
export const IdParams = Type.Object({ id: Id });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Strict = { additionalProperties: false } as const;

export const CreateMerchant = Type.Object({ name: Name }, Strict);
export const CreateShop = Type.Object({ merchantId: Id, name: Name }, Strict);
export const Deposit = Type.Object({ amount: Amount, description: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }, Strict);

export const UpsertOffer = Type.Object(
  {
    productName: Name,
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
  Strict,
);

export const MerchantCommission = Type.Object(
  { percent: Type.Union([Type.String(), Type.Null()], { description: 'Overrides the offer\'s commission for this merchant; null removes the override' }) },
  Strict,
);
export const OfferMerchantParams = Type.Object({ id: Id, merchantId: Id });

export const AddStock = Type.Object({ keys: Type.Array(Type.String({ maxLength: 1000 }), { minItems: 1, maxItems: 5000 }) }, Strict);
export const SetRate = Type.Object({ usdPerUnit: Type.String({ description: 'USD per one unit, e.g. "0.0108"' }) }, Strict);
export const CurrencyParams = Type.Object({ currency: Type.String({ enum: [...CURRENCIES] }) });
export const OrderRefund = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, Strict);

const Url = Type.String({ minLength: 1, maxLength: 2000 });
const SupplierPolicy = {
  timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000 })),
  statusIntervalS: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400, description: 'Seconds between status checks' })),
  statusAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'Status checks before manual review' })),
};
export const AddSupplier = Type.Object(
  { kind: Type.String({ enum: ['codegames', 'gamesdrop'] }), name: Name, url: Url, token: Type.Optional(Type.String({ maxLength: 500 })), ...SupplierPolicy },
  Strict,
);
export const UpdateSupplier = Type.Object(
  { name: Type.Optional(Name), url: Type.Optional(Url), token: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])), ...SupplierPolicy },
  Strict,
);
export const AddSource = Type.Object(
  { supplierId: Id, product: Type.String({ minLength: 1, maxLength: 200 }), cost: Amount, currency: Type.Optional(Currency) },
  Strict,
);
export const OrderComplete = Type.Object(
  { key: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })), reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) },
  Strict,
);
/** Keyset pages: newest first; `before` is the `nextBefore` of the previous page. */
export const Page = {
  before: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Cursor: nextBefore of the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'Page size (default 50)' })),
};
export const PageQuery = Type.Object(Page, Strict);
export const OrderStatusFilter = Type.Optional(Type.String({ enum: ['SUBMITTED', 'PROCESSING', 'COMPLETED', 'CANCELED', 'REFUND'] }));

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
  Strict,
);

export const CreateUser = Type.Object({ email: Type.String({ minLength: 3, maxLength: 254 }) }, Strict);
export const OfferAccess = Type.Object({ allowed: Type.Boolean() }, Strict);
export const ImportOffers = Type.Object(
  {
    rows: Type.Array(
      Type.Object({ line: Type.Integer({ minimum: 1 }), fields: Type.Record(Type.String(), Type.String({ maxLength: 2000 })) }, Strict),
      { minItems: 1, maxItems: 500 },
    ),
  },
  Strict,
);
