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
