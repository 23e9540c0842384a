/**
 * The hub's generic job queue: graphile-worker on the hub's PostgreSQL. Modules enqueue in SQL,
 * in the transaction of their change (`graphile_worker.add_job(...)`, or an outbox row that their
 * pump turns into jobs in batches), and export their tasks and pumps; start-up hands them to
 * `startJobs`, and stops the runner with the hub.
 */
export type { JobPump } from './pump.ts';
export { startJobs, type JobRunner, type JobsOptions, type JobTasks, type JobsLog } from './runner.ts';
