/**
 * Signing in to the back-office: merchant users and operator users with email, password and (when
 * they turned it on) a second factor; the bootstrap key with the operator token. Every attempt
 * goes through the one throttle, which counts failures per account and per address in
 * PostgreSQL, so a wrong second-factor code costs exactly what a wrong password costs.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type pg from 'pg';
import { bootstrapActor, merchantUserActor, operatorUserActor, recordAudit, type Actor } from '../audit-log/index.ts';
import { inTransaction, type Db } from '../../platform/db/index.ts';
import { hashToken, type KeyVault } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import { verifyDecoy, verifyPassword } from './passwords.ts';
import type { Person } from './principal.ts';
import * as repo from './repository.ts';
import * as team from './team-repository.ts';
import { verifySecondFactor } from './two-factor.ts';

/** A session lasts this long from sign-in, then the person signs in again. */
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

export interface SignInLimits {
  /** Failed attempts per account (an email, or the bootstrap key) per window. */
  perAccount: number;
  /** Failed attempts per client address per window. */
  perIp: number;
  windowSeconds: number;
}

/** What a sign-in hands to the browser: both tokens go into cookies, never into storage here. */
export interface OpenedSession {
  token: string;
  csrfToken: string;
  role: repo.Role;
  merchantId: number | null;
  expiresAt: Date;
}

export interface PasswordAttempt {
  email: string;
  password: string;
  /** The authenticator app's code, or a recovery code; needed once the person turned two-factor on. */
  code?: string | undefined;
  ip: string;
}

/** A failed attempt stays counted; a right password that still needs its code does not. */
type Outcome = OpenedSession | 'failed' | 'code-required';

interface Signed {
  person: Person;
  session: Omit<Parameters<typeof repo.insertSession>[1], 'tokenHash' | 'csrfHash' | 'ip' | 'ttlSeconds'>;
  actor: Actor;
}

export async function signInMerchant(pool: pg.Pool, vault: KeyVault, limits: SignInLimits, attempt: PasswordAttempt): Promise<OpenedSession> {
  const email = attempt.email.trim().toLowerCase();
  return throttled(pool, limits, email, attempt.ip, async () => {
    const user = await repo.findUserByEmail(pool, email);
    const valid = user ? await verifyPassword(attempt.password, user.passwordHash) : await verifyDecoy(attempt.password);
    if (!user || !valid) return 'failed';
    return secondFactorThenOpen(pool, vault, attempt, {
      person: { kind: 'merchant', id: user.id },
      session: { role: 'merchant', userId: user.id, merchantId: user.merchantId, operatorUserId: null, credentialTag: null },
      actor: merchantUserActor(user, attempt.ip),
    });
  });
}

/** An operator user (a disabled one cannot sign in, and answers as a wrong password would). */
export async function signInOperatorUser(pool: pg.Pool, vault: KeyVault, limits: SignInLimits, attempt: PasswordAttempt): Promise<OpenedSession> {
  const email = attempt.email.trim().toLowerCase();
  return throttled(pool, limits, `operator-user:${email}`, attempt.ip, async () => {
    const user = await team.findOperatorByEmail(pool, email);
    const valid = user ? await verifyPassword(attempt.password, user.passwordHash) : await verifyDecoy(attempt.password);
    if (!user || !valid || user.disabled) return 'failed';
    return secondFactorThenOpen(pool, vault, attempt, {
      person: { kind: 'operator', id: user.id },
      session: { role: 'operator', userId: null, merchantId: null, operatorUserId: user.id, credentialTag: null },
      actor: operatorUserActor(user, attempt.ip),
    });
  });
}

/** The bootstrap key: the operator token (the owner's key of last resort, the CLI's by default). */
export async function signInBootstrap(pool: pg.Pool, limits: SignInLimits, attempt: { token: string; ip: string }, operatorTokenHash: Buffer): Promise<OpenedSession> {
  return throttled(pool, limits, 'operator', attempt.ip, async () => {
    if (!timingSafeEqual(hashToken(attempt.token), operatorTokenHash)) return 'failed';
    return open(pool, attempt.ip, {
      session: { role: 'operator', userId: null, merchantId: null, operatorUserId: null, credentialTag: bootstrapTag(operatorTokenHash) },
      actor: bootstrapActor(attempt.ip),
      secondFactor: null,
    });
  });
}

async function secondFactorThenOpen(pool: pg.Pool, vault: KeyVault, attempt: PasswordAttempt, who: Signed): Promise<Outcome> {
  const code = attempt.code?.trim() || undefined;
  const second = await verifySecondFactor(pool, vault, who.person, code);
  if (second === false) return code === undefined ? 'code-required' : 'failed';
  return open(pool, attempt.ip, { session: who.session, actor: who.actor, secondFactor: second ?? null });
}

/**
 * Counts the attempt against the account and the address first (one atomic statement, shared by
 * every instance), refuses past either limit without checking anything, and takes the attempt
 * back when it was no failure: what stays counted are failures.
 */
async function throttled(db: Db, limits: SignInLimits, account: string, ip: string, attempt: () => Promise<Outcome>): Promise<OpenedSession> {
  const accountKey = `account:${account}`;
  const ipKey = `ip:${ip}`;
  const counted = await repo.countAttempt(db, [accountKey, ipKey], limits.windowSeconds);
  const over = counted.find((c) => c.attempts > (c.key === accountKey ? limits.perAccount : limits.perIp));
  if (over) {
    const retryAfterSeconds = Math.max(1, Math.ceil((over.windowStart.getTime() + limits.windowSeconds * 1000 - Date.now()) / 1000));
    throw new AppError('TOO_MANY_ATTEMPTS', `Too many failed sign-ins; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
  const outcome = await attempt();
  if (outcome === 'failed') throw new AppError('SIGN_IN_FAILED', 'Wrong email, password, code or token');
  if (outcome === 'code-required') {
    await repo.releaseAttempt(db, [ipKey, accountKey], counted[0]!.windowStart);
    throw new AppError('TWO_FACTOR_REQUIRED', 'Enter the code from your authenticator app (or a recovery code)');
  }
  await repo.releaseAttempt(db, [ipKey], counted[0]!.windowStart);
  await repo.clearAttempts(db, accountKey);
  await repo.deleteExpired(db);
  return outcome;
}

/** The session and its audit row, in one transaction. */
async function open(pool: pg.Pool, ip: string, who: Omit<Signed, 'person'> & { secondFactor: 'totp' | 'recovery' | null }): Promise<OpenedSession> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const { expiresAt } = await inTransaction(pool, async (tx) => {
    const opened = await repo.insertSession(tx, {
      ...who.session, ip, tokenHash: hashToken(token), csrfHash: hashToken(csrfToken), ttlSeconds: SESSION_TTL_SECONDS,
    });
    await recordAudit(tx, who.actor, {
      action: 'session.sign-in',
      target: { type: 'session', id: null },
      after: { surface: who.session.role === 'operator' ? 'console' : 'cabinet', secondFactor: who.secondFactor, expiresAt: opened.expiresAt.toISOString() },
    });
    return opened;
  });
  return { token, csrfToken, role: who.session.role, merchantId: who.session.merchantId, expiresAt };
}

/** What a bootstrap session records of the key it was opened with: it dies when the key changes. */
export function bootstrapTag(operatorTokenHash: Buffer): Buffer {
  return createHash('sha256').update('dropgate/operator-session').update(operatorTokenHash).digest();
}
