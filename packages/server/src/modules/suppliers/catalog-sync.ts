/**
 * Syncing a supplier's catalog: read it through the adapter in batches (never the whole catalog
 * in memory), keep what was read in supplier_sync_rows, then apply the difference in one
 * transaction. A read that fails or answers garbage changes nothing; a read that would mark
 * more of the listed catalog gone than the supplier's threshold is held for the operator, who
 * confirms it (applied as read) or discards it. One sync per supplier at a time, across every
 * hub instance (an advisory lock held by the sync's own connection: a dead process frees it).
 * That connection is a long one, outside the pool: an apply of 100,000 rows outlasts the
 * request statement timeout, and a sync never holds one of the requests' connections.
 */
import type pg from 'pg';
import { createPool, inTransaction, inTransactionOn, type Tx } from '../../platform/db/index.ts';
import type { KeyVault } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit, type Actor } from '../audit-log/index.ts';
import { touchOffers } from '../catalog/index.ts';
import type { CatalogEntry, SupplierAdapter, SupplierConfig } from './adapter.ts';
import * as repo from './catalog-repository.ts';
import { repriceMoved } from './catalog-reprice.ts';
import { supplierConfig } from './supplier-config.ts';

/** Any constant shared by every instance: the first key of each supplier's sync lock. */
const SYNC_LOCK = 7_270_212;
/** Rows written to the sync's staging per statement, and how often the progress is recorded. */
const BATCH = 1000;
const PROGRESS_EVERY = 5000;

export interface CatalogSyncDeps {
  pool: pg.Pool;
  vault: KeyVault;
  createAdapter(config: SupplierConfig): SupplierAdapter;
  log: { error(details: object, message: string): void };
}

export class CatalogSyncs {
  readonly #deps: CatalogSyncDeps;
  readonly #running = new Set<Promise<void>>();
  #stopping = false;

  constructor(deps: CatalogSyncDeps) {
    this.#deps = deps;
  }

  /**
   * Starts a sync of the supplier's catalog and answers it `running`; it goes on in the
   * background (`get` shows its progress and outcome). SYNC_RUNNING if one runs already.
   */
  async start(supplierId: number, actor: Actor): Promise<repo.SyncRow> {
    return (await this.#begin(supplierId, actor)).sync;
  }

  /** Runs a sync to its end (the schedule's way): its outcome is in supplier_syncs. */
  async run(supplierId: number, actor: Actor): Promise<void> {
    await (await this.#begin(supplierId, actor)).done;
  }

  async #begin(supplierId: number, actor: Actor): Promise<{ sync: repo.SyncRow; done: Promise<void> }> {
    const { pool } = this.#deps;
    const config = await supplierConfig(pool, this.#deps.vault, supplierId);
    const adapter = this.#deps.createAdapter(config);
    const read = adapter.catalog;
    if (!read) throw new AppError('CATALOG_NOT_AVAILABLE', `supplier ${supplierId} (${config.kind}) has no catalog to read`);
    if (config.kind === 'codegames' && (config.catalogProductIds ?? []).length === 0) {
      throw new AppError('CATALOG_NOT_AVAILABLE', `supplier ${supplierId}: list the CodeGames product ids to check first (catalogProductIds)`);
    }
    if (this.#stopping) throw new AppError('SERVICE_UNAVAILABLE', 'the hub is stopping');
    const lock = await lockSupplier(pool, supplierId);
    try {
      const sync = await inTransaction(pool, async (tx) => {
        await repo.closeEarlierSyncs(tx, supplierId);
        const started = await repo.insertSync(tx, supplierId, actor.label);
        await recordAudit(tx, actor, { action: 'supplier.sync', target: { type: 'supplier', id: supplierId }, after: { syncId: started.id } });
        return started;
      });
      const done = this.#run(lock.db, sync, () => read.call(adapter), config.catalogMaxMissingPercent).finally(() => lock.release());
      this.#running.add(done);
      void done.finally(() => this.#running.delete(done));
      return { sync, done };
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /** Applies a held sync as it was read. */
  async confirm(supplierId: number, syncId: number, actor: Actor): Promise<repo.SyncRow> {
    const { pool } = this.#deps;
    const lock = await lockSupplier(pool, supplierId);
    try {
      const held = await this.#held(supplierId, syncId);
      if (await repo.stagedCount(lock.db, syncId) !== held.seen) {
        throw new AppError('SYNC_NOT_HELD', `sync ${syncId}'s rows were lost (the database restarted): run a new sync`);
      }
      const confirmed = await inTransactionOn(lock.db, async (tx) => {
        const counts = await this.#apply(tx, supplierId, syncId);
        const row = await repo.finishSync(tx, syncId, { status: 'confirmed', ...counts });
        await recordAudit(tx, actor, { action: 'supplier.sync-confirm', target: { type: 'supplier', id: supplierId }, after: { syncId, ...counts } });
        return row;
      });
      await repo.dropStaged(lock.db, syncId);
      return confirmed;
    } finally {
      await lock.release();
    }
  }

  /** Drops a held sync: the catalog stays as it is. */
  async discard(supplierId: number, syncId: number, actor: Actor): Promise<repo.SyncRow> {
    const { pool } = this.#deps;
    const lock = await lockSupplier(pool, supplierId);
    try {
      await this.#held(supplierId, syncId);
      const discarded = await inTransactionOn(lock.db, async (tx) => {
        const row = await repo.finishSync(tx, syncId, { status: 'discarded' });
        await recordAudit(tx, actor, { action: 'supplier.sync-discard', target: { type: 'supplier', id: supplierId }, after: { syncId } });
        return row;
      });
      await repo.dropStaged(lock.db, syncId);
      return discarded;
    } finally {
      await lock.release();
    }
  }

  async get(supplierId: number, syncId: number): Promise<repo.SyncRow> {
    const sync = await repo.findSync(this.#deps.pool, supplierId, syncId);
    if (!sync) throw new AppError('SYNC_NOT_FOUND', `supplier ${supplierId} has no sync ${syncId}`);
    return sync;
  }

  list(supplierId: number, limit = 20): Promise<repo.SyncRow[]> {
    return repo.listSyncs(this.#deps.pool, supplierId, limit);
  }

  offers(supplierId: number, query: repo.CatalogQuery): Promise<{ total: number; offers: repo.SupplierOfferRow[] }> {
    return repo.catalogPage(this.#deps.pool, supplierId, query);
  }

  /** Ends the syncs running here: each stops at its next batch and is recorded failed (nothing changed). */
  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.allSettled([...this.#running]);
  }

  async #held(supplierId: number, syncId: number): Promise<repo.SyncRow> {
    const sync = await this.get(supplierId, syncId);
    if (sync.status !== 'held') throw new AppError('SYNC_NOT_HELD', `sync ${syncId} is ${sync.status}, not held for confirmation`);
    return sync;
  }

  async #run(db: pg.PoolClient, sync: repo.SyncRow, read: () => AsyncIterable<CatalogEntry>, maxMissingPercent: number): Promise<void> {
    const { log } = this.#deps;
    let seen = 0;
    try {
      let batch: CatalogEntry[] = [];
      for await (const entry of read()) {
        if (this.#stopping) throw new Error('interrupted: the hub is stopping');
        batch.push(entry);
        seen += 1;
        if (batch.length < BATCH) continue;
        await repo.stageRows(db, sync.id, batch);
        batch = [];
        if (seen % PROGRESS_EVERY === 0) await repo.recordProgress(db, sync.id, seen);
      }
      if (batch.length > 0) await repo.stageRows(db, sync.id, batch);
      const { present, missing } = await repo.missingFigures(db, sync.supplierId, sync.id);
      const missingPercent = present === 0 ? '0.00' : ((missing * 100) / present).toFixed(2);
      if (missing * 100 > maxMissingPercent * present) {
        await repo.finishSync(db, sync.id, { status: 'held', seen, gone: missing, missingPercent });
        return;
      }
      await inTransactionOn(db, async (tx) => {
        const counts = await this.#apply(tx, sync.supplierId, sync.id);
        await repo.finishSync(tx, sync.id, { status: 'applied', seen, ...counts, missingPercent });
      });
      await repo.dropStaged(db, sync.id);
    } catch (error) {
      await repo.dropStaged(db, sync.id).catch(() => {});
      await repo.finishSync(db, sync.id, { status: 'failed', seen, error: describe(error) })
        .catch((e: unknown) => log.error({ err: e, syncId: sync.id }, 'catalog sync: could not record its failure'));
    }
  }

  async #apply(tx: Tx, supplierId: number, syncId: number): Promise<{ added: number; changed: number; gone: number }> {
    const counts = await repo.applyStaged(tx, supplierId, syncId);
    await repriceMoved(tx, supplierId);
    const moved = await repo.refreshSourceAvailability(tx, supplierId);
    if (moved.length > 0) await touchOffers(tx, moved); // the catalog feed shows the change in stock
    await analyzeAfter(tx, counts);
    return counts;
  }
}

/** Rows a sync may change before the catalog's statistics are taken again at once. */
const ANALYZE_AFTER_ROWS = 1000;

/**
 * A first sync of a large catalog fills a table autovacuum has not looked at yet: planned on an
 * empty table's statistics, an import right after it read the whole catalog for every batch of
 * 1000 (and ran past the statement timeout at 100,000 offers). In the apply's transaction (which
 * ANALYZE sees), so the sync is over, lock released, only once its statistics are.
 */
async function analyzeAfter(db: Tx, counts: { added: number; changed: number; gone: number }): Promise<void> {
  if (counts.added + counts.changed + counts.gone >= ANALYZE_AFTER_ROWS) await db.query('ANALYZE supplier_offers');
}

/** A supplier's sync lock and the connection holding it, which the sync runs on. */
interface SyncLock {
  db: pg.PoolClient;
  /** Closing the session frees the lock (and drops whatever a broken connection was doing). */
  release(): Promise<void>;
}

/** The lock, on a one-connection pool of its own: without the requests' statement timeouts. */
async function lockSupplier(pool: pg.Pool, supplierId: number): Promise<SyncLock> {
  const own = createPool(pool.options.connectionString!, 1);
  let db: pg.PoolClient | undefined;
  const release = async () => {
    db?.release(true);
    await own.end().catch(() => {});
  };
  try {
    db = await own.connect();
    const { rows } = await db.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2::int) AS locked', [SYNC_LOCK, supplierId]);
    if (rows[0]!.locked) return { db, release };
  } catch (error) {
    await release();
    throw error;
  }
  await release();
  throw new AppError('SYNC_RUNNING', `a sync of supplier ${supplierId} is running`);
}

/** What the trail shows of a failure: the error's kind and words, bounded (never a request or its token). */
function describe(error: unknown): string {
  const e = error as { name?: string; code?: string; message?: string };
  if (e.code === '23505') return 'garbage: the upstream listed an offer twice';
  return `${e.name ?? 'Error'}${e.code ? ` ${e.code}` : ''}: ${e.message ?? String(error)}`.slice(0, 500);
}
