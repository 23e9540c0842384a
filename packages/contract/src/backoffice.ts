/**
 * The back-office's sessions (`/console/v1/session`, `/cabinet/v1/session`): the two sign-ins and
 * the session both surfaces answer. The tokens travel in cookies, never in these bodies' answers.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Strict, Timestamp } from './common.ts';

const Email = Type.String({ minLength: 1, maxLength: 254 });
const Password = Type.String({ minLength: 1, maxLength: 200 });
const Code = Type.String({ minLength: 1, maxLength: 40, description: 'Once two-factor is on: the authenticator app\'s code, or a recovery code' });

/** An operator user (email, password, code), or the bootstrap key (the operator token). */
export const OperatorSignIn = Type.Object(
  {
    token: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'The operator token (the bootstrap key), instead of email and password' })),
    email: Type.Optional(Email),
    password: Type.Optional(Password),
    code: Type.Optional(Code),
  },
  { ...Strict, title: 'OperatorSignIn' },
);
export type OperatorSignIn = Static<typeof OperatorSignIn>;

export const MerchantSignIn = Type.Object({ email: Email, password: Password, code: Type.Optional(Code) }, { ...Strict, title: 'MerchantSignIn' });
export type MerchantSignIn = Static<typeof MerchantSignIn>;

/**
 * Who is signed in: the console (an operator user, or the bootstrap key: no email) or a merchant's
 * user; their role, and the permissions it holds, so the pages offer only what may be used.
 */
export const BackofficeSession = Type.Object({
  role: Type.Union([Type.Literal('operator'), Type.Literal('merchant')]),
  merchantId: Nullable(Type.Integer()),
  email: Nullable(Type.String()),
  expiresAt: Timestamp,
  who: Type.Union([Type.Literal('bootstrap-key'), Type.Literal('operator-user'), Type.Literal('merchant-user')]),
  staffRole: Type.String({ description: 'The operator role (owner, admin, finance, support, viewer) or merchant role (owner, developer, accountant)' }),
  permissions: Type.Array(Type.String(), { description: 'What the role may do (docs/operators.md)' }),
  twoFactor: Type.Object({ enabled: Type.Boolean(), mustSetUp: Type.Boolean({ description: 'The team requires it and it is not set up yet: only the account page works' }) }),
}, { title: 'BackofficeSession' });
export type BackofficeSession = Static<typeof BackofficeSession>;
