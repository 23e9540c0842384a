/**
 * Change notices between hub instances: a writer that changes something instances cache (a shop
 * token, an offer) sends NOTIFY in the same transaction; every instance LISTENs and evicts. While
 * the listening connection is down, notices may be lost, so caches are emptied and bypassed until
 * it is back.
 */
import pg from 'pg';
import type { Db } from './pool.ts';

export const CHANGES_CHANNEL = 'dropgate_changes';
/** What instances cache: a shop's token, an offer, a product (its offers), a shop's limits. */
export type ChangeKind = 'shop' | 'offer' | 'product' | 'shop-limits';

export interface ChangeLog {
  warn(details: object, message: string): void;
}

/** Tells every instance that `kind` `id` changed; delivered when the caller's transaction commits. */
export async function announceChange(db: Db, kind: ChangeKind, id: number): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, `${kind}:${id}`]);
}

export class ChangeFeed {
  readonly #connectionString: string;
  readonly #log: ChangeLog;
  readonly #handlers = new Map<ChangeKind, Array<(id: number) => void>>();
  readonly #onConnection: Array<(up: boolean) => void> = [];
  #client: pg.Client | undefined;
  #stopped = false;
  #retry: NodeJS.Timeout | undefined;

  constructor(connectionString: string, log: ChangeLog) {
    this.#connectionString = connectionString;
    this.#log = log;
  }

  on(kind: ChangeKind, handler: (id: number) => void): void {
    this.#handlers.set(kind, [...(this.#handlers.get(kind) ?? []), handler]);
  }

  /**
   * Called with false when notices may have been lost (caches must empty), true when listening
   * again; a handler added while listening is told so at once.
   */
  onConnection(handler: (up: boolean) => void): void {
    this.#onConnection.push(handler);
    if (this.#client) handler(true);
  }

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#connectionString, application_name: 'dropgate-changes' });
    client.on('notification', (message) => this.#dispatch(message.payload ?? ''));
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    await client.connect();
    await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    this.#client = client;
    for (const handler of this.#onConnection) handler(true);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retry);
    await this.#client?.end().catch(() => {});
  }

  #dispatch(payload: string): void {
    const [kind, id] = payload.split(':');
    for (const handler of this.#handlers.get(kind as ChangeKind) ?? []) handler(Number(id));
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client || this.#stopped) return;
    this.#client = undefined;
    for (const handler of this.#onConnection) handler(false);
    this.#log.warn({}, 'change feed: connection lost; caches bypassed until it is back');
    const reconnect = () => {
      if (this.#stopped) return;
      this.start().catch(() => (this.#retry = setTimeout(reconnect, 1000)));
    };
    this.#retry = setTimeout(reconnect, 100);
  }
}
