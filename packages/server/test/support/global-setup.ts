/**
 * One database for the whole run: a fresh database on DATABASE_URL's server when that is set
 * (CI runs the suite that way against the machine's PostgreSQL), else an embedded PostgreSQL in
 * a temporary folder. Migrations run once here; every test file then starts its own hub on it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createPool, migrate, startEmbeddedPostgres } from '../../src/platform/db/index.ts';
import { freePort } from './ports.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseKind: 'embedded' | 'external';
  }
}

export default async function setup(project: TestProject) {
  const external = process.env.DATABASE_URL;
  let databaseUrl: string;
  let teardown: () => Promise<void>;
  if (external) {
    const name = `dropgate_test_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: external });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(external);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    teardown = async () => {
      const client = new pg.Client({ connectionString: external });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    };
  } else {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'dropgate-test-'));
    const embedded = await startEmbeddedPostgres({ dataDir, port: await freePort() });
    databaseUrl = embedded.url;
    teardown = async () => {
      await embedded.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }
  const pool = createPool(databaseUrl, 2);
  await migrate(pool);
  await pool.end();
  project.provide('databaseUrl', databaseUrl);
  project.provide('databaseKind', external ? 'external' : 'embedded');
  return teardown;
}
