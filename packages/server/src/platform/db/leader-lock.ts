/**
 * One leader among the hub instances for work only one of them may do at a time (Telegram's
 * getUpdates answers 409 Conflict to a second poller). The leader holds a session advisory lock
 * on a connection of its own; if that connection drops, the lock is gone and the work is told to
 * stop, and another instance takes over at its next try.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

export interface LeaderLog {
  warn(details: object, message: string): void;
}

export class LeaderLock {
  readonly #connectionString: string;
  readonly #key: number;
  readonly #retryMs: number;
  readonly #log: LeaderLog;
  readonly #stopping = new AbortController();
  #running: Promise<void> | undefined;

  constructor(options: { connectionString: string; key: number; retryMs: number; log: LeaderLog }) {
    this.#connectionString = options.connectionString;
    this.#key = options.key;
    this.#retryMs = options.retryMs;
    this.#log = options.log;
  }

  /**
   * Runs `lead` whenever this instance holds the lock, until stop(). `lead` resolves when its work
   * ends; `lost` is called when the lock is lost while it runs (it must then end its work).
   */
  start(lead: () => Promise<void>, lost: () => void): void {
    this.#running = this.#loop(lead, lost);
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#running;
  }

  async #loop(lead: () => Promise<void>, lost: () => void): Promise<void> {
    while (!this.#stopping.signal.aborted) {
      const client = new pg.Client({ connectionString: this.#connectionString, application_name: 'dropgate-leader' });
      client.on('error', () => lost());
      try {
        await client.connect();
        const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [this.#key]);
        if (rows[0]!.locked && !this.#stopping.signal.aborted) {
          const onStop = () => lost();
          this.#stopping.signal.addEventListener('abort', onStop);
          try {
            await lead();
          } finally {
            this.#stopping.signal.removeEventListener('abort', onStop);
          }
        }
      } catch (error) {
        this.#log.warn({ err: { message: (error as Error).message } }, 'leader work ended with an error; retrying');
      } finally {
        await client.end().catch(() => {});
      }
      await sleep(this.#retryMs, undefined, { signal: this.#stopping.signal }).catch(() => {});
    }
  }
}
