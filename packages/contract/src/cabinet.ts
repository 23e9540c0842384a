/**
 * The merchant cabinet's wire schemas (`/cabinet/v1`). Money is a decimal string ("100.00"), as in
 * the operator API. No request names a merchant: the merchant is always the session's.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Decimal, Id, NextBefore, Nullable, OrderStatusFilter, Page, Strict, Timestamp } from './common.ts';
import { LedgerEntry } from './operator-api.ts';
import { Currency, OrderStatus } from './partner-api.ts';

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A UTC day, YYYY-MM-DD' });

// ---- requests ----
export const TransactionFilter = {
  type: Type.Optional(Type.String({ enum: ['DEPOSIT', 'PURCHASE', 'REFUND'] })),
  orderId: Type.Optional(Id),
  from: Type.Optional(Day),
  to: Type.Optional(Type.String({ ...Day, description: 'A UTC day, YYYY-MM-DD, included' })),
};
export const CabinetTransactionsQuery = Type.Object({ ...TransactionFilter, ...Page }, { ...Strict, title: 'CabinetTransactionsQuery' });
export const CabinetTransactionsCsvQuery = Type.Object(TransactionFilter, { ...Strict, title: 'CabinetTransactionsCsvQuery' });

export const CabinetOrdersQuery = Type.Object(
  {
    status: OrderStatusFilter,
    shopId: Type.Optional(Id),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'orderId or transactionId' })),
    ...Page,
  },
  { ...Strict, title: 'CabinetOrdersQuery' },
);

export const ChangePassword = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 200 }), newPassword: Type.String({ minLength: 1, maxLength: 200 }) },
  { ...Strict, title: 'ChangePassword' },
);

// ---- answers ----
export const CabinetOverview = Type.Object({
  merchant: Type.Object({ id: Type.Integer(), name: Type.String() }),
  balance: Decimal,
  draftBalance: { ...Decimal, description: 'Held by orders in SUBMITTED or PROCESSING' },
  currency: Type.Literal('USD'),
  shops: Type.Array(Type.Object({
    id: Type.Integer(),
    name: Type.String(),
    tokenRotatedAt: Timestamp,
    createdAt: Timestamp,
    rateLimit: Nullable(Type.Integer({ description: 'Calls per window the merchant APIs admit from this shop (set by the operator); null: not limited' })),
    rateLimitWindowSeconds: Type.Integer(),
    ipAllowlist: Type.Array(Type.String(), { description: 'The only networks its calls may come from (set by the operator); empty: any address' }),
  })),
}, { title: 'CabinetOverview' });
export type CabinetOverview = Static<typeof CabinetOverview>;

export const CabinetTransactionsPage = Type.Object({ transactions: Type.Array(LedgerEntry), nextBefore: NextBefore }, { title: 'CabinetTransactionsPage' });
export type CabinetTransactionsPage = Static<typeof CabinetTransactionsPage>;

/** The ledger as CSV: the columns of LedgerEntry, a header row first. */
export const CabinetTransactionsCsv = Type.String({ title: 'CabinetTransactionsCsv', description: 'id,createdAt,type,amount,balanceAfter,orderId,description' });

/** An order as its merchant sees it: what it bought and paid, never our supplier or margin. */
const merchantOrderFields = {
  id: Type.Integer(),
  shopId: Type.Integer(),
  transactionId: Type.String(),
  protocol: Type.Union([Type.Literal('partner'), Type.Literal('codegames')]),
  offerId: Type.Integer(),
  productName: Type.String(),
  offerName: Type.String(),
  count: Type.Integer(),
  price: Decimal,
  chargedPrice: Decimal,
  currency: Currency,
  amountUsd: Decimal,
  status: OrderStatus,
  message: Nullable(Type.String()),
  hasKey: Type.Boolean(),
  refundRequestedAt: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
};
export const MerchantOrder = Type.Object(merchantOrderFields, { title: 'MerchantOrder' });
export type MerchantOrder = Static<typeof MerchantOrder>;
export const MerchantOrderEvent = Type.Object({ from: Nullable(OrderStatus), to: OrderStatus, at: Timestamp }, { title: 'MerchantOrderEvent' });
export const MerchantOrderDetail = Type.Object({ ...merchantOrderFields, events: Type.Array(MerchantOrderEvent) }, { title: 'MerchantOrderDetail' });
export type MerchantOrderDetail = Static<typeof MerchantOrderDetail>;
export const MerchantOrdersPage = Type.Object({ orders: Type.Array(MerchantOrder), nextBefore: NextBefore }, { title: 'MerchantOrdersPage' });
export type MerchantOrdersPage = Static<typeof MerchantOrdersPage>;
