/**
 * The operator team: operator users (invited by an owner, with a role), API keys for automation
 * (scoped to a role, shown once, stored as SHA-256, rotatable, revocable, last use recorded), and
 * the owner's rule that every operator user signs in with two-factor. Every change is one
 * transaction with its audit row.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { recordAudit, SECRET_CHANGED, type Actor } from '../audit-log/index.ts';
import { inTransaction } from '../../platform/db/index.ts';
import { hashToken } from '../../platform/crypto.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import { isUniqueViolation, normalizeEmail, replacePassword } from './accounts.ts';
import { generatePassword, hashPassword } from './passwords.ts';
import type { OperatorRole } from './permissions.ts';
import * as repo from './team-repository.ts';
import { reset as resetTwoFactor } from './two-factor.ts';

export type { ApiKey, OperatorUser } from './team-repository.ts';

/** An API key: "dgk_" and 160 random bits in hex, so a leaked one is recognisable in logs and scans. */
export const API_KEY_FORMAT = /^dgk_[0-9a-f]{40}$/;

function operatorSnapshot(user: { email: string; role: OperatorRole; disabled: boolean }) {
  return { email: user.email, role: user.role, disabled: user.disabled };
}

async function operatorOf(db: pg.Pool | pg.PoolClient, id: number, lock = false): Promise<repo.OperatorUser> {
  const user = await repo.findOperator(db, id, lock);
  if (!user) throw new AppError('USER_NOT_FOUND', `operator user ${id} does not exist`);
  const { passwordHash: _hash, ...rest } = user;
  return rest;
}

/** An owner invites someone: their account with a generated first password, shown this once. */
export async function invite(pool: pg.Pool, email: string, role: OperatorRole, actor: Actor): Promise<{ user: repo.OperatorUser; password: string }> {
  const normalized = normalizeEmail(email);
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  try {
    const id = await inTransaction(pool, async (tx) => {
      const made = await repo.insertOperator(tx, { email: normalized, role, passwordHash, invitedBy: actor.label });
      await recordAudit(tx, actor, { action: 'operator.invite', target: { type: 'operator-user', id: made }, after: operatorSnapshot({ email: normalized, role, disabled: false }) });
      return made;
    });
    return { user: await operatorOf(pool, id), password };
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('EMAIL_TAKEN', `${normalized} already has an operator account`);
    throw error;
  }
}

/** A new role, or disabled / enabled again (disabling ends their sessions). No one changes themselves. */
export async function update(pool: pg.Pool, id: number, change: { role?: OperatorRole | undefined; disabled?: boolean | undefined }, actor: Actor): Promise<repo.OperatorUser> {
  if (actor.kind === 'operator-user' && actor.id === id) throw invalidField('id', 'you cannot change your own role or account; ask another owner');
  await inTransaction(pool, async (tx) => {
    const before = await operatorOf(tx, id, true);
    await repo.updateOperator(tx, id, change);
    if (change.disabled) await repo.deleteOperatorSessions(tx, id);
    const after = { ...before, ...(change.role !== undefined && { role: change.role }), ...(change.disabled !== undefined && { disabled: change.disabled }) };
    await recordAudit(tx, actor, { action: 'operator.update', target: { type: 'operator-user', id }, before: operatorSnapshot(before), after: operatorSnapshot(after) });
  });
  return operatorOf(pool, id);
}

/** A new generated password (shown once); their sessions end. */
export async function resetOperatorPassword(pool: pg.Pool, id: number, actor: Actor): Promise<{ user: repo.OperatorUser; password: string }> {
  const user = await operatorOf(pool, id);
  const password = generatePassword();
  await replacePassword(pool, { kind: 'operator', id }, await hashPassword(password), actor, 'operator.reset-password');
  return { user, password };
}

/** Turns their two-factor off (a lost device with no recovery code left); their sessions end. */
export async function resetOperatorTwoFactor(pool: pg.Pool, id: number, actor: Actor): Promise<repo.OperatorUser> {
  await operatorOf(pool, id);
  await inTransaction(pool, async (tx) => {
    if (!(await resetTwoFactor(tx, { kind: 'operator', id }, actor))) throw new AppError('TWO_FACTOR_NOT_ON', `operator user ${id} has no two-factor sign-in`);
    await repo.deleteOperatorSessions(tx, id);
  });
  return operatorOf(pool, id);
}

export async function setTwoFactorRequired(pool: pg.Pool, required: boolean, actor: Actor): Promise<void> {
  await inTransaction(pool, async (tx) => {
    const before = await repo.requiresTwoFactor(tx);
    await repo.setRequiresTwoFactor(tx, required);
    await recordAudit(tx, actor, { action: 'policy.two-factor', target: { type: 'policy', id: 'two-factor' }, before: { requireTwoFactor: before }, after: { requireTwoFactor: required } });
  });
}

// ---- API keys ----

function newKeyToken(): string {
  return `dgk_${randomBytes(20).toString('hex')}`;
}

function keySnapshot(key: { name: string; role: OperatorRole; revokedAt: Date | null }) {
  return { name: key.name, role: key.role, revoked: key.revokedAt !== null };
}

export async function createKey(pool: pg.Pool, name: string, role: OperatorRole, actor: Actor): Promise<{ key: repo.ApiKey; token: string }> {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 100) throw invalidField('name', 'must be 1-100 characters');
  const token = newKeyToken();
  try {
    const key = await inTransaction(pool, async (tx) => {
      const made = await repo.insertKey(tx, { name: trimmed, role, tokenHash: hashToken(token), createdBy: actor.label });
      await recordAudit(tx, actor, { action: 'api-key.create', target: { type: 'api-key', id: made.id }, after: { ...keySnapshot(made), token: SECRET_CHANGED } });
      return made;
    });
    return { key, token };
  } catch (error) {
    // Names are unique for good (a revoked key keeps its name), so the trail's "key:<name>" is one key.
    if (isUniqueViolation(error)) throw invalidField('name', `an API key named "${trimmed}" exists or existed`);
    throw error;
  }
}

async function liveKey(tx: pg.PoolClient, id: number): Promise<repo.ApiKey> {
  const key = await repo.findKey(tx, id, true);
  if (!key) throw new AppError('API_KEY_NOT_FOUND', `API key ${id} does not exist`);
  if (key.revokedAt) throw new AppError('API_KEY_NOT_FOUND', `API key ${id} was revoked`);
  return key;
}

/** A new token for the key (shown once); the old one stops working at once. */
export async function rotateKey(pool: pg.Pool, id: number, actor: Actor): Promise<{ key: repo.ApiKey; token: string }> {
  const token = newKeyToken();
  const key = await inTransaction(pool, async (tx) => {
    await liveKey(tx, id);
    const rotated = await repo.replaceKeyToken(tx, id, hashToken(token));
    await recordAudit(tx, actor, { action: 'api-key.rotate', target: { type: 'api-key', id }, after: { token: SECRET_CHANGED } });
    return rotated;
  });
  return { key, token };
}

export async function revokeKey(pool: pg.Pool, id: number, actor: Actor): Promise<repo.ApiKey> {
  return inTransaction(pool, async (tx) => {
    const before = await liveKey(tx, id);
    const revoked = await repo.revokeKey(tx, id);
    await recordAudit(tx, actor, { action: 'api-key.revoke', target: { type: 'api-key', id }, before: keySnapshot(before), after: keySnapshot(revoked) });
    return revoked;
  });
}
