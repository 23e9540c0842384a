import pg from 'pg';
import { assert } from '../errors.ts';

// int8 columns (ids, money in minor units, counts) arrive as JS numbers, asserted safe:
// the hub's stated limit is 2^53-1 for any of them. numeric (FX rates) stays a string.
pg.types.setTypeParser(pg.types.builtins.INT8, (text: string) => {
  const value = Number(text);
  assert(Number.isSafeInteger(value), `int8 ${text} exceeds the safe-integer limit`);
  return value;
});

/** Anything that runs queries: the pool, or a client inside a transaction. */
export type Db = pg.Pool | pg.PoolClient;
/** A client inside an open transaction: functions that take one never commit themselves. */
export type Tx = pg.PoolClient;

export function createPool(connectionString: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, application_name: 'dropgate' });
  // An idle client losing its connection must not crash the hub; the pool replaces it.
  pool.on('error', () => {});
  return pool;
}

/** Runs fn in one database transaction: every state change in Dropgate goes through here. */
export async function inTransaction<T>(pool: pg.Pool, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
