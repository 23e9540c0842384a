import type { Db, Tx } from '../../platform/db/index.ts';
import type { MerchantRole, OperatorRole } from './permissions.ts';

/** Which surface a session is for: the operator console or the merchant cabinet. */
export type Role = 'operator' | 'merchant';

export interface WebUser {
  id: number;
  merchantId: number;
  email: string;
  role: MerchantRole;
  twoFactor: boolean;
  passwordSetAt: Date;
  createdAt: Date;
}

export interface SessionRow {
  id: number;
  role: Role;
  userId: number | null;
  merchantId: number | null;
  operatorUserId: number | null;
  email: string | null;
  /** The merchant user's or the operator user's role. */
  staffRole: MerchantRole | OperatorRole | null;
  twoFactor: boolean;
  /** The owner requires two-factor of every operator user. */
  twoFactorRequired: boolean;
  csrfHash: Buffer;
  credentialTag: Buffer | null;
  expiresAt: Date;
}

const USER_COLUMNS = `u.id, u.merchant_id AS "merchantId", u.email, u.role, (t.enabled_at IS NOT NULL) AS "twoFactor",
  u.password_set_at AS "passwordSetAt", u.created_at AS "createdAt"`;
const USERS = 'web_users u LEFT JOIN two_factor t ON t.web_user_id = u.id';

export async function insertUser(db: Db, user: { merchantId: number; email: string; passwordHash: string; role: MerchantRole }): Promise<WebUser> {
  const { rows } = await db.query<WebUser>(
    `INSERT INTO web_users (merchant_id, email, password_hash, role) VALUES ($1, $2, $3, $4)
     RETURNING id, merchant_id AS "merchantId", email, role, false AS "twoFactor", password_set_at AS "passwordSetAt", created_at AS "createdAt"`,
    [user.merchantId, user.email, user.passwordHash, user.role],
  );
  return rows[0]!;
}

export async function findUserByEmail(db: Db, email: string): Promise<(WebUser & { passwordHash: string }) | undefined> {
  const { rows } = await db.query<WebUser & { passwordHash: string }>(
    `SELECT ${USER_COLUMNS}, u.password_hash AS "passwordHash" FROM ${USERS} WHERE u.email = $1`,
    [email],
  );
  return rows[0];
}

export async function findUser(db: Db, id: number): Promise<(WebUser & { passwordHash: string }) | undefined> {
  const { rows } = await db.query<WebUser & { passwordHash: string }>(
    `SELECT ${USER_COLUMNS}, u.password_hash AS "passwordHash" FROM ${USERS} WHERE u.id = $1`,
    [id],
  );
  return rows[0];
}

export async function listUsers(db: Db, merchantId: number): Promise<WebUser[]> {
  const { rows } = await db.query<WebUser>(`SELECT ${USER_COLUMNS} FROM ${USERS} WHERE u.merchant_id = $1 ORDER BY u.id`, [merchantId]);
  return rows;
}

/** A merchant's users, locked: role changes and removals keep at least one owner. */
export async function lockUsers(tx: Tx, merchantId: number): Promise<Array<{ id: number; role: MerchantRole }>> {
  const { rows } = await tx.query<{ id: number; role: MerchantRole }>('SELECT id, role FROM web_users WHERE merchant_id = $1 ORDER BY id FOR UPDATE', [merchantId]);
  return rows;
}

export async function setUserRole(tx: Tx, userId: number, role: MerchantRole): Promise<void> {
  await tx.query('UPDATE web_users SET role = $2 WHERE id = $1', [userId, role]);
}

/** Sessions and two-factor go with the user (ON DELETE CASCADE); the trail keeps their name. */
export async function deleteUser(tx: Tx, userId: number): Promise<void> {
  await tx.query('DELETE FROM web_users WHERE id = $1', [userId]);
}

export async function setPasswordHash(tx: Tx, userId: number, passwordHash: string): Promise<boolean> {
  const { rowCount } = await tx.query('UPDATE web_users SET password_hash = $2, password_set_at = now() WHERE id = $1', [userId, passwordHash]);
  return rowCount === 1;
}

export async function deleteUserSessions(tx: Tx, userId: number): Promise<void> {
  await tx.query('DELETE FROM web_sessions WHERE user_id = $1', [userId]);
}

export async function insertSession(
  db: Db,
  session: {
    tokenHash: Buffer; csrfHash: Buffer; role: Role; userId: number | null; merchantId: number | null; operatorUserId: number | null;
    credentialTag: Buffer | null; ip: string; ttlSeconds: number;
  },
): Promise<{ expiresAt: Date }> {
  const { rows } = await db.query<{ expiresAt: Date }>(
    `INSERT INTO web_sessions (token_hash, csrf_hash, role, user_id, merchant_id, operator_user_id, credential_tag, ip, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() + make_interval(secs => $9)) RETURNING expires_at AS "expiresAt"`,
    [session.tokenHash, session.csrfHash, session.role, session.userId, session.merchantId, session.operatorUserId, session.credentialTag, session.ip, session.ttlSeconds],
  );
  return rows[0]!;
}

/**
 * The session with who it belongs to, as of now: a disabled operator user has none, and a role
 * changed since sign-in applies at once.
 */
export async function findLiveSession(db: Db, tokenHash: Buffer): Promise<SessionRow | undefined> {
  const { rows } = await db.query<SessionRow>({
    name: 'access.session',
    text: `SELECT s.id, s.role, s.user_id AS "userId", s.merchant_id AS "merchantId", s.operator_user_id AS "operatorUserId",
                  coalesce(u.email, o.email) AS email, coalesce(u.role, o.role) AS "staffRole",
                  (coalesce(tfu.enabled_at, tfo.enabled_at) IS NOT NULL) AS "twoFactor", coalesce(p.value = 'true', false) AS "twoFactorRequired",
                  s.csrf_hash AS "csrfHash", s.credential_tag AS "credentialTag", s.expires_at AS "expiresAt"
             FROM web_sessions s
             LEFT JOIN web_users u ON u.id = s.user_id
             LEFT JOIN operator_users o ON o.id = s.operator_user_id
             LEFT JOIN two_factor tfu ON tfu.web_user_id = s.user_id
             LEFT JOIN two_factor tfo ON tfo.operator_user_id = s.operator_user_id
             LEFT JOIN settings p ON p.key = '${REQUIRE_TWO_FACTOR_SETTING}'
            WHERE s.token_hash = $1 AND s.expires_at > now() AND o.disabled_at IS NULL`,
    values: [tokenHash],
  });
  return rows[0];
}

/** The settings row of the owner's rule that every operator user signs in with two-factor. */
export const REQUIRE_TWO_FACTOR_SETTING = 'operators.require_two_factor';

export async function deleteSession(db: Db, tokenHash: Buffer): Promise<{ role: Role; userId: number | null; operatorUserId: number | null } | undefined> {
  const { rows } = await db.query<{ role: Role; userId: number | null; operatorUserId: number | null }>(
    'DELETE FROM web_sessions WHERE token_hash = $1 RETURNING role, user_id AS "userId", operator_user_id AS "operatorUserId"',
    [tokenHash],
  );
  return rows[0];
}

export async function deleteExpired(db: Db): Promise<void> {
  await db.query(`DELETE FROM web_sessions WHERE expires_at < now()`);
  await db.query(`DELETE FROM sign_in_throttle WHERE window_start < now() - interval '1 day'`);
}

/**
 * Counts one attempt against each key in the current window, atomically, and answers each
 * key's count with the window it fell in.
 */
export async function countAttempt(db: Db, keys: string[], windowSeconds: number): Promise<Array<{ key: string; attempts: number; windowStart: Date }>> {
  const { rows } = await db.query<{ key: string; attempts: number; windowStart: Date }>(
    `INSERT INTO sign_in_throttle AS t (key, window_start, attempts)
     SELECT k, date_bin(make_interval(secs => $2), now(), timestamptz '2000-01-01'), 1 FROM unnest($1::text[]) AS k
     ON CONFLICT (key, window_start) DO UPDATE SET attempts = t.attempts + 1
     RETURNING key, attempts, window_start AS "windowStart"`,
    [keys, windowSeconds],
  );
  return rows;
}

/** Takes back one counted attempt (a successful sign-in is not a failure). */
export async function releaseAttempt(db: Db, keys: string[], windowStart: Date): Promise<void> {
  await db.query(
    'UPDATE sign_in_throttle SET attempts = attempts - 1 WHERE key = ANY($1) AND window_start = $2 AND attempts > 0',
    [keys, windowStart],
  );
}

/** Forgets an account's failures (after its owner signed in). */
export async function clearAttempts(db: Db, key: string): Promise<void> {
  await db.query('DELETE FROM sign_in_throttle WHERE key = $1', [key]);
}
