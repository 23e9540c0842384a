/**
 * Pieces every back-office API shares (the operator API, the console, the merchant cabinet): ids,
 * money as a decimal string, times, null-able fields, keyset pages.
 *
 * Response schemas also serialise (Fastify writes answers from them, with fast-json-stringify): a
 * property missing from a schema is dropped from the answer, a value of another type is coerced,
 * and properties are written in the schema's order, required ones first. So every answer's schema
 * lists its fields in the order the presenter writes them, says when a field may be null, and
 * keeps optional fields last (an answer whose fields come and go in the middle is a union).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

export const Strict = { additionalProperties: false } as const;

export const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
export const IdParams = Type.Object({ id: Id }, { title: 'IdParams' });

/** `T`, or null: the field is always there. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** Money in an answer: exact, 2 decimals, negative for debits ("100.00", "-5.00"). */
export const Decimal = Type.String({ description: 'Decimal string with 2 decimals, e.g. "100.00" ("-5.00" for a debit)' });

export const Timestamp = Type.String({ description: 'ISO 8601, UTC, milliseconds' });

/** Keyset pages: newest first; `before` is the `nextBefore` of the previous page. */
export const Page = {
  before: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Cursor: nextBefore of the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'Page size (default 50)' })),
};
export const PageQuery = Type.Object(Page, { ...Strict, title: 'PageQuery' });
export type PageQuery = Static<typeof PageQuery>;

/** The cursor of the next page in a keyset-paged answer; null on the last page. */
export const NextBefore = Nullable(Type.Integer({ description: 'The next page\'s `before`; null on the last page' }));

export const OrderStatusFilter = Type.Optional(Type.String({ enum: ['SUBMITTED', 'PROCESSING', 'COMPLETED', 'CANCELED', 'REFUND'] }));

/** An answer with no body (204): the handler sends nothing. */
export const NoContent = Type.Unsafe<undefined>({ type: 'null', description: 'No content' });
