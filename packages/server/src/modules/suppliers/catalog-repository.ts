/**
 * The tables of upstream catalogs: supplier_offers (each supplier's catalog), supplier_syncs (every
 * sync and its outcome) and supplier_sync_rows (what a sync read, until it is applied or dropped).
 * A sync compares what it read with what is stored in SQL, and writes only the rows that differ.
 */
import type { Currency } from '@dropgate/contract';
import type { Db, Tx } from '../../platform/db/index.ts';
import type { Minor } from '../../platform/money.ts';
import type { CatalogEntry } from './adapter.ts';

export type SyncStatus = 'running' | 'applied' | 'failed' | 'held' | 'confirmed' | 'discarded';

export interface SyncRow {
  id: number;
  supplierId: number;
  status: SyncStatus;
  startedBy: string;
  startedAt: Date;
  finishedAt: Date | null;
  seen: number;
  added: number;
  changed: number;
  gone: number;
  missingPercent: string | null;
  error: string | null;
}

export interface SupplierOfferRow {
  upstreamId: string;
  upstreamProductId: string | null;
  productName: string;
  offerName: string;
  category: string | null;
  platformCode: string | null;
  regionCode: string | null;
  regionName: string | null;
  cost: Minor;
  costCurrency: Currency;
  inStock: boolean;
  firstSeenAt: Date;
  changedAt: Date;
  lastSeenAt: Date | null;
  goneAt: Date | null;
}

const SYNC_COLUMNS = `id, supplier_id AS "supplierId", status, started_by AS "startedBy", started_at AS "startedAt",
  finished_at AS "finishedAt", seen, added, changed, gone, missing_percent AS "missingPercent", error`;

export async function insertSync(tx: Tx, supplierId: number, startedBy: string): Promise<SyncRow> {
  const { rows } = await tx.query<SyncRow>(
    `INSERT INTO supplier_syncs (supplier_id, status, started_by) VALUES ($1, 'running', $2) RETURNING ${SYNC_COLUMNS}`,
    [supplierId, startedBy],
  );
  return rows[0]!;
}

/**
 * Called under the supplier's sync lock: a sync still `running` then is one whose process died;
 * a `held` one is superseded by the sync about to start (its rows are dropped).
 */
export async function closeEarlierSyncs(tx: Tx, supplierId: number): Promise<void> {
  const { rows } = await tx.query<{ id: number }>(
    `UPDATE supplier_syncs SET finished_at = now(),
            status = CASE status WHEN 'running' THEN 'failed' ELSE 'discarded' END,
            error = CASE status WHEN 'running' THEN 'interrupted: the hub running it stopped' ELSE 'superseded by a newer sync' END
      WHERE supplier_id = $1 AND status IN ('running', 'held') RETURNING id`,
    [supplierId],
  );
  if (rows.length > 0) await tx.query('DELETE FROM supplier_sync_rows WHERE sync_id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
}

export async function recordProgress(db: Db, syncId: number, seen: number): Promise<void> {
  await db.query('UPDATE supplier_syncs SET seen = $2 WHERE id = $1', [syncId, seen]);
}

export async function finishSync(
  db: Db,
  syncId: number,
  outcome: { status: SyncStatus; seen?: number; added?: number; changed?: number; gone?: number; missingPercent?: string | null; error?: string | null },
): Promise<SyncRow> {
  const { rows } = await db.query<SyncRow>(
    `UPDATE supplier_syncs SET status = $2, finished_at = now(), seen = coalesce($3, seen), added = coalesce($4, added),
            changed = coalesce($5, changed), gone = coalesce($6, gone), missing_percent = coalesce($7, missing_percent), error = $8
      WHERE id = $1 RETURNING ${SYNC_COLUMNS}`,
    [syncId, outcome.status, outcome.seen ?? null, outcome.added ?? null, outcome.changed ?? null, outcome.gone ?? null,
      outcome.missingPercent ?? null, outcome.error ?? null],
  );
  return rows[0]!;
}

export async function findSync(db: Db, supplierId: number, syncId: number): Promise<SyncRow | undefined> {
  const { rows } = await db.query<SyncRow>(`SELECT ${SYNC_COLUMNS} FROM supplier_syncs WHERE supplier_id = $1 AND id = $2`, [supplierId, syncId]);
  return rows[0];
}

export async function listSyncs(db: Db, supplierId: number, limit: number): Promise<SyncRow[]> {
  const { rows } = await db.query<SyncRow>(`SELECT ${SYNC_COLUMNS} FROM supplier_syncs WHERE supplier_id = $1 ORDER BY id DESC LIMIT $2`, [supplierId, limit]);
  return rows;
}

/** One batch of what a sync read, column by column (one statement, whatever the batch's size). */
export async function stageRows(db: Db, syncId: number, entries: CatalogEntry[]): Promise<void> {
  const full = entries.map((e) => ('soldOut' in e ? undefined : e));
  await db.query(
    `INSERT INTO supplier_sync_rows (sync_id, upstream_id, upstream_product_id, product_name, offer_name, category, platform_code,
                                     region_code, region_name, cost, cost_currency, in_stock)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                              $10::bigint[], $11::text[], $12::boolean[])`,
    [
      syncId, entries.map((e) => e.supplierProductId), full.map((e) => e?.upstreamProductId ?? null), full.map((e) => e?.productName ?? null),
      full.map((e) => e?.offerName ?? null), full.map((e) => e?.category ?? null), full.map((e) => e?.platformCode ?? null),
      full.map((e) => e?.regionCode ?? null), full.map((e) => e?.regionName ?? null), full.map((e) => e?.cost ?? null),
      full.map((e) => e?.costCurrency ?? null), full.map((e) => e?.inStock ?? false),
    ],
  );
}

export async function stagedCount(db: Db, syncId: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM supplier_sync_rows WHERE sync_id = $1', [syncId]);
  return rows[0]!.n;
}

export async function dropStaged(db: Db, syncId: number): Promise<void> {
  await db.query('DELETE FROM supplier_sync_rows WHERE sync_id = $1', [syncId]);
}

/** How many offers are listed now, and how many of them the sync's rows no longer list. */
export async function missingFigures(db: Db, supplierId: number, syncId: number): Promise<{ present: number; missing: number }> {
  const { rows } = await db.query<{ present: number; missing: number }>(
    `SELECT count(*)::int AS present,
            count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM supplier_sync_rows r WHERE r.sync_id = $2 AND r.upstream_id = u.upstream_id))::int AS missing
       FROM supplier_offers u WHERE u.supplier_id = $1 AND u.gone_at IS NULL`,
    [supplierId, syncId],
  );
  return rows[0]!;
}

/** What the upstream says of an offer, compared as one tuple: a difference anywhere is a change. */
const STORED = '(u.upstream_product_id, u.product_name, u.offer_name, u.category, u.platform_code, u.region_code, u.region_name, u.cost, u.cost_currency, u.in_stock, u.gone_at IS NULL)';
const READ = '(r.upstream_product_id, r.product_name, r.offer_name, r.category, r.platform_code, r.region_code, r.region_name, r.cost, r.cost_currency, r.in_stock, true)';

/**
 * Makes the supplier's catalog what the sync read, writing only rows that differ: new offers
 * are added, changed ones rewritten, those no longer listed marked gone (last seen at the
 * previous applied sync), a sold-out mark keeps the rest of what was known.
 */
export async function applyStaged(tx: Tx, supplierId: number, syncId: number): Promise<{ added: number; changed: number; gone: number }> {
  const { rows: [previous] } = await tx.query<{ at: Date | null }>(
    `SELECT max(finished_at) AS at FROM supplier_syncs WHERE supplier_id = $1 AND status IN ('applied', 'confirmed')`,
    [supplierId],
  );
  const { rows: [upserted] } = await tx.query<{ added: number; written: number }>(
    `WITH written AS (
     INSERT INTO supplier_offers AS s (supplier_id, upstream_id, upstream_product_id, product_name, offer_name, category, platform_code,
                                      region_code, region_name, cost, cost_currency, in_stock)
     SELECT $1, r.upstream_id, r.upstream_product_id, r.product_name, r.offer_name, r.category, r.platform_code, r.region_code,
            r.region_name, r.cost, r.cost_currency, r.in_stock
       FROM supplier_sync_rows r
       LEFT JOIN supplier_offers u ON u.supplier_id = $1 AND u.upstream_id = r.upstream_id
      WHERE r.sync_id = $2 AND r.product_name IS NOT NULL AND (u.upstream_id IS NULL OR ${STORED} IS DISTINCT FROM ${READ})
     ON CONFLICT (supplier_id, upstream_id) DO UPDATE SET
       upstream_product_id = EXCLUDED.upstream_product_id, product_name = EXCLUDED.product_name, offer_name = EXCLUDED.offer_name,
       category = EXCLUDED.category, platform_code = EXCLUDED.platform_code, region_code = EXCLUDED.region_code,
       region_name = EXCLUDED.region_name, cost = EXCLUDED.cost, cost_currency = EXCLUDED.cost_currency, in_stock = EXCLUDED.in_stock,
       gone_at = NULL, last_seen_at = NULL, changed_at = now()
     RETURNING (xmax = 0) AS inserted)
     SELECT count(*) FILTER (WHERE inserted)::int AS added, count(*)::int AS written FROM written`,
    [supplierId, syncId],
  );
  const soldOut = await tx.query(
    `UPDATE supplier_offers u SET in_stock = false, gone_at = NULL, last_seen_at = NULL, changed_at = now()
       FROM supplier_sync_rows r
      WHERE r.sync_id = $2 AND r.product_name IS NULL AND u.supplier_id = $1 AND u.upstream_id = r.upstream_id
        AND (u.in_stock OR u.gone_at IS NOT NULL)`,
    [supplierId, syncId],
  );
  const gone = await tx.query(
    `UPDATE supplier_offers u SET gone_at = now(), last_seen_at = $3, changed_at = now()
      WHERE u.supplier_id = $1 AND u.gone_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM supplier_sync_rows r WHERE r.sync_id = $2 AND r.upstream_id = u.upstream_id)`,
    [supplierId, syncId, previous?.at ?? null],
  );
  return { added: upserted!.added, changed: upserted!.written - upserted!.added + (soldOut.rowCount ?? 0), gone: gone.rowCount ?? 0 };
}

/**
 * Each source of the supplier is available unless its upstream offer is in the catalog and gone
 * or out of stock (a source whose product the catalog never listed stays as it is). Answers the
 * offers whose sources changed.
 */
export async function refreshSourceAvailability(tx: Tx, supplierId: number): Promise<number[]> {
  const { rows } = await tx.query<{ offerId: number }>(
    `WITH wanted AS (
       SELECT s.offer_id, s.position,
              NOT EXISTS (SELECT 1 FROM supplier_offers u WHERE u.supplier_id = s.supplier_id AND u.upstream_id = s.supplier_product_id
                                                            AND (u.gone_at IS NOT NULL OR NOT u.in_stock)) AS available
         FROM offer_sources s WHERE s.supplier_id = $1)
     UPDATE offer_sources s SET available = w.available FROM wanted w
      WHERE s.offer_id = w.offer_id AND s.position = w.position AND s.available IS DISTINCT FROM w.available
     RETURNING s.offer_id AS "offerId"`,
    [supplierId],
  );
  return [...new Set(rows.map((r) => r.offerId))];
}

export interface CatalogQuery {
  search: string | undefined;
  /** Gone offers too (default: only those listed now). */
  gone: boolean;
  offset: number;
  limit: number;
}

/** A page of the supplier's catalog by name then id, with how many match in all. */
export async function catalogPage(db: Db, supplierId: number, query: CatalogQuery): Promise<{ total: number; offers: SupplierOfferRow[] }> {
  const where = `u.supplier_id = $1 AND ($2::boolean OR u.gone_at IS NULL)
    AND ($3::text IS NULL OR u.upstream_id = $3 OR strpos(lower(u.product_name), lower($3)) > 0 OR strpos(lower(u.offer_name), lower($3)) > 0)`;
  const values = [supplierId, query.gone, query.search ?? null];
  const { rows: [count] } = await db.query<{ total: number }>(`SELECT count(*)::int AS total FROM supplier_offers u WHERE ${where}`, values);
  const { rows } = await db.query<SupplierOfferRow>(
    `SELECT u.upstream_id AS "upstreamId", u.upstream_product_id AS "upstreamProductId", u.product_name AS "productName",
            u.offer_name AS "offerName", u.category, u.platform_code AS "platformCode", u.region_code AS "regionCode",
            u.region_name AS "regionName", u.cost, u.cost_currency AS "costCurrency", u.in_stock AS "inStock",
            u.first_seen_at AS "firstSeenAt", u.changed_at AS "changedAt", u.gone_at AS "goneAt",
            CASE WHEN u.gone_at IS NULL THEN (SELECT max(finished_at) FROM supplier_syncs y WHERE y.supplier_id = $1 AND y.status IN ('applied', 'confirmed'))
                 ELSE u.last_seen_at END AS "lastSeenAt"
       FROM supplier_offers u WHERE ${where}
      ORDER BY lower(u.product_name), u.upstream_id OFFSET $4 LIMIT $5`,
    [...values, query.offset, query.limit],
  );
  return { total: count!.total, offers: rows };
}

export interface ImportFilter {
  category?: string | undefined;
  upstreamProductId?: string | undefined;
  regionCode?: string | undefined;
  search?: string | undefined;
}

/**
 * The next batch of the supplier's listed offers that match the filter (any case) and that no
 * source of this supplier names yet, by upstream id after `after`. The sources' range repeats
 * the cursor: PostgreSQL does not carry an inequality across the join, and without it every
 * batch of an import sorted all the sources the import had written so far.
 */
export async function importableOffers(db: Db, supplierId: number, filter: ImportFilter, after: string, limit: number): Promise<SupplierOfferRow[]> {
  const { rows } = await db.query<SupplierOfferRow>(
    `SELECT u.upstream_id AS "upstreamId", u.upstream_product_id AS "upstreamProductId", u.product_name AS "productName",
            u.offer_name AS "offerName", u.category, u.platform_code AS "platformCode", u.region_code AS "regionCode",
            u.region_name AS "regionName", u.cost, u.cost_currency AS "costCurrency", u.in_stock AS "inStock",
            u.first_seen_at AS "firstSeenAt", u.changed_at AS "changedAt", u.gone_at AS "goneAt", u.last_seen_at AS "lastSeenAt"
       FROM supplier_offers u
      WHERE u.supplier_id = $1 AND u.gone_at IS NULL AND u.upstream_id > $2
        AND ($3::text IS NULL OR lower(u.category) = lower($3))
        AND ($4::text IS NULL OR u.upstream_product_id = $4)
        AND ($5::text IS NULL OR lower(u.region_code) = lower($5))
        AND ($6::text IS NULL OR strpos(lower(u.product_name), lower($6)) > 0 OR strpos(lower(u.offer_name), lower($6)) > 0)
        AND NOT EXISTS (SELECT 1 FROM offer_sources s WHERE s.supplier_id = $1 AND s.supplier_product_id > $2 AND s.supplier_product_id = u.upstream_id)
      ORDER BY u.upstream_id LIMIT $7`,
    [supplierId, after, filter.category ?? null, filter.upstreamProductId ?? null, filter.regionCode ?? null, filter.search ?? null, limit],
  );
  return rows;
}

/** One upstream offer of the supplier's catalog, listed or gone. */
export type SupplierOfferCost = Pick<SupplierOfferRow, 'upstreamId' | 'cost' | 'costCurrency' | 'inStock' | 'goneAt'>;

export async function findSupplierOffer(db: Db, supplierId: number, upstreamId: string): Promise<SupplierOfferCost | undefined> {
  const page = await db.query<SupplierOfferCost>(
    `SELECT u.upstream_id AS "upstreamId", u.cost, u.cost_currency AS "costCurrency", u.in_stock AS "inStock", u.gone_at AS "goneAt"
       FROM supplier_offers u WHERE u.supplier_id = $1 AND u.upstream_id = $2`,
    [supplierId, upstreamId],
  );
  return page.rows[0];
}

/** The first (and only) source of each new offer, available as its catalog row says. */
export async function insertImportedSources(tx: Tx, supplierId: number, sources: Array<{ offerId: number; upstreamId: string; cost: Minor; costCurrency: Currency; available: boolean }>): Promise<void> {
  await tx.query(
    `INSERT INTO offer_sources (offer_id, position, supplier_id, supplier_product_id, cost, cost_currency, available)
     SELECT s.offer_id, 0, $1, s.upstream_id, greatest(s.cost, 1), s.cost_currency, s.available
       FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::boolean[]) AS s(offer_id, upstream_id, cost, cost_currency, available)`,
    [supplierId, sources.map((s) => s.offerId), sources.map((s) => s.upstreamId), sources.map((s) => s.cost), sources.map((s) => s.costCurrency), sources.map((s) => s.available)],
  );
}
