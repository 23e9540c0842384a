/** The merchant cabinet's wire schemas. Money is a decimal string ("100.00"), as in the operator API. */
import { Type } from '@sinclair/typebox';
import { Id, OrderStatusFilter, Page } from '../../operator-api/schemas.ts';

const Strict = { additionalProperties: false } as const;
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A UTC day, YYYY-MM-DD' });

export const TransactionFilter = {
  type: Type.Optional(Type.String({ enum: ['DEPOSIT', 'PURCHASE', 'REFUND'] })),
  orderId: Type.Optional(Id),
  from: Type.Optional(Day),
  to: Type.Optional(Type.String({ ...Day, description: 'A UTC day, YYYY-MM-DD, included' })),
};
export const TransactionsQuery = Type.Object({ ...TransactionFilter, ...Page }, Strict);
export const TransactionsCsvQuery = Type.Object(TransactionFilter, Strict);

export const CabinetOrdersQuery = Type.Object(
  {
    status: OrderStatusFilter,
    shopId: Type.Optional(Id),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'orderId or transactionId' })),
    ...Page,
  },
  Strict,
);

export const ChangePassword = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 200 }), newPassword: Type.String({ minLength: 1, maxLength: 200 }) },
  Strict,
);
