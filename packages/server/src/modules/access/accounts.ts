/**
 * People's accounts, as both kinds of back-office user share them: emails, generated first
 * passwords, password changes and resets (each ending the person's sessions), and the password
 * check that guards a two-factor setup.
 */
import type pg from 'pg';
import { recordAudit, SECRET_CHANGED, type Actor } from '../audit-log/index.ts';
import { inTransaction, type Db } from '../../platform/db/index.ts';
import { invalidField } from '../../platform/errors.ts';
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, verifyPassword } from './passwords.ts';
import type { Person } from './principal.ts';
import * as repo from './repository.ts';
import * as team from './team-repository.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalizeEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (!EMAIL.test(normalized) || normalized.length > 254) throw invalidField('email', `"${email}" is not an email address`);
  return normalized;
}

export function checkNewPassword(password: string, field: string): void {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    throw invalidField(field, `must be ${PASSWORD_MIN_LENGTH}-${PASSWORD_MAX_LENGTH} characters`);
  }
}

/** An INSERT that hit a unique email. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}

async function passwordHashOf(db: Db, person: Person): Promise<string | undefined> {
  const user = person.kind === 'operator' ? await team.findOperator(db, person.id) : await repo.findUser(db, person.id);
  return user?.passwordHash;
}

/** Whether the person's password is this one (a two-factor setup asks for it again). */
export async function verifyOwnPassword(db: Db, person: Person, password: string, field = 'password'): Promise<void> {
  const hash = await passwordHashOf(db, person);
  if (!hash || !(await verifyPassword(password, hash))) throw invalidField(field, 'is not your current password');
}

/** The person, signed in: their own password, with the current one as proof. Every session of theirs ends. */
export async function changePassword(pool: pg.Pool, person: Person, current: string, next: string, actor: Actor): Promise<void> {
  await verifyOwnPassword(pool, person, current, 'currentPassword');
  checkNewPassword(next, 'newPassword');
  await replacePassword(pool, person, await hashPassword(next), actor, 'password.change');
}

/** A new password set for the person; every session of theirs ends, in the same transaction. */
export async function replacePassword(pool: pg.Pool, person: Person, hash: string, actor: Actor, action: string): Promise<void> {
  await inTransaction(pool, async (tx) => {
    if (person.kind === 'operator') {
      await team.setOperatorPasswordHash(tx, person.id, hash);
      await team.deleteOperatorSessions(tx, person.id);
    } else {
      await repo.setPasswordHash(tx, person.id, hash);
      await repo.deleteUserSessions(tx, person.id);
    }
    await recordAudit(tx, actor, {
      action, target: { type: person.kind === 'operator' ? 'operator-user' : 'merchant-user', id: person.id }, after: { password: SECRET_CHANGED },
    });
  });
}
