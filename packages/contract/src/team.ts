/**
 * The operator team and the audit trail (`/admin/v1` and the console): operator accounts and
 * their roles, API keys, the two-factor requirement, a person's own two-factor sign-in (console
 * and cabinet alike), merchant staff in the cabinet, and the audit trail's rows.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Id, NextBefore, Nullable, Page, Strict, Timestamp } from './common.ts';

export const OperatorRole = Type.Union(
  [Type.Literal('owner'), Type.Literal('admin'), Type.Literal('finance'), Type.Literal('support'), Type.Literal('viewer')],
  { title: 'OperatorRole' },
);
export type OperatorRole = Static<typeof OperatorRole>;
export const MerchantRole = Type.Union([Type.Literal('owner'), Type.Literal('developer'), Type.Literal('accountant')], { title: 'MerchantRole' });
export type MerchantRole = Static<typeof MerchantRole>;

const Email = Type.String({ minLength: 3, maxLength: 254 });
const Password = Type.String({ minLength: 1, maxLength: 200 });
/** A TOTP code (6 digits) or a recovery code (xxxx-xxxx-xxxx-xxxx). */
const Code = Type.String({ minLength: 6, maxLength: 40, description: 'The 6-digit code of the authenticator app, or a recovery code' });

// ---- operator accounts ----
export const InviteOperator = Type.Object({ email: Email, role: OperatorRole }, { ...Strict, title: 'InviteOperator' });
export const UpdateOperator = Type.Object(
  { role: Type.Optional(OperatorRole), disabled: Type.Optional(Type.Boolean({ description: 'A disabled account cannot sign in; its sessions end' })) },
  { ...Strict, minProperties: 1, title: 'UpdateOperator' },
);

const operatorFields = {
  id: Type.Integer(),
  email: Type.String(),
  role: OperatorRole,
  twoFactor: Type.Boolean({ description: 'Signs in with a second factor' }),
  disabled: Type.Boolean(),
  invitedBy: Type.String({ description: 'Who invited them, as the audit trail names people' }),
  passwordSetAt: Timestamp,
  createdAt: Timestamp,
};
export const OperatorUser = Type.Object(operatorFields, { title: 'OperatorUser' });
export type OperatorUser = Static<typeof OperatorUser>;
export const OperatorUserWithPassword = Type.Object(
  { ...operatorFields, password: Type.String({ description: 'Generated; shown in this answer only' }) },
  { title: 'OperatorUserWithPassword' },
);
export type OperatorUserWithPassword = Static<typeof OperatorUserWithPassword>;
export const OperatorUsers = Type.Object(
  { operators: Type.Array(OperatorUser), requireTwoFactor: Type.Boolean({ description: 'Whether every operator user must sign in with two-factor' }) },
  { title: 'OperatorUsers' },
);
export type OperatorUsers = Static<typeof OperatorUsers>;

export const TwoFactorPolicy = Type.Object({ requireTwoFactor: Type.Boolean() }, { ...Strict, title: 'TwoFactorPolicy' });
export type TwoFactorPolicy = Static<typeof TwoFactorPolicy>;

// ---- API keys ----
export const CreateApiKey = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), role: OperatorRole }, { ...Strict, title: 'CreateApiKey' });
const apiKeyFields = {
  id: Type.Integer(),
  name: Type.String(),
  role: OperatorRole,
  createdBy: Type.String(),
  createdAt: Timestamp,
  rotatedAt: Timestamp,
  lastUsedAt: Nullable(Timestamp),
  lastUsedIp: Nullable(Type.String()),
  revokedAt: Nullable(Timestamp),
};
export const ApiKey = Type.Object(apiKeyFields, { title: 'ApiKey' });
export type ApiKey = Static<typeof ApiKey>;
export const ApiKeyWithToken = Type.Object(
  { ...apiKeyFields, token: Type.String({ description: 'The key (dgk_…): shown in this answer only; send it as Authorization: Bearer' }) },
  { title: 'ApiKeyWithToken' },
);
export type ApiKeyWithToken = Static<typeof ApiKeyWithToken>;
export const ApiKeys = Type.Object({ keys: Type.Array(ApiKey) }, { title: 'ApiKeys' });
export type ApiKeys = Static<typeof ApiKeys>;

// ---- a person's own account (console and cabinet) ----
export const TwoFactorStatus = Type.Object({
  enabled: Type.Boolean(),
  pending: Type.Boolean({ description: 'Set up, waiting for its first code' }),
  recoveryCodesLeft: Type.Integer(),
  required: Type.Boolean({ description: 'The team requires it (operators)' }),
}, { title: 'TwoFactorStatus' });
export type TwoFactorStatus = Static<typeof TwoFactorStatus>;
export const TwoFactorSetUp = Type.Object({ password: Password }, { ...Strict, title: 'TwoFactorSetUp' });
export const TwoFactorSecret = Type.Object({
  secret: Type.String({ description: 'Base32: type it into the authenticator app, or open the uri; shown in this answer only' }),
  uri: Type.String({ description: 'otpauth://totp/… for the authenticator app' }),
}, { title: 'TwoFactorSecret' });
export type TwoFactorSecret = Static<typeof TwoFactorSecret>;
export const TwoFactorCode = Type.Object({ code: Code }, { ...Strict, title: 'TwoFactorCode' });
export const RecoveryCodes = Type.Object(
  { recoveryCodes: Type.Array(Type.String(), { description: 'Each works once, in place of a code; shown in this answer only' }) },
  { title: 'RecoveryCodes' },
);
export type RecoveryCodes = Static<typeof RecoveryCodes>;

// ---- merchant staff (cabinet) ----
export const CabinetCreateShop = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) }, { ...Strict, title: 'CabinetCreateShop' });
export const InviteStaff = Type.Object({ email: Email, role: MerchantRole }, { ...Strict, title: 'InviteStaff' });
export const SetStaffRole = Type.Object({ role: MerchantRole }, { ...Strict, title: 'SetStaffRole' });

// ---- the audit trail ----
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A UTC day, YYYY-MM-DD' });
export const AuditLogFilter = {
  actor: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: "Who, as the trail names them: 'operator:<email>', 'key:<name>', 'operator' (the bootstrap key), 'merchant-user:<id>'" })),
  action: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: "What, e.g. 'order.refund', 'offer.upsert', 'fx.set'" })),
  targetType: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: "What it was done to: 'order', 'offer', 'merchant', 'api-key', …" })),
  targetId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  merchantId: Type.Optional(Id),
  from: Type.Optional(Day),
  to: Type.Optional(Type.String({ ...Day, description: 'A UTC day, YYYY-MM-DD, included' })),
};
export const AuditLogQuery = Type.Object({ ...AuditLogFilter, ...Page }, { ...Strict, title: 'AuditLogQuery' });
export const AuditLogCsvQuery = Type.Object(AuditLogFilter, { ...Strict, title: 'AuditLogCsvQuery' });

/** A snapshot of what changed, passed through as recorded (secrets are never in it). */
const Snapshot = Nullable(Type.Unsafe<Record<string, unknown>>(Type.Object({}, { additionalProperties: true })));
export const AuditLogEntry = Type.Object({
  id: Type.Integer(),
  at: Timestamp,
  actor: Type.String(),
  actorKind: Type.Union([Type.Literal('bootstrap-key'), Type.Literal('operator-user'), Type.Literal('api-key'), Type.Literal('merchant-user'), Type.Literal('system')]),
  actorName: Type.String({ description: "The person's email, or the key's name" }),
  merchantId: Nullable(Type.Integer({ description: "A merchant user's merchant" })),
  ip: Nullable(Type.String()),
  action: Type.String(),
  targetType: Type.String(),
  targetId: Nullable(Type.String()),
  before: Snapshot,
  after: Snapshot,
}, { title: 'AuditLogEntry' });
export type AuditLogEntry = Static<typeof AuditLogEntry>;
export const AuditLogPage = Type.Object({ entries: Type.Array(AuditLogEntry), nextBefore: NextBefore }, { title: 'AuditLogPage' });
export type AuditLogPage = Static<typeof AuditLogPage>;
export const AuditLogCsv = Type.String({ title: 'AuditLogCsv', description: 'id,at,actor,actorKind,actorName,merchantId,ip,action,targetType,targetId,before,after' });
