/**
 * The database's shape, brought up to date at every start, under one advisory lock so that
 * several hub instances starting together apply each change once:
 *
 * 1. Schema migrations: committed SQL files in `migrations/`, applied in name order, each once,
 *    in its own transaction (recorded in `schema_migrations`). They only move forward.
 * 2. Stored functions: one file per function in `functions/` (`<name>.sql`), applied after the
 *    migrations whenever the file's SHA-256 differs from the one recorded in `stored_functions`,
 *    in one transaction per file. A function's history is its file's history, so the file holds
 *    only the function as it is now (and its own result type, if any). A function whose file is
 *    deleted is dropped.
 *
 * Because functions come second, a migration must never call a stored function (nor rely on one
 * existing): on a fresh database none exists yet while migrations run, and on an old one it is
 * the previous version. A function that schema objects depend on (a trigger function, one used
 * in a default, a check or an index) is schema: it belongs in a migration.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { Db } from './pool.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));
export const FUNCTIONS_DIR = fileURLToPath(new URL('../../../functions/', import.meta.url));
const MIGRATION_LOCK = 7_270_201; // any constant shared by all instances
const FUNCTION_FILE = /^([a-z_][a-z0-9_]*)\.sql$/;

export interface MigrateOptions {
  migrationsDir?: string;
  functionsDir?: string;
}

/** What this call did: migration files applied, and functions (re)created or removed, by name. */
export interface Migrated {
  migrations: string[];
  functions: string[];
  removedFunctions: string[];
}

export async function migrate(pool: pg.Pool, options: MigrateOptions = {}): Promise<Migrated> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const migrations = await applyMigrations(client, options.migrationsDir ?? MIGRATIONS_DIR);
    return { migrations, ...(await applyFunctions(client, options.functionsDir ?? FUNCTIONS_DIR)) };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}

async function applyMigrations(client: pg.PoolClient, dir: string): Promise<string[]> {
  await client.query(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  const { rows } = await client.query<{ version: string }>('SELECT version FROM schema_migrations');
  const done = new Set(rows.map((r) => r.version));
  const pending = (await sqlFiles(dir)).filter((file) => !done.has(file));
  for (const file of pending) {
    const sql = await readFile(path.join(dir, file), 'utf8');
    await inTransaction(client, `migration ${file}`, async () => {
      await client.query(sql);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [file]);
    });
  }
  return pending;
}

async function applyFunctions(client: pg.PoolClient, dir: string): Promise<Omit<Migrated, 'migrations'>> {
  await client.query(
    `CREATE TABLE IF NOT EXISTS stored_functions (
       name text PRIMARY KEY, sha256 text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  const { rows } = await client.query<{ name: string; sha256: string }>('SELECT name, sha256 FROM stored_functions');
  const recorded = new Map(rows.map((r) => [r.name, r.sha256]));
  const files = await functionFiles(dir);
  const applied: string[] = [];
  // A SQL function's body is checked when it is made, so one calling a function not made yet
  // waits for a later pass; a pass that makes none of those left fails with the first's error.
  let pending = files.filter((f) => recorded.get(f.name) !== f.sha256);
  while (pending.length > 0) {
    const waiting: typeof pending = [];
    let firstError: unknown;
    for (const file of pending) {
      try {
        await applyFunction(client, file);
        applied.push(file.name);
      } catch (error) {
        if (!callsMissingFunction(error)) throw error;
        waiting.push(file);
        firstError ??= error;
      }
    }
    if (waiting.length === pending.length) throw firstError;
    pending = waiting;
  }
  // A function whose file was deleted goes too: the folder is the whole list.
  const kept = new Set(files.map((f) => f.name));
  const removed = [...recorded.keys()].filter((name) => !kept.has(name));
  for (const name of removed) {
    await inTransaction(client, `removing function ${name}`, async () => {
      await dropOverloads(client, name);
      await client.query('DELETE FROM stored_functions WHERE name = $1', [name]);
    });
  }
  return { functions: applied.sort(), removedFunctions: removed };
}

async function applyFunction(client: pg.PoolClient, { file, name, sql, sha256 }: FunctionFile): Promise<void> {
  await inTransaction(client, `function ${file}`, async () => {
    await dropOverloads(client, name);
    await client.query(sql);
    await assertDefines(client, name, file);
    await client.query(
      `INSERT INTO stored_functions (name, sha256) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET sha256 = excluded.sha256, applied_at = now()`,
      [name, sha256],
    );
  });
}

/** PostgreSQL's undefined_function, under inTransaction's wrapping. */
function callsMissingFunction(error: unknown): boolean {
  return (error as { cause?: { code?: string } }).cause?.code === '42883';
}

/**
 * Every existing version of the function goes first, whatever its signature, so a file that
 * changes the parameters needs no DROP of the old ones: the file never carries history. No
 * CASCADE: if anything depends on the function, this fails and rolls back, naming the dependant.
 */
async function dropOverloads(client: pg.PoolClient, name: string): Promise<void> {
  const { rows } = await client.query<{ signature: string }>(
    `SELECT p.oid::regprocedure::text AS signature FROM pg_proc p
      WHERE p.proname = $1 AND p.pronamespace = to_regnamespace(current_schema())`,
    [name],
  );
  for (const { signature } of rows) await client.query(`DROP ROUTINE ${signature}`);
}

/** The file must create the function it is named after, or the record would lie. */
async function assertDefines(client: pg.PoolClient, name: string, file: string): Promise<void> {
  const { rows } = await client.query(
    'SELECT 1 FROM pg_proc WHERE proname = $1 AND pronamespace = to_regnamespace(current_schema())',
    [name],
  );
  if (rows.length === 0) throw new Error(`${file} does not create a function named ${name}`);
}

async function inTransaction(client: pg.PoolClient, what: string, work: () => Promise<void>): Promise<void> {
  try {
    await client.query('BEGIN');
    await work();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw new Error(`${what} failed: ${(error as Error).message}`, { cause: error });
  }
}

interface FunctionFile { file: string; name: string; sql: string; sha256: string }

async function functionFiles(dir: string): Promise<FunctionFile[]> {
  return Promise.all((await sqlFiles(dir)).map(async (file) => {
    const sql = await readFile(path.join(dir, file), 'utf8');
    return { file, name: functionName(file), sql, sha256: createHash('sha256').update(sql).digest('hex') };
  }));
}

/** What this version of the hub needs the database to hold: its migrations, and its functions as its files say. */
export interface ExpectedSchema {
  migrations: string[];
  functions: Record<string, string>;
}

export async function expectedSchema(options: MigrateOptions = {}): Promise<ExpectedSchema> {
  const functions = await functionFiles(options.functionsDir ?? FUNCTIONS_DIR);
  return {
    migrations: await sqlFiles(options.migrationsDir ?? MIGRATIONS_DIR),
    functions: Object.fromEntries(functions.map((f) => [f.name, f.sha256])),
  };
}

/**
 * What the database lacks of `expected`, one sentence each; empty when it is current. A function
 * of another hash means another version of the hub migrated the database since this one did.
 */
export async function schemaDifferences(db: Db, expected: ExpectedSchema, timeoutMs: number): Promise<string[]> {
  // pg's per-query timeout is missing from its types; it bounds a stalled server's answer.
  const query = {
    text: `SELECT (SELECT coalesce(array_agg(version), '{}') FROM schema_migrations) AS migrations,
                  (SELECT coalesce(json_object_agg(name, sha256), '{}') FROM stored_functions) AS functions`,
    query_timeout: timeoutMs,
  };
  const { rows } = await db.query<{ migrations: string[]; functions: Record<string, string> }>(query as pg.QueryConfig);
  const applied = new Set(rows[0]!.migrations);
  const functions = rows[0]!.functions;
  return [
    ...expected.migrations.filter((m) => !applied.has(m)).map((m) => `migration ${m} is not applied`),
    ...Object.entries(expected.functions).filter(([name, sha]) => functions[name] !== sha).map(([name]) => `function ${name} is not this version's`),
  ];
}

async function sqlFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
}

function functionName(file: string): string {
  const name = FUNCTION_FILE.exec(file)?.[1];
  if (!name) throw new Error(`functions/${file}: a function file is named <function_name>.sql, in lower case`);
  return name;
}
