import type { Db } from '../../platform/db/index.ts';

/** Inserts sealed keys; a fingerprint the offer already has is skipped. Returns how many were new. */
export async function insertKeys(db: Db, offerId: number, sealed: Buffer[], fingerprints: Buffer[]): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO stock_keys (offer_id, sealed, fingerprint)
     SELECT $1, s, f FROM unnest($2::bytea[], $3::bytea[]) AS k (s, f)
     ON CONFLICT (offer_id, fingerprint) DO NOTHING`,
    [offerId, sealed, fingerprints],
  );
  return rowCount ?? 0;
}

export interface StockLevel {
  offerId: number;
  available: number;
  sold: number;
}

export async function stockLevels(db: Db, offerIds?: number[]): Promise<StockLevel[]> {
  const { rows } = await db.query<StockLevel>(
    `SELECT offer_id AS "offerId", count(*) FILTER (WHERE order_id IS NULL)::bigint AS available,
            count(*) FILTER (WHERE order_id IS NOT NULL)::bigint AS sold
       FROM stock_keys WHERE $1::bigint[] IS NULL OR offer_id = ANY($1)
      GROUP BY offer_id ORDER BY offer_id`,
    [offerIds ?? null],
  );
  return rows;
}

export interface StockKeyRow {
  id: number;
  offerId: number;
  orderId: number | null;
  createdAt: Date;
}

/** A page of an offer's keys, newest first: ids and where they went, never the keys. */
export async function listKeys(db: Db, offerId: number, page: { before?: number | undefined; limit: number }): Promise<{ keys: StockKeyRow[]; nextBefore: number | null }> {
  const { rows } = await db.query<StockKeyRow>(
    `SELECT id, offer_id AS "offerId", order_id AS "orderId", created_at AS "createdAt" FROM stock_keys
      WHERE offer_id = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
    [offerId, page.before ?? null, page.limit + 1],
  );
  const more = rows.length > page.limit;
  const keys = more ? rows.slice(0, page.limit) : rows;
  return { keys, nextBefore: more ? keys.at(-1)!.id : null };
}

export async function findSealedKey(db: Db, keyId: number): Promise<(StockKeyRow & { sealed: Buffer }) | undefined> {
  const { rows } = await db.query<StockKeyRow & { sealed: Buffer }>(
    'SELECT id, offer_id AS "offerId", order_id AS "orderId", created_at AS "createdAt", sealed FROM stock_keys WHERE id = $1',
    [keyId],
  );
  return rows[0];
}

/** An own-stock offer running out of keys (the dashboard's list). */
export interface LowStock {
  offerId: number;
  productName: string;
  offerName: string;
  available: number;
}

/**
 * Offers sold from own stock only (returning a key, no upstream source) with fewer than
 * `threshold` keys left. Each offer's keys are counted only up to the threshold, so an offer with
 * a million keys costs no more than one with ten, and a catalog of upstream offers none.
 */
export async function lowStock(db: Db, threshold: number): Promise<LowStock[]> {
  const { rows } = await db.query<LowStock>(
    `SELECT o.id AS "offerId", p.name AS "productName", o.offer_name AS "offerName", stock.available
       FROM offers o JOIN products p ON p.id = o.product_id
       CROSS JOIN LATERAL (SELECT count(*)::int AS available
                             FROM (SELECT 1 FROM stock_keys k WHERE k.offer_id = o.id AND k.order_id IS NULL ORDER BY k.id LIMIT $1) AS k) AS stock
      WHERE o.id > 0 AND NOT o.sandbox AND o.returns_key AND stock.available < $1
        AND NOT EXISTS (SELECT 1 FROM offer_sources s WHERE s.offer_id = o.id)
      ORDER BY o.id`,
    [threshold],
  );
  return rows;
}
