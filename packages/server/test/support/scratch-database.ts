/**
 * A scratch database, dropped afterwards: the test run's, a test's deployment of its own, each
 * part of the benchmark. On a PostgreSQL server you name (CI's, DATABASE_URL's) it is a new
 * database there; without one it is an embedded PostgreSQL of its own in a temporary folder.
 * No test runner here: the benchmark imports it as `@dropgate/server/testing/database`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/platform/db/index.ts';
import { freePort } from './ports.ts';

export interface ScratchDatabase {
  /** Empty: a hub started on it migrates it like a fresh deployment. */
  url: string;
  kind: 'embedded' | 'external';
  /** Drops the database (cutting any connection still open to it), or stops the embedded server. Once. */
  drop(): Promise<void>;
}

/** Database names are interpolated into SQL: the prefix must be a plain identifier. */
const PREFIX = /^[a-z][a-z0-9_]{0,40}$/;

export async function createScratchDatabase(options: { serverUrl?: string | undefined; prefix: string }): Promise<ScratchDatabase> {
  if (!PREFIX.test(options.prefix)) throw new TypeError(`scratch database prefix "${options.prefix}" must be a lowercase identifier`);
  const scratch = options.serverUrl ? await onServer(options.serverUrl, options.prefix) : await embedded(options.prefix);
  let dropped: Promise<void> | undefined;
  return { ...scratch, drop: () => (dropped ??= scratch.drop()) };
}

async function onServer(serverUrl: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), kind: 'external', drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function embedded(prefix: string): Promise<ScratchDatabase> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `${prefix.replaceAll('_', '-')}-`));
  try {
    const server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
    return {
      url: server.url,
      kind: 'embedded',
      async drop() {
        await server.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** A short-lived client on the server's given database: no one can drop the database they are connected to. */
async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
