/**
 * Readiness: whether this instance should get traffic now. The database answers within a second
 * and holds this version's schema, the fulfilment worker's loop runs, the embedded PostgreSQL
 * (if any) is up, and the hub is not stopping. /health says less on purpose: only that the
 * process answers, so a supervisor restarts a hub that hangs, not one whose database is away.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { schemaDifferences, type ExpectedSchema } from '../platform/db/index.ts';

/** The database must answer the probe within this. */
export const READY_DB_TIMEOUT_MS = 1000;

export interface Readiness {
  status: 'ready' | 'unavailable' | 'stopping';
  /** Each check: "ok", or why not. */
  checks: { database: string; migrations: string; worker: string };
}

export interface ReadinessDeps {
  pool: pg.Pool;
  expected: ExpectedSchema;
  worker: { readonly alive: boolean };
  /** The embedded database's supervisor: why it is not up, or undefined when it is. */
  embeddedDown?: () => string | undefined;
}

export class ReadinessProbe {
  readonly #deps: ReadinessDeps;
  #stopping = false;

  constructor(deps: ReadinessDeps) {
    this.#deps = deps;
  }

  /** From now on, not ready: a load balancer stops sending new requests while the hub drains. */
  stopping(): void {
    this.#stopping = true;
  }

  async check(): Promise<Readiness> {
    const worker = this.#deps.worker.alive ? 'ok' : 'the fulfilment worker is not running';
    const { database, migrations } = await this.#database();
    const ok = database === 'ok' && migrations === 'ok' && worker === 'ok';
    return { status: this.#stopping ? 'stopping' : ok ? 'ready' : 'unavailable', checks: { database, migrations, worker } };
  }

  async #database(): Promise<{ database: string; migrations: string }> {
    const down = this.#deps.embeddedDown?.();
    if (down) return { database: down, migrations: 'unknown' };
    const timedOut = Symbol('timeout');
    const probe = schemaDifferences(this.#deps.pool, this.#deps.expected, READY_DB_TIMEOUT_MS);
    probe.catch(() => {}); // it may settle after the race is lost
    try {
      const differences = await Promise.race([probe, sleep(READY_DB_TIMEOUT_MS, timedOut, { ref: false })]);
      if (differences === timedOut) return { database: `no answer within ${READY_DB_TIMEOUT_MS} ms`, migrations: 'unknown' };
      return { database: 'ok', migrations: differences.length === 0 ? 'ok' : differences.join('; ') };
    } catch (error) {
      return { database: `unreachable: ${(error as Error).message}`, migrations: 'unknown' };
    }
  }
}
