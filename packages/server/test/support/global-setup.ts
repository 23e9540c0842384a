/**
 * One database for the whole run: a fresh database on DATABASE_URL's server when that is set
 * (CI runs the suite that way against the machine's PostgreSQL), else an embedded PostgreSQL in
 * a temporary folder. Migrations run once here; every test file then starts its own hub on it.
 */
import type { TestProject } from 'vitest/node';
import { createPool, migrate } from '../../src/platform/db/index.ts';
import { createScratchDatabase } from './scratch-database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseKind: 'embedded' | 'external';
  }
}

export default async function setup(project: TestProject) {
  const database = await createScratchDatabase({ serverUrl: process.env.DATABASE_URL, prefix: 'dropgate_test' });
  const pool = createPool(database.url, 2);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    await database.drop();
    throw error;
  }
  await pool.end();
  project.provide('databaseUrl', database.url);
  project.provide('databaseKind', database.kind);
  return () => database.drop();
}
