import type { Currency } from '@dropgate/contract';
import type { Db } from '../../platform/db/index.ts';
import type { Minor } from '../../platform/money.ts';
import type { SupplierKind } from './adapter.ts';

export interface SupplierRow {
  id: number;
  kind: SupplierKind;
  name: string;
  baseUrl: string;
  tokenSealed: Buffer | null;
  timeoutMs: number;
  statusIntervalS: number;
  statusAttempts: number;
  /** CodeGames: the product ids its catalog sync checks. */
  catalogProductIds: string[];
  /** A sync marking more than this share of the listed catalog gone waits for the operator. */
  catalogMaxMissingPercent: number;
  /** A scheduled catalog sync every this many seconds (null: by hand only). */
  catalogSyncIntervalS: number | null;
  /** GamesDrop: it also delivers Telegram Stars, tried before or after the stars provider (null: it does not). */
  starsSource: StarsSource | null;
  updatedAt: Date;
}

export type StarsSource = 'before-provider' | 'after-provider';

export interface OfferSource {
  offerId: number;
  position: number;
  supplierId: number;
  supplierProductId: string;
  cost: Minor;
  costCurrency: Currency;
  /** False while the supplier's catalog lists its product gone or out of stock: not tried. */
  available: boolean;
}

const SUPPLIER_COLUMNS = `id, kind, name, base_url AS "baseUrl", token_sealed AS "tokenSealed", timeout_ms AS "timeoutMs",
  status_interval_s AS "statusIntervalS", status_attempts AS "statusAttempts", catalog_product_ids AS "catalogProductIds",
  catalog_max_missing_percent AS "catalogMaxMissingPercent", catalog_sync_interval_s AS "catalogSyncIntervalS", stars_source AS "starsSource", updated_at AS "updatedAt"`;

export type SupplierFields = Omit<SupplierRow, 'id' | 'updatedAt'>;

export async function insertSupplier(db: Db, s: SupplierFields): Promise<SupplierRow> {
  const { rows } = await db.query<SupplierRow>(
    `INSERT INTO suppliers (kind, name, base_url, token_sealed, timeout_ms, status_interval_s, status_attempts,
                            catalog_product_ids, catalog_max_missing_percent, catalog_sync_interval_s, stars_source)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${SUPPLIER_COLUMNS}`,
    [s.kind, s.name, s.baseUrl, s.tokenSealed, s.timeoutMs, s.statusIntervalS, s.statusAttempts, s.catalogProductIds, s.catalogMaxMissingPercent, s.catalogSyncIntervalS, s.starsSource],
  );
  return rows[0]!;
}

export async function updateSupplier(db: Db, id: number, s: Partial<SupplierFields>): Promise<SupplierRow | undefined> {
  const { rows } = await db.query<SupplierRow>(
    `UPDATE suppliers SET name = coalesce($2, name), base_url = coalesce($3, base_url),
            token_sealed = CASE WHEN $4::boolean THEN $5 ELSE token_sealed END,
            timeout_ms = coalesce($6, timeout_ms), status_interval_s = coalesce($7, status_interval_s),
            status_attempts = coalesce($8, status_attempts), catalog_product_ids = coalesce($9, catalog_product_ids),
            catalog_max_missing_percent = coalesce($10, catalog_max_missing_percent),
            catalog_sync_interval_s = CASE WHEN $11::boolean THEN $12 ELSE catalog_sync_interval_s END,
            stars_source = CASE WHEN $13::boolean THEN $14 ELSE stars_source END, updated_at = now()
      WHERE id = $1 RETURNING ${SUPPLIER_COLUMNS}`,
    [id, s.name ?? null, s.baseUrl ?? null, s.tokenSealed !== undefined, s.tokenSealed ?? null,
      s.timeoutMs ?? null, s.statusIntervalS ?? null, s.statusAttempts ?? null, s.catalogProductIds ?? null, s.catalogMaxMissingPercent ?? null,
      s.catalogSyncIntervalS !== undefined, s.catalogSyncIntervalS ?? null, s.starsSource !== undefined, s.starsSource ?? null],
  );
  return rows[0];
}

export async function findSupplier(db: Db, id: number): Promise<SupplierRow | undefined> {
  const { rows } = await db.query<SupplierRow>(`SELECT ${SUPPLIER_COLUMNS} FROM suppliers WHERE id = $1`, [id]);
  return rows[0];
}

export async function listSuppliers(db: Db): Promise<SupplierRow[]> {
  const { rows } = await db.query<SupplierRow>(`SELECT ${SUPPLIER_COLUMNS} FROM suppliers ORDER BY id`);
  return rows;
}

/** Appends a source after the offer's existing ones. */
export async function appendSource(db: Db, source: Omit<OfferSource, 'position' | 'available'>): Promise<OfferSource> {
  const { rows } = await db.query<OfferSource>(
    `INSERT INTO offer_sources (offer_id, position, supplier_id, supplier_product_id, cost, cost_currency)
     SELECT $1, coalesce(max(position) + 1, 0), $2, $3, $4, $5 FROM offer_sources WHERE offer_id = $1
     RETURNING offer_id AS "offerId", position, supplier_id AS "supplierId",
               supplier_product_id AS "supplierProductId", cost, cost_currency AS "costCurrency", available`,
    [source.offerId, source.supplierId, source.supplierProductId, source.cost, source.costCurrency],
  );
  return rows[0]!;
}

export async function listSources(db: Db, offerId: number): Promise<OfferSource[]> {
  const { rows } = await db.query<OfferSource>(
    `SELECT offer_id AS "offerId", position, supplier_id AS "supplierId", supplier_product_id AS "supplierProductId",
            cost, cost_currency AS "costCurrency", available
       FROM offer_sources WHERE offer_id = $1 ORDER BY position`,
    [offerId],
  );
  return rows;
}

/** The one Telegram Stars provider (a unique index allows one): created, or brought up to date. */
export async function upsertStarsSupplier(db: Db, s: Omit<SupplierFields, 'kind' | 'catalogProductIds' | 'catalogMaxMissingPercent' | 'catalogSyncIntervalS' | 'starsSource'>): Promise<SupplierRow> {
  const { rows } = await db.query<SupplierRow>(
    `INSERT INTO suppliers (kind, name, base_url, token_sealed, timeout_ms, status_interval_s, status_attempts)
     VALUES ('telegram_stars', $1, $2, $3, $4, $5, $6)
     ON CONFLICT (kind) WHERE kind = 'telegram_stars' DO UPDATE SET
       name = EXCLUDED.name, base_url = EXCLUDED.base_url, token_sealed = EXCLUDED.token_sealed, timeout_ms = EXCLUDED.timeout_ms,
       status_interval_s = EXCLUDED.status_interval_s, status_attempts = EXCLUDED.status_attempts, updated_at = now()
     RETURNING ${SUPPLIER_COLUMNS}`,
    [s.name, s.baseUrl, s.tokenSealed, s.timeoutMs, s.statusIntervalS, s.statusAttempts],
  );
  return rows[0]!;
}

/**
 * The sources of the Stars product (offer `starsOfferId`): the GamesDrop upstreams marked to be
 * tried before the stars provider, the provider, then those marked after it (each group by
 * supplier id), at positions 0, 1, …; any other source is dropped. Their cost is a placeholder the
 * schema requires: a Stars order's cost is computed per order (the fulfilment worker).
 */
export async function arrangeStarsSources(db: Db, starsOfferId: number): Promise<void> {
  await db.query(
    `WITH wanted AS (
       SELECT (row_number() OVER (ORDER BY CASE WHEN stars_source = 'before-provider' THEN 0 WHEN kind = 'telegram_stars' THEN 1 ELSE 2 END, id) - 1)::int AS position, id
         FROM suppliers WHERE kind = 'telegram_stars' OR stars_source IS NOT NULL),
     dropped AS (DELETE FROM offer_sources WHERE offer_id = $1 AND position >= (SELECT count(*) FROM wanted))
     INSERT INTO offer_sources (offer_id, position, supplier_id, supplier_product_id, cost, cost_currency)
     SELECT $1, position, id, 'telegram_stars', 1, 'USD' FROM wanted
     ON CONFLICT (offer_id, position) DO UPDATE SET supplier_id = EXCLUDED.supplier_id,
       supplier_product_id = EXCLUDED.supplier_product_id, cost = EXCLUDED.cost, cost_currency = EXCLUDED.cost_currency, available = true`,
    [starsOfferId],
  );
}

