/**
 * Scheduled catalog syncs: one job per supplier on the queue (graphile-worker, job key
 * `catalog-sync:<id>`), so one instance of the deployment runs each, whatever the number of
 * instances. Setting the supplier's interval (re)schedules the job in the same transaction;
 * each run schedules the next from the interval then in force, and a supplier whose interval
 * was removed is not scheduled again.
 */
import type pg from 'pg';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { JobTasks } from '../../platform/jobs/index.ts';
import { systemActor } from '../audit-log/index.ts';
import type { CatalogSyncs } from './catalog-sync.ts';
import { findSupplier } from './repository.ts';

export const CATALOG_SYNC_TASK = 'catalog-sync';
const jobKey = (supplierId: number) => `${CATALOG_SYNC_TASK}:${supplierId}`;

/** The supplier's next scheduled sync `intervalS` from now, or none (null), in the caller's transaction. */
export async function scheduleCatalogSync(tx: Tx, supplierId: number, intervalS: number | null): Promise<void> {
  if (intervalS === null) {
    await tx.query('SELECT graphile_worker.remove_job($1)', [jobKey(supplierId)]);
    return;
  }
  await tx.query(
    `SELECT graphile_worker.add_job($1, json_build_object('supplierId', $2::bigint), run_at := now() + make_interval(secs => $3),
                                    job_key := $4, max_attempts := 1)`,
    [CATALOG_SYNC_TASK, supplierId, intervalS, jobKey(supplierId)],
  );
}

/** The tasks of this module, for the queue's runner (src/start.ts). */
export function catalogSyncTasks(syncs: CatalogSyncs, pool: pg.Pool): JobTasks {
  return {
    async [CATALOG_SYNC_TASK](payload, helpers) {
      const supplierId = Number((payload as { supplierId?: unknown }).supplierId);
      const supplier = await findSupplier(pool, supplierId);
      if (!supplier?.catalogSyncIntervalS) return; // removed, or its schedule was: nothing more to do
      try {
        await syncs.run(supplierId, systemActor('scheduled catalog sync'));
      } catch (error) {
        // One running already (by hand, or held up elsewhere): this turn is skipped, the next is kept.
        if (!(error instanceof AppError && error.code === 'SYNC_RUNNING')) helpers.logger.error(`catalog sync of supplier ${supplierId}: ${(error as Error).message}`);
      }
      await helpers.addJob(CATALOG_SYNC_TASK, { supplierId }, {
        jobKey: jobKey(supplierId), runAt: new Date(Date.now() + supplier.catalogSyncIntervalS * 1000), maxAttempts: 1,
      });
    },
  };
}
