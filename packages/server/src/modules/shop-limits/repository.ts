import type { Db, Tx } from '../../platform/db/index.ts';

/** What the operator set for a shop; the defaults when nothing was set. */
export interface ShopLimitSettings {
  shopId: number;
  /** Requests per window; null: the deployment's default. */
  rateLimit: number | null;
  /** CIDRs in PostgreSQL's canonical form (`10.0.0.0/8`, `2001:db8::/32`); empty: any address. */
  ipAllowlist: string[];
  updatedAt: Date | null;
}

const SETTINGS = `SELECT shop_id AS "shopId", rate_limit AS "rateLimit", ip_allowlist::text[] AS "ipAllowlist", updated_at AS "updatedAt" FROM shop_limits`;

function orDefaults(shopId: number, row: ShopLimitSettings | undefined): ShopLimitSettings {
  return row ?? { shopId, rateLimit: null, ipAllowlist: [], updatedAt: null };
}

export async function findSettings(db: Db, shopId: number): Promise<ShopLimitSettings> {
  const { rows } = await db.query<ShopLimitSettings>({ name: 'shop-limits.settings', text: `${SETTINGS} WHERE shop_id = $1`, values: [shopId] });
  return orDefaults(shopId, rows[0]);
}

/** The settings of each of these shops (defaults for those with none). */
export async function findSettingsOf(db: Db, shopIds: number[]): Promise<ShopLimitSettings[]> {
  const { rows } = await db.query<ShopLimitSettings>(`${SETTINGS} WHERE shop_id = ANY($1::bigint[])`, [shopIds]);
  const found = new Map(rows.map((row) => [row.shopId, row]));
  return shopIds.map((shopId) => orDefaults(shopId, found.get(shopId)));
}

/** The settings, locked until the transaction ends (changes of one shop are serialised). */
export async function lockSettings(tx: Tx, shopId: number): Promise<ShopLimitSettings> {
  const { rows } = await tx.query<ShopLimitSettings>(`${SETTINGS} WHERE shop_id = $1 FOR UPDATE`, [shopId]);
  return orDefaults(shopId, rows[0]);
}

export async function saveSettings(tx: Tx, shopId: number, rateLimit: number | null, ipAllowlist: string[]): Promise<ShopLimitSettings> {
  // network() drops host bits (10.1.2.3/8 is 10.0.0.0/8); a bare address is its own /32 or /128.
  const { rows } = await tx.query<ShopLimitSettings>(
    `INSERT INTO shop_limits (shop_id, rate_limit, ip_allowlist)
     VALUES ($1, $2, ARRAY(SELECT DISTINCT network(a) FROM unnest($3::inet[]) a ORDER BY 1))
     ON CONFLICT (shop_id) DO UPDATE SET rate_limit = excluded.rate_limit, ip_allowlist = excluded.ip_allowlist, updated_at = now()
     RETURNING shop_id AS "shopId", rate_limit AS "rateLimit", ip_allowlist::text[] AS "ipAllowlist", updated_at AS "updatedAt"`,
    [shopId, rateLimit, ipAllowlist],
  );
  return rows[0]!;
}

export interface Reservation {
  /** The window's number: its start in seconds since the epoch, on the database's clock. */
  windowStart: number;
  /** Requests asked for in the window by every instance, this ask included. */
  asked: number;
  /** Milliseconds until the window ends, on the database's clock. */
  endsInMs: number;
}

/**
 * Asks for `want` requests of the shop's current window, in one statement: the window is the
 * database's, so instances with skewed clocks still share one. The shop's older windows go in
 * the same statement (an index range of one row at most), so no sweeper is needed.
 */
export async function reserve(db: Db, shopId: number, windowSeconds: number, want: number): Promise<Reservation> {
  const { rows } = await db.query<Reservation>({
    name: 'shop-limits.reserve',
    text: `WITH w AS (SELECT (floor(extract(epoch FROM clock_timestamp()) / $2) * $2)::bigint AS start),
                old AS (DELETE FROM shop_rate_windows WHERE shop_id = $1 AND window_start < (SELECT start FROM w))
           INSERT INTO shop_rate_windows AS r (shop_id, window_start, asked)
           SELECT $1, start, $3 FROM w
           ON CONFLICT (shop_id, window_start) DO UPDATE SET asked = r.asked + excluded.asked
           RETURNING window_start::float8 AS "windowStart", asked::float8 AS "asked",
                     ((window_start + $2) - extract(epoch FROM clock_timestamp()))::float8 * 1000 AS "endsInMs"`,
    values: [shopId, windowSeconds, want],
  });
  return rows[0]!;
}
