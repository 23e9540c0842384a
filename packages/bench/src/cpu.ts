/**
 * Where the CPU goes, per request: the hub, the database server, and the load generator. On a
 * two-core machine all three share the CPU, so these figures are what explains a ratio: when the
 * machine is saturated, requests/s is the CPU it has divided by the CPU a request costs, summed
 * over every process that serves it. Read from /proc (Linux), in clock ticks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const TICK_MS = 10; // USER_HZ is 100 on every Linux this runs on

interface Times {
  self: number;
  /** Of children that exited and were reaped: a PostgreSQL backend's, once its client leaves. */
  reaped: number;
}

function times(pid: number | 'self'): Times | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    // fields[11..14]: utime, stime, cutime, cstime (stat(5), counting from state at index 0)
    return { self: fields[11]! + fields[12]!, reaped: fields[13]! + fields[14]! };
  } catch {
    return undefined; // gone
  }
}

function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) found.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/**
 * A process and everything below it, the exited included: a whole PostgreSQL server. A child
 * reaped while its siblings are read would be in neither sum (gone from the children, not yet in
 * the parent's reaped time as read before), and a backend that served the whole run carries
 * seconds: such a read is taken again, until the parent reaped nothing during it.
 */
function treeTicks(pid: number): number {
  for (;;) {
    const before = times(pid);
    if (!before) return 0;
    const children = childrenOf(pid).reduce((sum, child) => sum + treeTicks(child), 0);
    const after = times(pid);
    if (!after) return 0;
    if (after.reaped === before.reaped) return after.self + after.reaped + children;
  }
}

export interface CpuFigures {
  hubUs: number | undefined;
  databaseUs: number | undefined;
  generatorUs: number;
}

export interface CpuSubjects {
  hubPid: number | undefined;
  /** The embedded PostgreSQL's postmaster; undefined for an external server (shared, not ours to count). */
  databasePid: number | undefined;
}

/** The embedded database's postmaster: the hub's child process named postgres. */
export function embeddedPostmaster(hubPid: number): number | undefined {
  return childrenOf(hubPid).find((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres');
}

/**
 * Starts counting; `per(requests)` gives each side's CPU per request since then, in µs. Call
 * `settled()` first when the load came over connections of its own (pgbench): their backends
 * exit after the client does, and their CPU is counted once the postmaster has reaped them.
 */
export function countCpu(subjects: CpuSubjects): { settled(): Promise<void>; per(requests: number): CpuFigures } {
  const hub = () => (subjects.hubPid === undefined ? 0 : times(subjects.hubPid)?.self ?? 0);
  const database = () => (subjects.databasePid === undefined ? 0 : treeTicks(subjects.databasePid));
  // wrk and pgbench are this process's children: their CPU arrives in ours once reaped.
  const generator = () => times('self')?.reaped ?? 0;
  const backends = () => (subjects.databasePid === undefined ? 0 : childrenOf(subjects.databasePid).length);
  const start = { hub: hub(), database: database(), generator: generator(), backends: backends() };
  const us = (ticks: number, requests: number) => Math.round((ticks * TICK_MS * 1000) / requests);
  return {
    async settled() {
      for (let waited = 0; backends() > start.backends && waited < 5000; waited += 20) await sleep(20);
    },
    per(requests) {
      return {
        hubUs: subjects.hubPid === undefined ? undefined : us(hub() - start.hub, requests),
        databaseUs: subjects.databasePid === undefined ? undefined : us(database() - start.database, requests),
        generatorUs: us(generator() - start.generator, requests),
      };
    },
  };
}

/**
 * The share of the machine's CPU time the hypervisor gave to other guests while a run went on
 * (the "steal" of /proc/stat). On a shared virtual machine it is what makes two runs of the same
 * commit differ; the report prints it so that a noisy run reads as one.
 */
export function countSteal(): { share(): number } {
  const read = () => {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { total: fields.reduce((a, b) => a + b, 0), steal: fields[7] ?? 0 };
  };
  const start = read();
  return {
    share() {
      const now = read();
      return now.total === start.total ? 0 : (now.steal - start.steal) / (now.total - start.total);
    },
  };
}
