import type { Db, Tx } from '../../platform/db/index.ts';

export type Role = 'operator' | 'merchant';

export interface WebUser {
  id: number;
  merchantId: number;
  email: string;
  passwordSetAt: Date;
  createdAt: Date;
}

export interface SessionRow {
  id: number;
  role: Role;
  userId: number | null;
  merchantId: number | null;
  email: string | null;
  csrfHash: Buffer;
  credentialTag: Buffer | null;
  expiresAt: Date;
}

const USER_COLUMNS = 'id, merchant_id AS "merchantId", email, password_set_at AS "passwordSetAt", created_at AS "createdAt"';

export async function insertUser(db: Db, merchantId: number, email: string, passwordHash: string): Promise<WebUser> {
  const { rows } = await db.query<WebUser>(
    `INSERT INTO web_users (merchant_id, email, password_hash) VALUES ($1, $2, $3) RETURNING ${USER_COLUMNS}`,
    [merchantId, email, passwordHash],
  );
  return rows[0]!;
}

export async function findUserByEmail(db: Db, email: string): Promise<(WebUser & { passwordHash: string }) | undefined> {
  const { rows } = await db.query<WebUser & { passwordHash: string }>(
    `SELECT ${USER_COLUMNS}, password_hash AS "passwordHash" FROM web_users WHERE email = $1`,
    [email],
  );
  return rows[0];
}

export async function findUser(db: Db, id: number): Promise<(WebUser & { passwordHash: string }) | undefined> {
  const { rows } = await db.query<WebUser & { passwordHash: string }>(
    `SELECT ${USER_COLUMNS}, password_hash AS "passwordHash" FROM web_users WHERE id = $1`,
    [id],
  );
  return rows[0];
}

export async function listUsers(db: Db, merchantId: number): Promise<WebUser[]> {
  const { rows } = await db.query<WebUser>(`SELECT ${USER_COLUMNS} FROM web_users WHERE merchant_id = $1 ORDER BY id`, [merchantId]);
  return rows;
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
  session: { tokenHash: Buffer; csrfHash: Buffer; role: Role; userId: number | null; merchantId: number | null; credentialTag: Buffer | null; ip: string; ttlSeconds: number },
): Promise<{ expiresAt: Date }> {
  const { rows } = await db.query<{ expiresAt: Date }>(
    `INSERT INTO web_sessions (token_hash, csrf_hash, role, user_id, merchant_id, credential_tag, ip, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8)) RETURNING expires_at AS "expiresAt"`,
    [session.tokenHash, session.csrfHash, session.role, session.userId, session.merchantId, session.credentialTag, session.ip, session.ttlSeconds],
  );
  return rows[0]!;
}

export async function findLiveSession(db: Db, tokenHash: Buffer): Promise<SessionRow | undefined> {
  const { rows } = await db.query<SessionRow>({
    name: 'access.session',
    text: `SELECT s.id, s.role, s.user_id AS "userId", s.merchant_id AS "merchantId", u.email, s.csrf_hash AS "csrfHash",
                  s.credential_tag AS "credentialTag", s.expires_at AS "expiresAt"
             FROM web_sessions s LEFT JOIN web_users u ON u.id = s.user_id
            WHERE s.token_hash = $1 AND s.expires_at > now()`,
    values: [tokenHash],
  });
  return rows[0];
}

export async function deleteSession(db: Db, tokenHash: Buffer): Promise<void> {
  await db.query('DELETE FROM web_sessions WHERE token_hash = $1', [tokenHash]);
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
