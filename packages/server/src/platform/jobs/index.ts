/**
 * The job queue: graphile-worker on the hub's PostgreSQL. Every instance runs a runner; a job
 * runs on one of them at a time, and a job enqueued inside a transaction exists only if it
 * commits. Modules export their tasks; start-up hands them all to `startJobs`.
 */
import { Logger, run, type Runner, type Task } from 'graphile-worker';

export type { Task } from 'graphile-worker';
export type TaskList = Record<string, Task>;

export interface JobLog {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
  debug(details: object, message: string): void;
}

export interface Jobs {
  stop(): Promise<void>;
}

export async function startJobs(options: { connectionString: string; tasks: TaskList; log: JobLog; concurrency?: number; pollIntervalMs?: number }): Promise<Jobs> {
  const runner: Runner = await run({
    connectionString: options.connectionString,
    taskList: options.tasks,
    concurrency: options.concurrency ?? 2,
    pollInterval: options.pollIntervalMs ?? 1000,
    noHandleSignals: true, // the hub's own stop ends the runner
    logger: new Logger(() => (level, message, meta) => {
      const write = level === 'error' ? options.log.error : level === 'warning' ? options.log.warn : level === 'info' ? options.log.debug : options.log.debug;
      write.call(options.log, { ...meta, queue: 'graphile-worker' }, message);
    }),
  });
  return { stop: () => runner.stop() };
}
