/**
 * Access to the hub's back-office and operator API: who someone is (sessions, API keys, the
 * bootstrap key), how they prove it (scrypt passwords, two-factor codes, the sign-in throttle),
 * what their role lets them do (permissions.ts), and the accounts themselves: operator users and
 * API keys (the Team), merchant staff. Session, CSRF and API-key tokens are random values stored
 * as SHA-256 only; two-factor secrets are sealed with the key vault.
 */
import { timingSafeEqual } from 'node:crypto';
import type pg from 'pg';
import { recordAudit, type Actor } from '../audit-log/index.ts';
import { inTransaction } from '../../platform/db/index.ts';
import { hashToken, type KeyVault } from '../../platform/crypto.ts';
import { changePassword, verifyOwnPassword } from './accounts.ts';
import { changeStaff, createMerchantUser, resetMerchantUserTwoFactor, resetPassword } from './merchant-users.ts';
import type { MerchantRole, OperatorRole } from './permissions.ts';
import type { Person, Principal } from './principal.ts';
import * as repo from './repository.ts';
import { bootstrapTag, signInBootstrap, signInMerchant, signInOperatorUser, type OpenedSession, type PasswordAttempt, type SignInLimits } from './sign-in.ts';
import * as team from './team.ts';
import * as teamRepo from './team-repository.ts';
import * as twoFactor from './two-factor.ts';

export type { Role, WebUser } from './repository.ts';
export type { ApiKey, OperatorUser } from './team.ts';
export type { OpenedSession, SignInLimits } from './sign-in.ts';
export type { TwoFactorStatus } from './two-factor.ts';
export { SESSION_TTL_SECONDS } from './sign-in.ts';
export { actorOf, personOf, type Person, type Principal } from './principal.ts';
export * from './permissions.ts';

/** A signed-in browser, as every back-office request sees it. */
export interface Session {
  /** The surface: the operator console or the merchant cabinet. */
  role: repo.Role;
  principal: Principal;
  userId: number | null;
  merchantId: number | null;
  email: string | null;
  expiresAt: Date;
  csrfHash: Buffer;
}

/**
 * Back-office access as request handlers use it: bound to the database, the key vault (two-factor
 * secrets), the sign-in limits and the bootstrap key's hash (a bootstrap session dies with the
 * key it was opened with).
 */
export class Access {
  readonly #pool: pg.Pool;
  readonly #vault: KeyVault;
  readonly #limits: SignInLimits;
  readonly #operatorTokenHash: Buffer;

  constructor(pool: pg.Pool, vault: KeyVault, options: { limits: SignInLimits; operatorTokenHash: Buffer }) {
    this.#pool = pool;
    this.#vault = vault;
    this.#limits = options.limits;
    this.#operatorTokenHash = options.operatorTokenHash;
  }

  // ---- signing in, sessions, keys ----

  signInMerchant(attempt: PasswordAttempt): Promise<OpenedSession> {
    return signInMerchant(this.#pool, this.#vault, this.#limits, attempt);
  }

  signInOperatorUser(attempt: PasswordAttempt): Promise<OpenedSession> {
    return signInOperatorUser(this.#pool, this.#vault, this.#limits, attempt);
  }

  /** The console with the bootstrap key (the operator token). */
  signInOperator(attempt: { token: string; ip: string }): Promise<OpenedSession> {
    return signInBootstrap(this.#pool, this.#limits, attempt, this.#operatorTokenHash);
  }

  /** The live session a cookie speaks for, with who it belongs to as of now. */
  async authenticate(sessionToken: string): Promise<Session | undefined> {
    const row = await repo.findLiveSession(this.#pool, hashToken(sessionToken));
    if (!row) return undefined;
    const principal = this.#sessionPrincipal(row);
    if (!principal) return undefined;
    return { role: row.role, principal, userId: row.userId, merchantId: row.merchantId, email: row.email, expiresAt: row.expiresAt, csrfHash: row.csrfHash };
  }

  #sessionPrincipal(row: repo.SessionRow): Principal | undefined {
    if (row.role === 'merchant') {
      return { kind: 'merchant-user', id: row.userId!, email: row.email!, merchantId: row.merchantId!, role: row.staffRole as MerchantRole, twoFactor: row.twoFactor };
    }
    if (row.operatorUserId !== null) {
      return {
        kind: 'operator-user', id: row.operatorUserId, email: row.email!, role: row.staffRole as OperatorRole, twoFactor: row.twoFactor,
        mustEnrollTwoFactor: row.twoFactorRequired && !row.twoFactor,
      };
    }
    return row.credentialTag && timingSafeEqual(row.credentialTag, bootstrapTag(this.#operatorTokenHash)) ? { kind: 'bootstrap-key', role: 'owner' } : undefined;
  }

  /** The operator API's bearer token: the bootstrap key, or a live API key (its use is recorded). */
  async authenticateBearer(token: string, ip: string): Promise<Principal | undefined> {
    if (token.length === 0) return undefined;
    if (timingSafeEqual(hashToken(token), this.#operatorTokenHash)) return { kind: 'bootstrap-key', role: 'owner' };
    if (!team.API_KEY_FORMAT.test(token)) return undefined;
    const key = await teamRepo.findLiveKeyByHash(this.#pool, hashToken(token));
    if (!key) return undefined;
    await teamRepo.touchKey(this.#pool, key.id, ip);
    return { kind: 'api-key', id: key.id, name: key.name, role: key.role };
  }

  /** Ends the session on the hub; the trail records who signed out. */
  async signOut(sessionToken: string, actor: Actor): Promise<void> {
    await inTransaction(this.#pool, async (tx) => {
      const ended = await repo.deleteSession(tx, hashToken(sessionToken));
      if (ended) await recordAudit(tx, actor, { action: 'session.sign-out', target: { type: 'session', id: null } });
    });
  }

  // ---- a person's own account ----

  changePassword(person: Person, current: string, next: string, actor: Actor): Promise<void> {
    return changePassword(this.#pool, person, current, next, actor);
  }

  twoFactorStatus(person: Person): Promise<twoFactor.TwoFactorStatus> {
    return twoFactor.twoFactorStatus(this.#pool, person);
  }

  /** A new two-factor secret (after the password, asked again), for the person's authenticator app. */
  async setUpTwoFactor(person: Person, label: string, password: string, actor: Actor): Promise<{ secret: string; uri: string }> {
    await verifyOwnPassword(this.#pool, person, password);
    return twoFactor.setUp(this.#pool, this.#vault, person, label, actor);
  }

  enableTwoFactor(person: Person, code: string, actor: Actor): Promise<string[]> {
    return twoFactor.enable(this.#pool, this.#vault, person, code, actor);
  }

  disableTwoFactor(person: Person, code: string, actor: Actor): Promise<void> {
    return twoFactor.disable(this.#pool, this.#vault, person, code, actor);
  }

  renewRecoveryCodes(person: Person, code: string, actor: Actor): Promise<string[]> {
    return twoFactor.renewRecoveryCodes(this.#pool, this.#vault, person, code, actor);
  }

  // ---- merchant staff ----

  createMerchantUser(merchantId: number, email: string, role: MerchantRole, actor: Actor): Promise<{ user: repo.WebUser; password: string }> {
    return createMerchantUser(this.#pool, merchantId, email, role, actor);
  }

  users(merchantId: number): Promise<repo.WebUser[]> {
    return repo.listUsers(this.#pool, merchantId);
  }

  /** A new generated password; with `merchantId`, only that merchant's users. */
  resetPassword(userId: number, actor: Actor, merchantId?: number): Promise<{ user: repo.WebUser; password: string }> {
    return resetPassword(this.#pool, userId, actor, merchantId);
  }

  setMerchantUserRole(merchantId: number, userId: number, role: MerchantRole, actor: Actor): Promise<repo.WebUser> {
    return changeStaff(this.#pool, merchantId, userId, role, actor) as Promise<repo.WebUser>;
  }

  async removeMerchantUser(merchantId: number, userId: number, actor: Actor): Promise<void> {
    await changeStaff(this.#pool, merchantId, userId, null, actor);
  }

  resetMerchantUserTwoFactor(userId: number, actor: Actor): Promise<repo.WebUser> {
    return resetMerchantUserTwoFactor(this.#pool, userId, actor);
  }
}

/** The operator team as request handlers use it: operator users, API keys, the two-factor rule. */
export class Team {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  operators(): Promise<team.OperatorUser[]> {
    return teamRepo.listOperators(this.#pool);
  }

  invite(email: string, role: OperatorRole, actor: Actor): Promise<{ user: team.OperatorUser; password: string }> {
    return team.invite(this.#pool, email, role, actor);
  }

  update(id: number, change: { role?: OperatorRole | undefined; disabled?: boolean | undefined }, actor: Actor): Promise<team.OperatorUser> {
    return team.update(this.#pool, id, change, actor);
  }

  resetPassword(id: number, actor: Actor): Promise<{ user: team.OperatorUser; password: string }> {
    return team.resetOperatorPassword(this.#pool, id, actor);
  }

  resetTwoFactor(id: number, actor: Actor): Promise<team.OperatorUser> {
    return team.resetOperatorTwoFactor(this.#pool, id, actor);
  }

  twoFactorRequired(): Promise<boolean> {
    return teamRepo.requiresTwoFactor(this.#pool);
  }

  setTwoFactorRequired(required: boolean, actor: Actor): Promise<void> {
    return team.setTwoFactorRequired(this.#pool, required, actor);
  }

  keys(): Promise<team.ApiKey[]> {
    return teamRepo.listKeys(this.#pool);
  }

  createKey(name: string, role: OperatorRole, actor: Actor): Promise<{ key: team.ApiKey; token: string }> {
    return team.createKey(this.#pool, name, role, actor);
  }

  rotateKey(id: number, actor: Actor): Promise<{ key: team.ApiKey; token: string }> {
    return team.rotateKey(this.#pool, id, actor);
  }

  revokeKey(id: number, actor: Actor): Promise<team.ApiKey> {
    return team.revokeKey(this.#pool, id, actor);
  }
}

/** The CSRF token sent with a state-changing request must be this session's. */
export function csrfMatches(session: Session, csrfToken: string): boolean {
  return timingSafeEqual(hashToken(csrfToken), session.csrfHash);
}
