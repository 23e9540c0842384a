/**
 * A hub as a separate OS process, started the way an operator starts it (`dropgate serve`),
 * for what only a real process shows: SIGTERM draining, SIGKILL crashes, restarts, several
 * instances on one database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/dropgate.js', import.meta.url));

export interface HubProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process printed so far. */
  output(): string;
  exited: Promise<number | null>;
}

export async function startHubProcess(env: Record<string, string>): Promise<HubProcess> {
  // The run's own DATABASE_URL (CI's external server) is not the process's: a test that wants one
  // passes it in `env`; otherwise the process starts its embedded PostgreSQL, as an operator's would.
  const { DATABASE_URL: _runDatabase, ...inherited } = process.env;
  // The bin's shebang finds `node` on PATH: this process's own Node goes first.
  const PATH = `${path.dirname(process.execPath)}${path.delimiter}${inherited.PATH ?? ''}`;
  const child = spawn(BIN, ['serve'], { env: { ...inherited, PATH, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 30_000;
  while (!/running at (\S+)/.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL'); // a hub stuck starting must not outlive the caller
      throw new Error(`hub did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, url: /running at (\S+)/.exec(output)![1]!, output: () => output, exited };
}

/**
 * The processes of the embedded PostgreSQL under a data folder (they all work in DATA_DIR/pg,
 * which /proc tells on Linux): a killed hub's database takes a moment to stop after it.
 */
export function clusterProcesses(dataDir: string): number[] {
  const target = path.join(path.resolve(dataDir), 'pg');
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).filter((pid) => {
    try {
      return readlinkSync(`/proc/${pid}/cwd`) === target;
    } catch {
      return false;
    }
  }).map(Number);
}
