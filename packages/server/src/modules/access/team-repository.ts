import type { Db, Tx } from '../../platform/db/index.ts';
import type { OperatorRole } from './permissions.ts';
import { REQUIRE_TWO_FACTOR_SETTING } from './repository.ts';

export interface OperatorUser {
  id: number;
  email: string;
  role: OperatorRole;
  twoFactor: boolean;
  disabled: boolean;
  invitedBy: string;
  passwordSetAt: Date;
  createdAt: Date;
}

export interface ApiKey {
  id: number;
  name: string;
  role: OperatorRole;
  createdBy: string;
  createdAt: Date;
  rotatedAt: Date;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  revokedAt: Date | null;
}

const OPERATOR_COLUMNS = `o.id, o.email, o.role, (t.enabled_at IS NOT NULL) AS "twoFactor", (o.disabled_at IS NOT NULL) AS disabled,
  o.invited_by AS "invitedBy", o.password_set_at AS "passwordSetAt", o.created_at AS "createdAt"`;
const OPERATORS = 'operator_users o LEFT JOIN two_factor t ON t.operator_user_id = o.id';

export async function insertOperator(tx: Tx, user: { email: string; role: OperatorRole; passwordHash: string; invitedBy: string }): Promise<number> {
  const { rows } = await tx.query<{ id: number }>(
    'INSERT INTO operator_users (email, role, password_hash, invited_by) VALUES ($1, $2, $3, $4) RETURNING id',
    [user.email, user.role, user.passwordHash, user.invitedBy],
  );
  return rows[0]!.id;
}

export async function findOperator(db: Db, id: number, lock = false): Promise<(OperatorUser & { passwordHash: string }) | undefined> {
  const { rows } = await db.query<OperatorUser & { passwordHash: string }>(
    `SELECT ${OPERATOR_COLUMNS}, o.password_hash AS "passwordHash" FROM ${OPERATORS} WHERE o.id = $1${lock ? ' FOR UPDATE OF o' : ''}`,
    [id],
  );
  return rows[0];
}

export async function findOperatorByEmail(db: Db, email: string): Promise<(OperatorUser & { passwordHash: string }) | undefined> {
  const { rows } = await db.query<OperatorUser & { passwordHash: string }>(
    `SELECT ${OPERATOR_COLUMNS}, o.password_hash AS "passwordHash" FROM ${OPERATORS} WHERE o.email = $1`,
    [email],
  );
  return rows[0];
}

export async function listOperators(db: Db): Promise<OperatorUser[]> {
  const { rows } = await db.query<OperatorUser>(`SELECT ${OPERATOR_COLUMNS} FROM ${OPERATORS} ORDER BY o.id`);
  return rows;
}

export async function updateOperator(tx: Tx, id: number, change: { role?: OperatorRole | undefined; disabled?: boolean | undefined }): Promise<void> {
  await tx.query(
    `UPDATE operator_users SET role = coalesce($2, role),
            disabled_at = CASE WHEN $3::boolean IS NULL THEN disabled_at WHEN $3 THEN coalesce(disabled_at, now()) ELSE NULL END
      WHERE id = $1`,
    [id, change.role ?? null, change.disabled ?? null],
  );
}

export async function setOperatorPasswordHash(tx: Tx, id: number, passwordHash: string): Promise<void> {
  await tx.query('UPDATE operator_users SET password_hash = $2, password_set_at = now() WHERE id = $1', [id, passwordHash]);
}

export async function deleteOperatorSessions(tx: Tx, id: number): Promise<void> {
  await tx.query('DELETE FROM web_sessions WHERE operator_user_id = $1', [id]);
}

// ---- API keys ----

const KEY_COLUMNS = `id, name, role, created_by AS "createdBy", created_at AS "createdAt", rotated_at AS "rotatedAt",
  last_used_at AS "lastUsedAt", last_used_ip AS "lastUsedIp", revoked_at AS "revokedAt"`;

export async function insertKey(tx: Tx, key: { name: string; role: OperatorRole; tokenHash: Buffer; createdBy: string }): Promise<ApiKey> {
  const { rows } = await tx.query<ApiKey>(
    `INSERT INTO api_keys (name, role, token_hash, created_by) VALUES ($1, $2, $3, $4) RETURNING ${KEY_COLUMNS}`,
    [key.name, key.role, key.tokenHash, key.createdBy],
  );
  return rows[0]!;
}

export async function findKey(db: Db, id: number, lock = false): Promise<ApiKey | undefined> {
  const { rows } = await db.query<ApiKey>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0];
}

export async function listKeys(db: Db): Promise<ApiKey[]> {
  const { rows } = await db.query<ApiKey>(`SELECT ${KEY_COLUMNS} FROM api_keys ORDER BY id`);
  return rows;
}

export async function replaceKeyToken(tx: Tx, id: number, tokenHash: Buffer): Promise<ApiKey> {
  const { rows } = await tx.query<ApiKey>(`UPDATE api_keys SET token_hash = $2, rotated_at = now() WHERE id = $1 RETURNING ${KEY_COLUMNS}`, [id, tokenHash]);
  return rows[0]!;
}

export async function revokeKey(tx: Tx, id: number): Promise<ApiKey> {
  const { rows } = await tx.query<ApiKey>(`UPDATE api_keys SET revoked_at = now() WHERE id = $1 RETURNING ${KEY_COLUMNS}`, [id]);
  return rows[0]!;
}

/** A live key by its token's hash. */
export async function findLiveKeyByHash(db: Db, tokenHash: Buffer): Promise<ApiKey | undefined> {
  const { rows } = await db.query<ApiKey>({
    name: 'access.api-key',
    text: `SELECT ${KEY_COLUMNS} FROM api_keys WHERE token_hash = $1 AND revoked_at IS NULL`,
    values: [tokenHash],
  });
  return rows[0];
}

/** Records a use, at most once a minute per key and address: a busy script costs no write per call. */
export async function touchKey(db: Db, id: number, ip: string): Promise<void> {
  await db.query(
    `UPDATE api_keys SET last_used_at = now(), last_used_ip = $2
      WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute' OR last_used_ip IS DISTINCT FROM $2)`,
    [id, ip],
  );
}

// ---- the two-factor requirement ----

export async function requiresTwoFactor(db: Db): Promise<boolean> {
  const { rows } = await db.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [REQUIRE_TWO_FACTOR_SETTING]);
  return rows[0]?.value === 'true';
}

export async function setRequiresTwoFactor(tx: Tx, required: boolean): Promise<void> {
  await tx.query(
    'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    [REQUIRE_TWO_FACTOR_SETTING, String(required)],
  );
}
