import type { Db } from '../../platform/db/index.ts';
import type { KeyVault } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import type { SupplierConfig } from './adapter.ts';
import * as repo from './repository.ts';

/**
 * The supplier with its token opened, for building an adapter; `version` changes on every
 * update; `catalogMaxMissingPercent` guards its catalog syncs.
 */
export async function supplierConfig(db: Db, vault: KeyVault, id: number): Promise<SupplierConfig & { version: number; catalogMaxMissingPercent: number }> {
  const row = await repo.findSupplier(db, id);
  if (!row) throw new AppError('SUPPLIER_NOT_FOUND', `supplier ${id} does not exist`);
  return {
    id: row.id, kind: row.kind, name: row.name, baseUrl: row.baseUrl,
    token: row.tokenSealed ? vault.open(row.tokenSealed) : null,
    timeoutMs: row.timeoutMs, statusIntervalS: row.statusIntervalS, statusAttempts: row.statusAttempts,
    catalogProductIds: row.catalogProductIds,
    version: row.updatedAt.getTime(),
    catalogMaxMissingPercent: row.catalogMaxMissingPercent,
  };
}
