/**
 * The hub's generic job queue: graphile-worker on the hub's PostgreSQL. Modules enqueue in SQL,
 * in the transaction of their change (`graphile_worker.add_job(...)`), and export their tasks;
 * start-up hands every module's tasks to `startJobs`, and stops the runner with the hub.
 */
export { startJobs, type JobRunner, type JobsOptions, type JobTasks, type JobsLog } from './runner.ts';
