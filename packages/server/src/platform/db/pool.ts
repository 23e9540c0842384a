import pg from 'pg';
import { assert } from '../errors.ts';

// int8 columns (ids, money in minor units, counts) arrive as JS numbers, asserted safe:
// the hub's stated limit is 2^53-1 for any of them. numeric (FX rates) stays a string.
function parseInt8(text: string): number {
  const value = Number(text);
  assert(Number.isSafeInteger(value), `int8 ${text} exceeds the safe-integer limit`);
  return value;
}
pg.types.setTypeParser(pg.types.builtins.INT8, parseInt8);
// So do int8 arrays (array_agg of ids), which pg would otherwise hand over as strings.
const INT8_ARRAY = 1016 as (typeof pg.types.builtins)[keyof typeof pg.types.builtins]; // _int8; pg's builtins list scalar types only
const parseArrayOfText = pg.types.getTypeParser(INT8_ARRAY, 'text') as (text: string) => unknown;
const int8Items = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(int8Items) : typeof value === 'string' ? parseInt8(value) : value;
pg.types.setTypeParser(INT8_ARRAY, (text: string) => int8Items(parseArrayOfText(text)));

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
