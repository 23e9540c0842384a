/**
 * A merchant's staff: cabinet users with a merchant role (owner, developer, accountant). The
 * operator makes a merchant's first users; the merchant's owners invite the rest. A merchant
 * always keeps at least one owner, and no one changes or removes themselves.
 */
import type pg from 'pg';
import { recordAudit, type Actor } from '../audit-log/index.ts';
import { inTransaction } from '../../platform/db/index.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import { getMerchant } from '../merchants/index.ts';
import { isUniqueViolation, normalizeEmail, replacePassword } from './accounts.ts';
import { generatePassword, hashPassword } from './passwords.ts';
import type { MerchantRole } from './permissions.ts';
import * as repo from './repository.ts';
import { reset as resetTwoFactor } from './two-factor.ts';

function userSnapshot(user: { merchantId: number; email: string; role: MerchantRole }) {
  return { merchantId: user.merchantId, email: user.email, role: user.role };
}

/** A cabinet user for the merchant, with a generated first password (shown once, to whoever made it). */
export async function createMerchantUser(pool: pg.Pool, merchantId: number, email: string, role: MerchantRole, actor: Actor): Promise<{ user: repo.WebUser; password: string }> {
  const normalized = normalizeEmail(email);
  await getMerchant(pool, merchantId);
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  try {
    const user = await inTransaction(pool, async (tx) => {
      const made = await repo.insertUser(tx, { merchantId, email: normalized, passwordHash, role });
      await recordAudit(tx, actor, { action: 'merchant-user.create', target: { type: 'merchant-user', id: made.id }, after: userSnapshot(made) });
      return made;
    });
    return { user, password };
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('EMAIL_TAKEN', `${normalized} already has an account`);
    throw error;
  }
}

/** A user of this merchant, or USER_NOT_FOUND (another merchant's user does not exist here). */
async function userOf(pool: pg.Pool, userId: number, merchantId?: number): Promise<repo.WebUser & { passwordHash: string }> {
  const user = await repo.findUser(pool, userId);
  if (!user || (merchantId !== undefined && user.merchantId !== merchantId)) throw new AppError('USER_NOT_FOUND', `user ${userId} does not exist`);
  return user;
}

/** A new generated password for the user; every session of theirs ends. `merchantId`: only that merchant's users. */
export async function resetPassword(pool: pg.Pool, userId: number, actor: Actor, merchantId?: number): Promise<{ user: repo.WebUser; password: string }> {
  const { passwordHash: _hash, ...user } = await userOf(pool, userId, merchantId);
  const password = generatePassword();
  await replacePassword(pool, { kind: 'merchant', id: userId }, await hashPassword(password), actor, 'merchant-user.reset-password');
  return { user, password };
}

/**
 * Changes a staff member's role, or removes them (role null). The merchant's users are locked
 * first, so two owners demoting each other at once still leave one owner.
 */
export async function changeStaff(pool: pg.Pool, merchantId: number, userId: number, role: MerchantRole | null, actor: Actor): Promise<repo.WebUser | undefined> {
  if (actor.kind === 'merchant-user' && actor.id === userId) throw invalidField('id', 'you cannot change or remove yourself; ask another owner');
  const before = await userOf(pool, userId, merchantId);
  await inTransaction(pool, async (tx) => {
    const users = await repo.lockUsers(tx, merchantId);
    const owners = users.filter((u) => u.role === 'owner' && u.id !== userId).length;
    if (owners === 0 && role !== 'owner') throw invalidField(role === null ? 'id' : 'role', 'a merchant keeps at least one owner');
    if (role === null) await repo.deleteUser(tx, userId);
    else await repo.setUserRole(tx, userId, role);
    await recordAudit(tx, actor, {
      action: role === null ? 'merchant-user.remove' : 'merchant-user.role',
      target: { type: 'merchant-user', id: userId },
      before: userSnapshot(before),
      after: role === null ? null : userSnapshot({ ...before, role }),
    });
  });
  return role === null ? undefined : { ...before, role };
}

/** The operator turns a merchant user's two-factor off (a lost device); their sessions end. */
export async function resetMerchantUserTwoFactor(pool: pg.Pool, userId: number, actor: Actor): Promise<repo.WebUser> {
  const { passwordHash: _hash, ...user } = await userOf(pool, userId);
  await inTransaction(pool, async (tx) => {
    if (!(await resetTwoFactor(tx, { kind: 'merchant', id: userId }, actor))) throw new AppError('TWO_FACTOR_NOT_ON', `user ${userId} has no two-factor sign-in`);
    await repo.deleteUserSessions(tx, userId);
  });
  return { ...user, twoFactor: false };
}

