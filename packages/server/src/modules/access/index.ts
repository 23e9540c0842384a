/**
 * Access to the back-office: merchant users (email and password) and the operator (the operator
 * token), browser sessions, and the sign-in throttle. Session and CSRF tokens are 256-bit random
 * values stored as SHA-256 only; passwords are scrypt hashes (passwords.ts).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type pg from 'pg';
import { inTransaction, type Db } from '../../platform/db/index.ts';
import { bearerMatches, hashToken } from '../../platform/crypto.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import { getMerchant } from '../merchants/index.ts';
import { generatePassword, hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, verifyDecoy, verifyPassword } from './passwords.ts';
import * as repo from './repository.ts';

export type { Role, WebUser } from './repository.ts';

/** A session lasts this long from sign-in, then the person signs in again. */
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

export interface SignInLimits {
  /** Failed attempts per account (email, or the operator) per window. */
  perAccount: number;
  /** Failed attempts per client address per window. */
  perIp: number;
  windowSeconds: number;
}

/** A signed-in browser, as every back-office request sees it. */
export interface Session {
  role: repo.Role;
  userId: number | null;
  merchantId: number | null;
  email: string | null;
  expiresAt: Date;
  csrfHash: Buffer;
}

/** What a sign-in hands to the browser: both tokens go into cookies, never into storage here. */
export interface OpenedSession {
  token: string;
  csrfToken: string;
  role: repo.Role;
  merchantId: number | null;
  expiresAt: Date;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function normalizeEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (!EMAIL.test(normalized) || normalized.length > 254) throw invalidField('email', `"${email}" is not an email address`);
  return normalized;
}

function checkNewPassword(password: string, field: string): void {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    throw invalidField(field, `must be ${PASSWORD_MIN_LENGTH}-${PASSWORD_MAX_LENGTH} characters`);
  }
}

/**
 * Back-office access as request handlers use it: bound to the database, the sign-in limits and
 * the operator token's hash (an operator session dies with the token it was opened with).
 */
export class Access {
  readonly #pool: pg.Pool;
  readonly #limits: SignInLimits;
  readonly #operatorTokenHash: Buffer;

  constructor(pool: pg.Pool, options: { limits: SignInLimits; operatorTokenHash: Buffer }) {
    this.#pool = pool;
    this.#limits = options.limits;
    this.#operatorTokenHash = options.operatorTokenHash;
  }

  createMerchantUser(merchantId: number, email: string): Promise<{ user: repo.WebUser; password: string }> {
    return createMerchantUser(this.#pool, merchantId, email);
  }

  users(merchantId: number): Promise<repo.WebUser[]> {
    return repo.listUsers(this.#pool, merchantId);
  }

  resetPassword(userId: number): Promise<{ user: repo.WebUser; password: string }> {
    return resetPassword(this.#pool, userId);
  }

  changePassword(userId: number, current: string, next: string): Promise<void> {
    return changePassword(this.#pool, userId, current, next);
  }

  signInMerchant(attempt: { email: string; password: string; ip: string }): Promise<OpenedSession> {
    return signInMerchant(this.#pool, this.#limits, attempt);
  }

  signInOperator(attempt: { token: string; ip: string }): Promise<OpenedSession> {
    return signInOperator(this.#pool, this.#limits, attempt, this.#operatorTokenHash);
  }

  /** The live session a cookie speaks for. */
  authenticate(sessionToken: string): Promise<Session | undefined> {
    return authenticate(this.#pool, sessionToken, this.#operatorTokenHash);
  }

  signOut(sessionToken: string): Promise<void> {
    return signOut(this.#pool, sessionToken);
  }

  /** Whether an Authorization header carries the operator token as a bearer token (the operator API). */
  isOperatorAuthorization(header: string | undefined): boolean {
    return bearerMatches(header, this.#operatorTokenHash);
  }
}

// ---- merchant users ----

/** A cabinet user for the merchant, with a generated first password (shown once, to the operator). */
async function createMerchantUser(db: Db, merchantId: number, email: string): Promise<{ user: repo.WebUser; password: string }> {
  const normalized = normalizeEmail(email);
  await getMerchant(db, merchantId);
  const password = generatePassword();
  try {
    return { user: await repo.insertUser(db, merchantId, normalized, await hashPassword(password)), password };
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new AppError('EMAIL_TAKEN', `${normalized} already has an account`);
    throw error;
  }
}

/** Operator: a new generated password for the user; every session of theirs ends. */
async function resetPassword(pool: pg.Pool, userId: number): Promise<{ user: repo.WebUser; password: string }> {
  const user = await repo.findUser(pool, userId);
  if (!user) throw new AppError('USER_NOT_FOUND', `user ${userId} does not exist`);
  const password = generatePassword();
  await replacePassword(pool, userId, password);
  const { passwordHash: _hash, ...rest } = user;
  return { user: rest, password };
}

/** The user, signed in: their own password, with the current one as proof. Other sessions end. */
async function changePassword(pool: pg.Pool, userId: number, current: string, next: string): Promise<void> {
  const user = await repo.findUser(pool, userId);
  if (!user || !(await verifyPassword(current, user.passwordHash))) throw invalidField('currentPassword', 'is not your current password');
  checkNewPassword(next, 'newPassword');
  await replacePassword(pool, userId, next);
}

async function replacePassword(pool: pg.Pool, userId: number, password: string): Promise<void> {
  const hash = await hashPassword(password);
  await inTransaction(pool, async (tx) => {
    await repo.setPasswordHash(tx, userId, hash);
    await repo.deleteUserSessions(tx, userId);
  });
}

// ---- signing in ----

async function signInMerchant(db: Db, limits: SignInLimits, attempt: { email: string; password: string; ip: string }): Promise<OpenedSession> {
  const email = attempt.email.trim().toLowerCase();
  return throttled(db, limits, email, attempt.ip, async () => {
    const user = await repo.findUserByEmail(db, email);
    const valid = user ? await verifyPassword(attempt.password, user.passwordHash) : await verifyDecoy(attempt.password);
    if (!user || !valid) return undefined;
    return open(db, { role: 'merchant', userId: user.id, merchantId: user.merchantId, credentialTag: null, ip: attempt.ip });
  });
}

/** The operator signs in with the operator token (the one secret the CLI uses too). */
async function signInOperator(db: Db, limits: SignInLimits, attempt: { token: string; ip: string }, operatorTokenHash: Buffer): Promise<OpenedSession> {
  return throttled(db, limits, 'operator', attempt.ip, async () => {
    if (!timingSafeEqual(hashToken(attempt.token), operatorTokenHash)) return undefined;
    return open(db, { role: 'operator', userId: null, merchantId: null, credentialTag: credentialTag(operatorTokenHash), ip: attempt.ip });
  });
}

/**
 * Counts the attempt against the account and the address first (one atomic statement, shared by
 * every instance), refuses past either limit without checking the secret, and takes the
 * attempt back when it succeeds: what stays counted are failures.
 */
async function throttled(db: Db, limits: SignInLimits, account: string, ip: string, attempt: () => Promise<OpenedSession | undefined>): Promise<OpenedSession> {
  const accountKey = `account:${account}`;
  const ipKey = `ip:${ip}`;
  const counted = await repo.countAttempt(db, [accountKey, ipKey], limits.windowSeconds);
  const over = counted.find((c) => c.attempts > (c.key === accountKey ? limits.perAccount : limits.perIp));
  if (over) {
    const retryAfterSeconds = Math.max(1, Math.ceil((over.windowStart.getTime() + limits.windowSeconds * 1000 - Date.now()) / 1000));
    throw new AppError('TOO_MANY_ATTEMPTS', `Too many failed sign-ins; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
  const session = await attempt();
  if (!session) throw new AppError('SIGN_IN_FAILED', 'Wrong email, password or token');
  await repo.releaseAttempt(db, [ipKey], counted[0]!.windowStart);
  await repo.clearAttempts(db, accountKey);
  await repo.deleteExpired(db);
  return session;
}

async function open(db: Db, who: { role: repo.Role; userId: number | null; merchantId: number | null; credentialTag: Buffer | null; ip: string }): Promise<OpenedSession> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const { expiresAt } = await repo.insertSession(db, {
    ...who, tokenHash: hashToken(token), csrfHash: hashToken(csrfToken), ttlSeconds: SESSION_TTL_SECONDS,
  });
  return { token, csrfToken, role: who.role, merchantId: who.merchantId, expiresAt };
}

function credentialTag(operatorTokenHash: Buffer): Buffer {
  return createHash('sha256').update('dropgate/operator-session').update(operatorTokenHash).digest();
}

// ---- per request ----

/** The live session a cookie speaks for; an operator session dies with the token it was opened with. */
async function authenticate(db: Db, token: string, operatorTokenHash: Buffer): Promise<Session | undefined> {
  const row = await repo.findLiveSession(db, hashToken(token));
  if (!row) return undefined;
  if (row.role === 'operator' && !(row.credentialTag && timingSafeEqual(row.credentialTag, credentialTag(operatorTokenHash)))) return undefined;
  return { role: row.role, userId: row.userId, merchantId: row.merchantId, email: row.email, expiresAt: row.expiresAt, csrfHash: row.csrfHash };
}

/** The CSRF token sent with a state-changing request must be this session's. */
export function csrfMatches(session: Session, csrfToken: string): boolean {
  return timingSafeEqual(hashToken(csrfToken), session.csrfHash);
}

async function signOut(db: Db, token: string): Promise<void> {
  await repo.deleteSession(db, hashToken(token));
}
