/**
 * An outbox pump: a step run every `everyMs` on the job runner's pool, and again at once while it
 * says more is waiting. A module whose changes must not pay for queuing a job in their own
 * transaction writes an outbox row there instead, and its pump turns the rows into jobs in
 * batches (the webhooks' outbox: docs/webhooks.md#delivery). One failed step is logged and the
 * pump goes on: the rows stay in the outbox until a step takes them.
 */
import type pg from 'pg';
import type { JobsLog } from './runner.ts';

export interface JobPump {
  name: string;
  everyMs: number;
  /** Moves one batch; true when there may be more waiting. */
  step(pool: pg.Pool): Promise<boolean>;
}

export class PumpLoop {
  readonly #pump: JobPump;
  readonly #pool: pg.Pool;
  readonly #log: JobsLog;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(pump: JobPump, pool: pg.Pool, log: JobsLog) {
    this.#pump = pump;
    this.#pool = pool;
    this.#log = log;
  }

  start(): void {
    this.#next(0);
  }

  /** Waits for a step in flight, so that the pool can end after it. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #next(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.#pump.step(this.#pool).then(
        (more) => this.#next(more ? 0 : this.#pump.everyMs),
        (error: unknown) => {
          this.#log.warn({ err: error, pump: this.#pump.name }, 'jobs: a pump step failed');
          this.#next(this.#pump.everyMs);
        },
      );
    }, delayMs);
  }
}
