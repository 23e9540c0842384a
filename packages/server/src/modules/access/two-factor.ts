/**
 * Two-factor sign-in: TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps, as every
 * authenticator app expects), through the otpauth library. The secret is sealed at rest with the
 * key vault and leaves the hub once, in the setup answer; a code is accepted for one time step
 * only (no replay), with one step of clock drift either way. Ten recovery codes (80 random bits
 * each, stored as SHA-256) stand in for a lost device, each once.
 */
import { Secret, TOTP } from 'otpauth';
import type pg from 'pg';
import { recordAudit, SECRET_CHANGED, type Actor } from '../audit-log/index.ts';
import { inTransaction, type Db } from '../../platform/db/index.ts';
import { hashToken, type KeyVault } from '../../platform/crypto.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import type { Person } from './principal.ts';
import * as repo from './two-factor-repository.ts';

const ISSUER = 'Dropgate';
const RECOVERY_CODES = 10;
const TOTP_CODE = /^\d{6}$/;
/** Four groups of four base32 characters: 80 bits. */
const RECOVERY_CODE = /^[a-z2-7]{16}$/;

export interface TwoFactorStatus {
  enabled: boolean;
  /** Set up and waiting for its first code. */
  pending: boolean;
  recoveryCodesLeft: number;
}

export async function twoFactorStatus(db: Db, person: Person): Promise<TwoFactorStatus> {
  const row = await repo.findTwoFactor(db, person);
  return { enabled: row?.enabled ?? false, pending: row !== undefined && !row.enabled, recoveryCodesLeft: row?.enabled ? row.recoveryCodesLeft : 0 };
}

function totp(secret: Secret, label: string): TOTP {
  return new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: 30, secret });
}

/** A new secret for the person (shown this once, for their authenticator app), enabled by the first code. */
export async function setUp(pool: pg.Pool, vault: KeyVault, person: Person, label: string, actor: Actor): Promise<{ secret: string; uri: string }> {
  const secret = new Secret({ size: 20 });
  await inTransaction(pool, async (tx) => {
    const current = await repo.findTwoFactor(tx, person, true);
    if (current?.enabled) throw new AppError('TWO_FACTOR_ALREADY_ON', 'Two-factor sign-in is already on; turn it off first to set up another device');
    await repo.putPending(tx, person, vault.seal(secret.base32));
    await recordAudit(tx, actor, { action: 'two-factor.set-up', target: target(person), after: { twoFactor: 'pending' } });
  });
  return { secret: secret.base32, uri: totp(secret, label).toString() };
}

/** Turns two-factor on with a first code from the app; answers the recovery codes, shown this once. */
export async function enable(pool: pg.Pool, vault: KeyVault, person: Person, code: string, actor: Actor): Promise<string[]> {
  return inTransaction(pool, async (tx) => {
    const row = await repo.findTwoFactor(tx, person, true);
    if (row?.enabled) throw new AppError('TWO_FACTOR_ALREADY_ON', 'Two-factor sign-in is already on');
    if (!row) throw new AppError('TWO_FACTOR_NOT_ON', 'Set up two-factor sign-in first');
    const step = matchingStep(vault, row, code);
    if (step === undefined) throw invalidField('code', 'is not the current code of your authenticator app');
    const codes = recoveryCodes();
    await repo.enable(tx, row.id, step, codes.map(recoveryHash));
    await recordAudit(tx, actor, { action: 'two-factor.enable', target: target(person), before: { twoFactor: false }, after: { twoFactor: true, recoveryCodes: SECRET_CHANGED } });
    return codes;
  });
}

/** Turns two-factor off; proven with a current code or a recovery code. */
export async function disable(pool: pg.Pool, vault: KeyVault, person: Person, code: string, actor: Actor): Promise<void> {
  await requireCode(pool, vault, person, code);
  await inTransaction(pool, async (tx) => {
    await repo.deleteTwoFactor(tx, person);
    await recordAudit(tx, actor, { action: 'two-factor.disable', target: target(person), before: { twoFactor: true }, after: { twoFactor: false } });
  });
}

/** A fresh set of recovery codes (the old ones stop working); proven with a current code. */
export async function renewRecoveryCodes(pool: pg.Pool, vault: KeyVault, person: Person, code: string, actor: Actor): Promise<string[]> {
  const row = await requireCode(pool, vault, person, code);
  const codes = recoveryCodes();
  await inTransaction(pool, async (tx) => {
    await repo.replaceRecoveryCodes(tx, row.id, codes.map(recoveryHash));
    await recordAudit(tx, actor, { action: 'two-factor.recovery-codes', target: target(person), after: { recoveryCodes: SECRET_CHANGED } });
  });
  return codes;
}

/** Someone else turns a person's two-factor off (a lost device, no recovery code left). */
export async function reset(tx: pg.PoolClient, person: Person, actor: Actor): Promise<boolean> {
  const removed = await repo.deleteTwoFactor(tx, person);
  if (removed) await recordAudit(tx, actor, { action: 'two-factor.reset', target: target(person), before: { twoFactor: true }, after: { twoFactor: false } });
  return removed;
}

/**
 * Checks a second factor at sign-in: a current TOTP code (each time step once) or an unused
 * recovery code (used up). Undefined when the person has no two-factor on.
 */
export async function verifySecondFactor(db: Db, vault: KeyVault, person: Person, code: string | undefined): Promise<'totp' | 'recovery' | false | undefined> {
  const row = await repo.findTwoFactor(db, person);
  if (!row?.enabled) return undefined;
  if (code === undefined) return false;
  return (await acceptCode(db, vault, row, code)) ?? false;
}

async function requireCode(pool: pg.Pool, vault: KeyVault, person: Person, code: string): Promise<repo.TwoFactorRow> {
  const row = await repo.findTwoFactor(pool, person);
  if (!row?.enabled) throw new AppError('TWO_FACTOR_NOT_ON', 'Two-factor sign-in is not on');
  if (!(await acceptCode(pool, vault, row, code))) throw invalidField('code', 'is not a current code of your authenticator app or an unused recovery code');
  return row;
}

async function acceptCode(db: Db, vault: KeyVault, row: repo.TwoFactorRow, code: string): Promise<'totp' | 'recovery' | undefined> {
  const given = code.replace(/[\s-]/g, '').toLowerCase();
  if (TOTP_CODE.test(given)) {
    const step = matchingStep(vault, row, given);
    return step !== undefined && (await repo.claimStep(db, row.id, step)) ? 'totp' : undefined;
  }
  if (RECOVERY_CODE.test(given)) return (await repo.useRecoveryCode(db, row.id, recoveryHash(given))) ? 'recovery' : undefined;
  return undefined;
}

/** The time step the code belongs to (now, or one step either side), if it is right. */
function matchingStep(vault: KeyVault, row: repo.TwoFactorRow, code: string): number | undefined {
  const secret = Secret.fromBase32(vault.open(row.secretSealed));
  const delta = TOTP.validate({ token: code.trim(), secret, algorithm: 'SHA1', digits: 6, period: 30, window: 1 });
  return delta === null ? undefined : TOTP.counter({ period: 30 }) + delta;
}

function recoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODES }, () => new Secret({ size: 10 }).base32.toLowerCase().match(/.{4}/g)!.join('-'));
}

function recoveryHash(code: string): Buffer {
  return hashToken(code.replace(/[\s-]/g, '').toLowerCase());
}

function target(person: Person): { type: string; id: number } {
  return { type: person.kind === 'operator' ? 'operator-user' : 'merchant-user', id: person.id };
}
