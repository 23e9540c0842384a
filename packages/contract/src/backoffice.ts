/**
 * The back-office's sessions (`/console/v1/session`, `/cabinet/v1/session`): the two sign-ins and
 * the session both surfaces answer. The tokens travel in cookies, never in these bodies' answers.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Strict, Timestamp } from './common.ts';

export const OperatorSignIn = Type.Object({ token: Type.String({ minLength: 1, maxLength: 500 }) }, { ...Strict, title: 'OperatorSignIn' });
export type OperatorSignIn = Static<typeof OperatorSignIn>;

export const MerchantSignIn = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 200 }) },
  { ...Strict, title: 'MerchantSignIn' },
);
export type MerchantSignIn = Static<typeof MerchantSignIn>;

/** Who is signed in: the operator (no merchant, no email) or a merchant's user. */
export const BackofficeSession = Type.Object({
  role: Type.Union([Type.Literal('operator'), Type.Literal('merchant')]),
  merchantId: Nullable(Type.Integer()),
  email: Nullable(Type.String()),
  expiresAt: Timestamp,
}, { title: 'BackofficeSession' });
export type BackofficeSession = Static<typeof BackofficeSession>;
