import pg from 'pg';
import { assert } from '../errors.ts';
import { databaseFault } from './faults.ts';

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
export type Db = pg.Pool | pg.ClientBase;
/** A client inside an open transaction: functions that take one never commit themselves. */
export type Tx = pg.PoolClient;

/** How long a caller may wait on the database before it is told to retry later. */
export interface DbTimeouts {
  /** Waiting for a pooled connection, or for a new one to be made. */
  acquireMs: number;
  /**
   * One statement, enforced by PostgreSQL (statement_timeout, which rolls it back); a server that
   * stalls cannot enforce it, so the client gives up too, a second later, and drops the connection.
   */
  statementMs: number;
}

/** A stalled server gets this long past statement_timeout before the client stops waiting. */
const CLIENT_GRACE_MS = 1000;

export function createPool(connectionString: string, max: number, timeouts?: DbTimeouts): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    application_name: 'dropgate',
    // No JIT: it compiles any plan estimated over jit_above_cost, and the hub's statements are
    // short. A count over 100,000 offers spent 287 of its 410 ms compiling.
    options: '-c jit=off',
    ...(timeouts && {
      connectionTimeoutMillis: timeouts.acquireMs,
      statement_timeout: timeouts.statementMs,
      query_timeout: timeouts.statementMs + CLIENT_GRACE_MS,
    }),
  });
  // An idle client losing its connection must not crash the hub; the pool replaces it.
  pool.on('error', () => {});
  // Nor a checked-out one, whose 'error' event pg-pool does not listen to: the statement in flight
  // fails on its own, and its caller releases the client with the error, which discards it.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

/** Runs fn in one database transaction: every state change in Dropgate goes through here. */
export async function inTransaction<T>(pool: pg.Pool, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (error) {
    // A connection that failed or timed out may still be busy with the statement: never reuse
    // it (nor wait on it for a ROLLBACK); closing it rolls the transaction back on the server.
    if (databaseFault(error) === 'unavailable') {
      client.release(error as Error);
    } else {
      const rolledBack = await client.query('ROLLBACK').then(() => true, () => false);
      client.release(rolledBack ? undefined : (error as Error));
    }
    throw error;
  }
}

/** A transaction on a connection the caller holds (of a pool of its own, without the requests' timeouts). */
export async function inTransactionOn<T>(client: pg.PoolClient, fn: (tx: Tx) => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/**
 * Work allowed to run long (the audit over a whole history): a connection of its own, outside
 * the pool and its timeouts, closed afterwards.
 */
export async function withLongConnection<T>(pool: pg.Pool, fn: (db: pg.Client) => Promise<T>): Promise<T> {
  const client = await openLongConnection(pool);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** A connection to the pool's database without its timeouts, for the caller to end (the backup's stream). */
export async function openLongConnection(pool: pg.Pool): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: pool.options.connectionString, application_name: 'dropgate-long' });
  client.on('error', () => {});
  await client.connect();
  return client;
}
