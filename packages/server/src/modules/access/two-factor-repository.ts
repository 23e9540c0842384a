import type { Db, Tx } from '../../platform/db/index.ts';
import type { Person } from './principal.ts';

export interface TwoFactorRow {
  id: number;
  secretSealed: Buffer;
  enabled: boolean;
  lastStep: number | null;
  recoveryCodesLeft: number;
}

/** The column that names the person: one table serves operator users and merchant users. */
function personColumn(person: Person): 'operator_user_id' | 'web_user_id' {
  return person.kind === 'operator' ? 'operator_user_id' : 'web_user_id';
}

const COLUMNS = `id, secret_sealed AS "secretSealed", (enabled_at IS NOT NULL) AS enabled, last_step AS "lastStep",
  cardinality(recovery_hashes) AS "recoveryCodesLeft"`;

export async function findTwoFactor(db: Db, person: Person, lock = false): Promise<TwoFactorRow | undefined> {
  const { rows } = await db.query<TwoFactorRow>(
    `SELECT ${COLUMNS} FROM two_factor WHERE ${personColumn(person)} = $1${lock ? ' FOR UPDATE' : ''}`,
    [person.id],
  );
  return rows[0];
}

/** A new secret, not enabled yet (replaces an earlier setup that was never confirmed). */
export async function putPending(tx: Tx, person: Person, secretSealed: Buffer): Promise<void> {
  const column = personColumn(person);
  await tx.query(
    `INSERT INTO two_factor (${column}, secret_sealed) VALUES ($1, $2)
     ON CONFLICT (${column}) DO UPDATE SET secret_sealed = excluded.secret_sealed, enabled_at = NULL, last_step = NULL, recovery_hashes = '{}'`,
    [person.id, secretSealed],
  );
}

export async function enable(tx: Tx, id: number, step: number, recoveryHashes: Buffer[]): Promise<void> {
  await tx.query('UPDATE two_factor SET enabled_at = now(), last_step = $2, recovery_hashes = $3 WHERE id = $1', [id, step, recoveryHashes]);
}

export async function replaceRecoveryCodes(tx: Tx, id: number, recoveryHashes: Buffer[]): Promise<void> {
  await tx.query('UPDATE two_factor SET recovery_hashes = $2 WHERE id = $1', [id, recoveryHashes]);
}

/** Accepts a code's time step once: false when this step (or a later one) was already used. */
export async function claimStep(db: Db, id: number, step: number): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE two_factor SET last_step = $2 WHERE id = $1 AND (last_step IS NULL OR last_step < $2)', [id, step]);
  return rowCount === 1;
}

/** Uses up a recovery code: false when it is not one of the person's (or was used already). */
export async function useRecoveryCode(db: Db, id: number, codeHash: Buffer): Promise<boolean> {
  const { rowCount } = await db.query(
    'UPDATE two_factor SET recovery_hashes = array_remove(recovery_hashes, $2) WHERE id = $1 AND $2 = ANY (recovery_hashes)',
    [id, codeHash],
  );
  return rowCount === 1;
}

export async function deleteTwoFactor(tx: Tx, person: Person): Promise<boolean> {
  const { rowCount } = await tx.query(`DELETE FROM two_factor WHERE ${personColumn(person)} = $1`, [person.id]);
  return rowCount === 1;
}
