/**
 * Hub processes for the tests of one file. Whatever a test does (passes, fails, throws half-way),
 * after it every process it started is killed (SIGKILL, if it still runs) and every data folder
 * it asked for is removed, in that order: an embedded PostgreSQL writes there until its hub dies.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { clusterProcesses, startHubProcess, type HubProcess } from './process.ts';

export interface HubProcesses {
  /** `dropgate serve` with this environment; a data folder of its own unless env names DATA_DIR. */
  start(env: Record<string, string>): Promise<HubProcess>;
  /** A fresh data folder, for processes that must share one (a restart on the same data). */
  dataDir(): Promise<string>;
}

export function useHubProcesses(): HubProcesses {
  let started: HubProcess[] = [];
  let folders: string[] = [];
  afterEach(async () => {
    const processes = started;
    const dirs = folders;
    started = [];
    folders = [];
    await Promise.all(processes.map(async (hub) => {
      if (hub.child.exitCode === null && hub.child.signalCode === null) hub.child.kill('SIGKILL');
      await hub.exited;
    }));
    // A killed hub's database stops by itself a moment later (its guard): let it finish writing.
    for (const until = Date.now() + 10_000; Date.now() < until && dirs.some((dir) => clusterProcesses(dir).length > 0);) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });
  const dataDir = async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dropgate-proc-'));
    folders.push(dir);
    return dir;
  };
  return {
    dataDir,
    async start(env) {
      const hub = await startHubProcess(env.DATA_DIR ? env : { DATA_DIR: await dataDir(), ...env });
      started.push(hub);
      return hub;
    },
  };
}
