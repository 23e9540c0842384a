/**
 * Inventory: the operator's own key stock. Keys are sealed (AES-256-GCM) before they reach the
 * database and fingerprinted (HMAC) so a re-uploaded key is reported as a duplicate, not sold twice.
 * Keys are claimed by orders inside place_order (see the orders module).
 */
import type pg from 'pg';
import { inTransaction } from '../../platform/db/index.ts';
import type { KeyVault } from '../../platform/crypto.ts';
import { invalidField } from '../../platform/errors.ts';
import { recordAudit, type Actor } from '../audit-log/index.ts';
import { touchOffers } from '../catalog/index.ts';
import * as repo from './repository.ts';

export type { StockLevel, StockKeyRow } from './repository.ts';
export { findSealedKey, lowStock, type LowStock } from './repository.ts';

/** The key stock as request handlers use it, bound to its database and the key vault. */
export class Inventory {
  readonly #db: pg.Pool;
  readonly #vault: KeyVault;

  constructor(db: pg.Pool, vault: KeyVault) {
    this.#db = db;
    this.#vault = vault;
  }

  /** Keys available and sold, per offer (all offers when none are named). */
  levels(offerIds?: number[]): Promise<repo.StockLevel[]> {
    return repo.stockLevels(this.#db, offerIds);
  }

  /** Own-stock offers with fewer than `threshold` keys left (the dashboard's low-stock list). */
  lowStock(threshold: number): Promise<repo.LowStock[]> {
    return repo.lowStock(this.#db, threshold);
  }

  /** An offer's keys, newest first, without the keys themselves. */
  keys(offerId: number, page: { before?: number | undefined; limit: number }): Promise<{ keys: repo.StockKeyRow[]; nextBefore: number | null }> {
    return repo.listKeys(this.#db, offerId, page);
  }

  addKeys(offerId: number, keys: string[], actor: Actor): Promise<{ added: number; duplicates: number }> {
    return addKeys(this.#db, this.#vault, offerId, keys, actor);
  }
}

/** The most keys one call accepts; the CLI sends large files in batches of this size or less. */
export const MAX_KEYS_PER_UPLOAD = 5000;
export const MAX_KEY_LENGTH = 1000;

/** Seals and stores the keys; the trail records how many, never which. */
export async function addKeys(pool: pg.Pool, vault: KeyVault, offerId: number, keys: string[], actor: Actor): Promise<{ added: number; duplicates: number }> {
  if (keys.length > MAX_KEYS_PER_UPLOAD) throw invalidField('keys', `at most ${MAX_KEYS_PER_UPLOAD} keys per call`);
  const byFingerprint = new Map<string, { key: string; fingerprint: Buffer }>();
  let submitted = 0;
  for (const raw of keys) {
    const key = raw.trim();
    if (key.length === 0) continue;
    if (key.length > MAX_KEY_LENGTH) throw invalidField('keys', `a key is longer than ${MAX_KEY_LENGTH} characters`);
    submitted += 1;
    const fingerprint = vault.fingerprint(key);
    byFingerprint.set(fingerprint.toString('hex'), { key, fingerprint });
  }
  const batch = [...byFingerprint.values()];
  return inTransaction(pool, async (tx) => {
    const added = batch.length === 0 ? 0 : await repo.insertKeys(
      tx,
      offerId,
      batch.map((k) => vault.seal(k.key)),
      batch.map((k) => k.fingerprint),
    );
    // Stock came in: the catalog feed shows the offer changed (it may be back in stock).
    if (added > 0) await touchOffers(tx, [offerId]);
    await recordAudit(tx, actor, { action: 'stock.add', target: { type: 'offer', id: offerId }, after: { added, duplicates: submitted - added } });
    return { added, duplicates: submitted - added };
  });
}
