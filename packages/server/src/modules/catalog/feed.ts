/**
 * The catalog feed (POST /api/v1/offers/sync): one merchant's offers, filtered, in id order, by
 * page. The page's offset is applied to the matching ids alone, and the count needs all of them
 * anyway, so page 100 costs what page 1 does; only the page's own rows are read whole.
 */
import type { Db } from '../../platform/db/index.ts';
import type { Minor } from '../../platform/money.ts';
import { OFFER_COLUMNS, OFFERS, type Offer } from './repository.ts';

export interface FeedFilter {
  merchantId: number;
  category?: string | undefined;
  /** Product or offer name contains it, any case. */
  search?: string | undefined;
  /**
   * Only rows changed after this moment, including offers this merchant can no longer buy
   * (revoked since then). Without it: the offers the merchant may buy now.
   */
  since?: Date | undefined;
}

export interface FeedRow extends Offer {
  /** The merchant may buy it (false only for rows of an incremental sync: access revoked). */
  visible: boolean;
  /** offer_now: an order could be fulfilled now; the FX rate; the USD a Partner API order is debited. */
  inStock: boolean;
  usdPerUnit: string | null;
  debitUsd: Minor | null;
}

/**
 * Matching offer ids, for the count and the page; the stars row (offer 0) is never listed here.
 * Products are joined only when a filter reads them: over 100,000 offers that join is most of
 * the count's cost.
 */
function matching(byProduct: boolean): string {
  return `SELECT o.id FROM offers o ${byProduct ? 'JOIN products p ON p.id = o.product_id' : ''}
  WHERE o.id > 0
    ${byProduct ? `AND ($2::text IS NULL OR lower(p.category) = lower($2))
    AND ($3::text IS NULL OR strpos(lower(p.name), lower($3)) > 0 OR strpos(lower(o.offer_name), lower($3)) > 0)` : 'AND $2::text IS NULL AND $3::text IS NULL'}
    AND CASE WHEN $4::timestamptz IS NULL THEN ${visibleTo('$1')}
             ELSE greatest(o.updated_at, ${byProduct ? 'p.updated_at' : '(SELECT p.updated_at FROM products p WHERE p.id = o.product_id)'}) > $4 AND (${visibleTo('$1')} OR EXISTS (
               SELECT 1 FROM offer_access_revocations r WHERE r.offer_id = o.id AND r.merchant_id = $1 AND r.revoked_at > $4))
        END`;
}

function visibleTo(merchant: string): string {
  return `(o.visible_to_all OR EXISTS (SELECT 1 FROM offer_access a WHERE a.offer_id = o.id AND a.merchant_id = ${merchant}))`;
}

export async function feedPage(db: Db, filter: FeedFilter, page: { offset: number; limit: number }): Promise<{ total: number; rows: FeedRow[] }> {
  const values = [filter.merchantId, filter.category ?? null, filter.search ?? null, filter.since ?? null];
  const byProduct = filter.category !== undefined || filter.search !== undefined;
  const variant = byProduct ? 'by-product' : 'all';
  // The page's rows are read by id (LATERAL), so that no plan scans every offer a second time.
  const { rows } = await db.query<FeedRow & { total: number }>({
    name: `catalog.feed-page.${variant}`,
    text: `WITH matching AS (SELECT id, count(*) OVER () AS total FROM (${matching(byProduct)}) m ORDER BY id OFFSET $5 LIMIT $6)
      SELECT m.total, row.*, n.in_stock AS "inStock", trim_scale(n.usd_per_unit)::text AS "usdPerUnit", n.debit_usd AS "debitUsd"
        FROM matching m
        CROSS JOIN LATERAL (SELECT ${OFFER_COLUMNS}, ${visibleTo('$1')} AS visible FROM ${OFFERS} WHERE o.id = m.id) row
        CROSS JOIN LATERAL offer_now(m.id) n
       ORDER BY m.id`,
    values: [...values, page.offset, page.limit],
  });
  if (rows.length > 0) return { total: rows[0]!.total, rows };
  // Past the end, or a page the Telegram Stars rows filled: no row carries the count.
  const { rows: [count] } = await db.query<{ total: number }>({
    name: `catalog.feed-count.${variant}`, text: `SELECT count(*)::bigint AS total FROM (${matching(byProduct)}) m`, values,
  });
  return { total: count!.total, rows: [] };
}
