/**
 * graphile-worker keeps a crashed worker's jobs locked for four hours (and its named queues with
 * them). Each hub instance records its lock owners (its worker pool's id and its workers') and a
 * heartbeat in `job_runners`; every instance unlocks the jobs of instances whose heartbeat is
 * three beats old (`force_unlock_workers`), so the work of a killed hub is taken up within
 * seconds. A duplicate is then possible only for what the killed hub was running: at least once.
 */
import type pg from 'pg';
import type { JobsLog } from './runner.ts';

export class Heartbeat {
  readonly #pool: pg.Pool;
  readonly #id: string;
  readonly #everyMs: number;
  readonly #log: JobsLog;
  readonly #workerIds: string[] = [];
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(pool: pg.Pool, id: string, everyMs: number, log: JobsLog) {
    this.#pool = pool;
    this.#id = id;
    this.#everyMs = everyMs;
    this.#log = log;
  }

  addWorker(workerId: string): void {
    this.#workerIds.push(workerId);
  }

  async start(): Promise<void> {
    await this.beat();
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    // A clean stop releases its jobs itself (graphile-worker's graceful shutdown): forget this instance.
    await this.#pool.query('DELETE FROM job_runners WHERE id = $1', [this.#id]).catch(() => {});
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.beat().catch((error: unknown) => this.#log.warn({ err: error }, 'jobs: heartbeat failed')).finally(() => this.#schedule());
    }, this.#everyMs);
  }

  /** Says this instance is alive, then unlocks the jobs of instances that stopped saying so. */
  async beat(): Promise<void> {
    await this.#pool.query(
      `INSERT INTO job_runners (id, worker_ids, heartbeat_at) VALUES ($1, $2, now())
       ON CONFLICT (id) DO UPDATE SET worker_ids = EXCLUDED.worker_ids, heartbeat_at = now()`,
      [this.#id, this.#workerIds],
    );
    const { rows } = await this.#pool.query<{ id: string; worker_ids: string[] }>(
      `DELETE FROM job_runners WHERE heartbeat_at < now() - make_interval(secs => $1::float8 / 1000) RETURNING id, worker_ids`,
      [this.#everyMs * 3],
    );
    for (const dead of rows) {
      if (dead.worker_ids.length > 0) await this.#pool.query('SELECT graphile_worker.force_unlock_workers($1::text[])', [dead.worker_ids]);
      this.#log.warn({ runner: dead.id, workers: dead.worker_ids.length }, 'jobs: unlocked the jobs of an instance that stopped beating');
    }
  }
}
