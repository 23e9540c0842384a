import type { Currency } from '@dropgate/contract';
import { CHANGES_CHANNEL, type Db, type Tx } from '../../platform/db/index.ts';
import type { Minor } from '../../platform/money.ts';

/** What a game or card is: its offers are its denominations. */
export interface Product {
  id: number;
  name: string;
  category: string | null;
  platformCode: string | null;
  platformName: string | null;
  regionCode: string | null;
  regionName: string | null;
  regionalLimitations: string | null;
  /** ISO alpha-2, upper case: countries its offers are not sold to. */
  excludedCountryCodes: string[];
  updatedAt: Date;
}

export type ProductFields = Omit<Product, 'id' | 'updatedAt'>;
/** What a product says of its offers besides its name. */
export type ProductDetails = Omit<ProductFields, 'name'>;

export interface Offer {
  id: number;
  productId: number;
  productName: string;
  product: Omit<Product, 'id' | 'name' | 'updatedAt'>;
  offerName: string;
  count: number;
  price: Minor;
  currency: Currency;
  returnsKey: boolean;
  requiresGameUserId: boolean;
  gameUserIdPattern: string | null;
  gameServerIdPattern: string | null;
  /** The game servers a player may be on: id → name (empty: any, or none asked). */
  servers: Record<string, string>;
  sandbox: boolean;
  visibleToAll: boolean;
  /** Merchants allowed when not visibleToAll. */
  merchantIds: number[];
  /** CodeGames protocol: the merchant's commission, in percent of the price ("10.5"). */
  commissionPercent: string;
  /** The later of the offer's and its product's last change. */
  updatedAt: Date;
}

export type OfferDefinition = Pick<Offer,
  'id' | 'productId' | 'offerName' | 'count' | 'price' | 'currency' | 'returnsKey' | 'requiresGameUserId' | 'gameUserIdPattern' | 'gameServerIdPattern'> & {
  /** Unchanged when omitted (0 for a new offer). */
  commissionPercent?: string;
};

const PRODUCT_FIELDS = `p.category, p.platform_code AS "platformCode", p.platform_name AS "platformName",
  p.region_code AS "regionCode", p.region_name AS "regionName", p.regional_limitations AS "regionalLimitations",
  p.excluded_country_codes AS "excludedCountryCodes"`;

const PRODUCT_COLUMNS = `p.id, p.name, ${PRODUCT_FIELDS}, p.updated_at AS "updatedAt"`;

export const OFFER_COLUMNS = `o.id, o.product_id AS "productId", p.name AS "productName", json_build_object(
    'category', p.category, 'platformCode', p.platform_code, 'platformName', p.platform_name,
    'regionCode', p.region_code, 'regionName', p.region_name, 'regionalLimitations', p.regional_limitations,
    'excludedCountryCodes', p.excluded_country_codes) AS product,
  o.offer_name AS "offerName", o.count, o.price,
  o.currency, o.returns_key AS "returnsKey", o.requires_game_user_id AS "requiresGameUserId",
  o.game_user_id_pattern AS "gameUserIdPattern", o.game_server_id_pattern AS "gameServerIdPattern",
  coalesce((SELECT json_object_agg(s.server_id, s.name ORDER BY s.server_id) FROM offer_servers s WHERE s.offer_id = o.id), '{}') AS servers,
  o.sandbox, o.visible_to_all AS "visibleToAll", greatest(o.updated_at, p.updated_at) AS "updatedAt",
  trim_scale(o.commission_percent)::text AS "commissionPercent",
  coalesce((SELECT array_agg(a.merchant_id ORDER BY a.merchant_id) FROM offer_access a WHERE a.offer_id = o.id), '{}') AS "merchantIds"`;

export const OFFERS = 'offers o JOIN products p ON p.id = o.product_id';

export async function findOffer(db: Db, id: number): Promise<Offer | undefined> {
  const { rows } = await db.query<Offer>({ name: 'catalog.offer', text: `SELECT ${OFFER_COLUMNS} FROM ${OFFERS} WHERE o.id = $1`, values: [id] });
  return rows[0];
}

export async function listOffers(db: Db): Promise<Offer[]> {
  return (await pageOffers(db, {}, undefined)).offers;
}

export interface OfferFilter {
  /** The offer's id, or its product or offer name contains it (any case). */
  search?: string | undefined;
  productId?: number | undefined;
  /** Keyset cursor: offers with a larger id. */
  after?: number | undefined;
}

/** Offers by id matching the filter, `limit` at a time (every one without a limit). */
export async function pageOffers(db: Db, filter: OfferFilter, limit: number | undefined): Promise<{ offers: Offer[]; nextAfter: number | null }> {
  // Offer 0 is the Telegram Stars product, configured by environment and sold as telegram_stars_<N>.
  const { rows } = await db.query<Offer>(
    `SELECT ${OFFER_COLUMNS} FROM ${OFFERS}
      WHERE o.id > greatest(coalesce($1::bigint, 0), 0) AND ($2::bigint IS NULL OR o.product_id = $2)
        AND ($3::text IS NULL OR o.id::text = $3 OR strpos(lower(p.name), lower($3)) > 0 OR strpos(lower(o.offer_name), lower($3)) > 0)
      ORDER BY o.id LIMIT $4`,
    [filter.after ?? null, filter.productId ?? null, filter.search ?? null, limit === undefined ? null : limit + 1],
  );
  const more = limit !== undefined && rows.length > limit;
  const offers = more ? rows.slice(0, limit) : rows;
  return { offers, nextAfter: more ? offers.at(-1)!.id : null };
}

export async function upsertOffer(tx: Tx, offer: OfferDefinition): Promise<void> {
  await tx.query(
    `INSERT INTO offers (id, product_id, offer_name, count, price, currency, returns_key,
                         requires_game_user_id, game_user_id_pattern, game_server_id_pattern, commission_percent)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, coalesce($11::numeric, 0))
     ON CONFLICT (id) DO UPDATE SET
       product_id = EXCLUDED.product_id, offer_name = EXCLUDED.offer_name, count = EXCLUDED.count,
       price = EXCLUDED.price, currency = EXCLUDED.currency, returns_key = EXCLUDED.returns_key,
       requires_game_user_id = EXCLUDED.requires_game_user_id,
       game_user_id_pattern = EXCLUDED.game_user_id_pattern,
       game_server_id_pattern = EXCLUDED.game_server_id_pattern,
       commission_percent = coalesce($11::numeric, offers.commission_percent), updated_at = now()`,
    [offer.id, offer.productId, offer.offerName, offer.count, offer.price, offer.currency, offer.returnsKey,
      offer.requiresGameUserId, offer.gameUserIdPattern, offer.gameServerIdPattern, offer.commissionPercent ?? null],
  );
}

/** Replaces an offer's server list; the offer changed, so the feed shows it. */
export async function replaceServers(tx: Tx, offerId: number, servers: Record<string, string>): Promise<void> {
  await tx.query('DELETE FROM offer_servers WHERE offer_id = $1', [offerId]);
  await tx.query(
    'INSERT INTO offer_servers (offer_id, server_id, name) SELECT $1, * FROM unnest($2::text[], $3::text[])',
    [offerId, Object.keys(servers), Object.values(servers)],
  );
  await touchOffers(tx, [offerId]);
}

/** Marks offers changed now (their availability moved: stock, sources, access). */
export async function touchOffers(db: Db, offerIds: number[]): Promise<void> {
  await db.query('UPDATE offers SET updated_at = now() WHERE id = ANY($1::bigint[])', [offerIds]);
}

// ---- products ----

export async function findProduct(db: Db, id: number): Promise<Product | undefined> {
  const { rows } = await db.query<Product>(`SELECT ${PRODUCT_COLUMNS} FROM products p WHERE p.id = $1`, [id]);
  return rows[0];
}

/** The first product with this exact name: what an offer written with a productName belongs to. */
export async function findProductByName(db: Db, name: string): Promise<Product | undefined> {
  const { rows } = await db.query<Product>(`SELECT ${PRODUCT_COLUMNS} FROM products p WHERE lower(p.name) = lower($1) AND p.name = $1 ORDER BY p.id LIMIT 1`, [name]);
  return rows[0];
}

export async function insertProduct(db: Db, product: ProductFields): Promise<Product> {
  const { rows } = await db.query<Product>(
    `INSERT INTO products AS p (name, category, platform_code, platform_name, region_code, region_name, regional_limitations, excluded_country_codes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${PRODUCT_COLUMNS}`,
    productValues(product),
  );
  return rows[0]!;
}

export async function updateProduct(db: Db, id: number, product: ProductFields): Promise<Product | undefined> {
  const { rows } = await db.query<Product>(
    `UPDATE products AS p SET name = $2, category = $3, platform_code = $4, platform_name = $5, region_code = $6,
            region_name = $7, regional_limitations = $8, excluded_country_codes = $9, updated_at = now()
      WHERE id = $1 RETURNING ${PRODUCT_COLUMNS}`,
    [id, ...productValues(product)],
  );
  return rows[0];
}

function productValues(p: ProductFields): unknown[] {
  return [p.name, p.category, p.platformCode, p.platformName, p.regionCode, p.regionName, p.regionalLimitations, p.excludedCountryCodes];
}

/** Products by name (any case, contains), by id, keyset pages. */
export async function listProducts(db: Db, filter: { search?: string | undefined; after?: number | undefined }, limit: number): Promise<{ products: Product[]; nextAfter: number | null }> {
  const { rows } = await db.query<Product>(
    `SELECT ${PRODUCT_COLUMNS} FROM products p
      WHERE p.id > coalesce($1::bigint, 0) AND ($2::text IS NULL OR strpos(lower(p.name), lower($2)) > 0)
      ORDER BY p.id LIMIT $3`,
    [filter.after ?? null, filter.search ?? null, limit + 1],
  );
  const more = rows.length > limit;
  const products = more ? rows.slice(0, limit) : rows;
  return { products, nextAfter: more ? products.at(-1)!.id : null };
}

/** The offers of a product (evicted from caches when the product changes). */
export async function offerIdsOfProduct(db: Db, productId: number): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>('SELECT id FROM offers WHERE product_id = $1', [productId]);
  return rows.map((r) => r.id);
}

/**
 * Replaces who may buy an offer. Merchants who could buy it and no longer can are recorded as
 * revoked (the catalog feed tells them); one allowed again is no longer revoked.
 */
export async function replaceAccess(tx: Tx, offerId: number, merchantIds: number[] | 'all'): Promise<void> {
  const allowed = merchantIds === 'all' ? null : merchantIds;
  await tx.query(
    `INSERT INTO offer_access_revocations (offer_id, merchant_id)
     SELECT $1, m.id FROM merchants m JOIN offers o ON o.id = $1
      WHERE $2::bigint[] IS NOT NULL AND NOT m.id = ANY($2::bigint[])
        AND (o.visible_to_all OR EXISTS (SELECT 1 FROM offer_access a WHERE a.offer_id = $1 AND a.merchant_id = m.id))
     ON CONFLICT (offer_id, merchant_id) DO UPDATE SET revoked_at = now()`,
    [offerId, allowed],
  );
  await tx.query(
    'DELETE FROM offer_access_revocations WHERE offer_id = $1 AND ($2::bigint[] IS NULL OR merchant_id = ANY($2::bigint[]))',
    [offerId, allowed],
  );
  await tx.query('DELETE FROM offer_access WHERE offer_id = $1', [offerId]);
  if (allowed) {
    await tx.query('INSERT INTO offer_access (offer_id, merchant_id) SELECT $1, unnest($2::bigint[])', [offerId, allowed]);
  }
  await tx.query('UPDATE offers SET visible_to_all = $2, updated_at = now() WHERE id = $1', [offerId, allowed === null]);
}

export interface FxRate {
  currency: Currency;
  usdPerUnit: string;
  updatedAt: Date;
}

export async function upsertRate(db: Db, currency: Currency, usdPerUnit: string): Promise<FxRate> {
  const { rows } = await db.query<FxRate>(
    `INSERT INTO fx_rates (currency, usd_per_unit) VALUES ($1, $2)
     ON CONFLICT (currency) DO UPDATE SET usd_per_unit = EXCLUDED.usd_per_unit, updated_at = now()
     RETURNING currency, trim_scale(usd_per_unit)::text AS "usdPerUnit", updated_at AS "updatedAt"`,
    [currency, usdPerUnit],
  );
  return rows[0]!;
}

export async function listRates(db: Db): Promise<FxRate[]> {
  const { rows } = await db.query<FxRate>(
    'SELECT currency, trim_scale(usd_per_unit)::text AS "usdPerUnit", updated_at AS "updatedAt" FROM fx_rates ORDER BY currency',
  );
  return rows;
}

/** The CodeGames partner price for this merchant (SQL function offer_partner_price: one definition). */
export async function partnerPrice(db: Db, offerId: number, merchantId: number): Promise<Minor> {
  const { rows } = await db.query<{ price: Minor }>('SELECT offer_partner_price($1, $2) AS price', [offerId, merchantId]);
  return rows[0]!.price;
}

/** One merchant's commission overrides, by offer. */
export async function listMerchantCommissions(db: Db, merchantId: number): Promise<Array<{ offerId: number; percent: string }>> {
  const { rows } = await db.query<{ offerId: number; percent: string }>(
    'SELECT offer_id AS "offerId", trim_scale(percent)::text AS percent FROM offer_commissions WHERE merchant_id = $1',
    [merchantId],
  );
  return rows;
}

/** Every merchant id (turning an offer visible to all into an explicit list). */
export async function allMerchantIds(tx: Tx): Promise<number[]> {
  const { rows } = await tx.query<{ id: number }>('SELECT id FROM merchants ORDER BY id');
  return rows.map((r) => r.id);
}

/** Sets (or with null removes) one merchant's commission on one offer. */
export async function setMerchantCommission(db: Db, offerId: number, merchantId: number, percent: string | null): Promise<void> {
  if (percent === null) {
    await db.query('DELETE FROM offer_commissions WHERE offer_id = $1 AND merchant_id = $2', [offerId, merchantId]);
    return;
  }
  await db.query(
    `INSERT INTO offer_commissions (offer_id, merchant_id, percent) VALUES ($1, $2, $3)
     ON CONFLICT (offer_id, merchant_id) DO UPDATE SET percent = EXCLUDED.percent`,
    [offerId, merchantId, percent],
  );
}

export async function findRate(db: Db, currency: Currency): Promise<FxRate | undefined> {
  const { rows } = await db.query<FxRate>(
    'SELECT currency, trim_scale(usd_per_unit)::text AS "usdPerUnit", updated_at AS "updatedAt" FROM fx_rates WHERE currency = $1',
    [currency],
  );
  return rows[0];
}

export async function findMerchantCommission(db: Db, offerId: number, merchantId: number): Promise<string | null> {
  const { rows } = await db.query<{ percent: string }>(
    'SELECT trim_scale(percent)::text AS percent FROM offer_commissions WHERE offer_id = $1 AND merchant_id = $2',
    [offerId, merchantId],
  );
  return rows[0]?.percent ?? null;
}

// ---- offers imported from an upstream catalog ----

/** An offer to create from an upstream offer, under the product of that name (found, else created). */
export interface ImportedOffer {
  id: number;
  productName: string;
  category: string | null;
  platformCode: string | null;
  regionCode: string | null;
  regionName: string | null;
  offerName: string;
  price: Minor;
  currency: Currency;
}

/** The first free offer id above every existing one (the caller holds the import lock). */
export async function nextOfferId(tx: Tx): Promise<number> {
  const { rows } = await tx.query<{ next: number }>('SELECT coalesce(max(id), 0) + 1 AS next FROM offers');
  return rows[0]!.next;
}

/** The products of these names that exist (as insertImportedOffers finds them), by the name given. */
export async function productIdsByName(tx: Tx, names: string[]): Promise<Map<string, number>> {
  const { rows } = await tx.query<{ name: string; id: number }>(
    'SELECT name, min(id) AS id FROM products WHERE name = ANY($1::text[]) AND id <> 0 GROUP BY name',
    [[...new Set(names.map((n) => n.slice(0, 200)))]],
  );
  const found = new Map(rows.map((r) => [r.name, r.id]));
  return new Map(names.flatMap((n) => (found.has(n.slice(0, 200)) ? [[n, found.get(n.slice(0, 200))!] as const] : [])));
}

/**
 * Creates a batch of offers in two statements: their products (each name found, else created
 * with the first row's details), then the offers. Names longer than the catalog allows are cut.
 */
export async function insertImportedOffers(tx: Tx, offers: ImportedOffer[]): Promise<void> {
  const names = offers.map((o) => o.productName.slice(0, 200));
  await tx.query(
    `WITH wanted AS (
       SELECT DISTINCT ON (name) name, category, platform_code, region_code, region_name
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS w(name, category, platform_code, region_code, region_name)
        ORDER BY name)
     INSERT INTO products (name, category, platform_code, region_code, region_name)
     SELECT w.name, left(w.category, 100), left(w.platform_code, 50), left(w.region_code, 50), left(w.region_name, 100) FROM wanted w
      WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.name = w.name AND p.id <> 0)`,
    [names, offers.map((o) => o.category), offers.map((o) => o.platformCode), offers.map((o) => o.regionCode), offers.map((o) => o.regionName)],
  );
  // The connection's cached plan of the check of offers.product_id was made while products may
  // have been small: a sequential scan, which an import growing products in one transaction
  // would run for every offer (0.7 ms a check at 16,000 products, the import quadratic in its
  // size). Planned for this statement's checks, each is a primary-key lookup.
  await tx.query('SET LOCAL plan_cache_mode = force_custom_plan');
  await tx.query(
    `INSERT INTO offers (id, product_id, offer_name, price, currency)
     SELECT n.id, (SELECT min(p.id) FROM products p WHERE p.name = n.name AND p.id <> 0), left(n.offer_name, 200), n.price, n.currency
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[]) AS n(id, name, offer_name, price, currency)`,
    [offers.map((o) => o.id), names, offers.map((o) => o.offerName), offers.map((o) => o.price), offers.map((o) => o.currency)],
  );
  await tx.query('SET LOCAL plan_cache_mode TO DEFAULT');
}

/** New prices of offers (repricing), each recorded in the offer's price history with why. */
export async function setPrices(tx: Tx, prices: Array<{ id: number; price: Minor }>, reason: string): Promise<void> {
  if (prices.length === 0) return;
  await tx.query(
    `WITH changed AS (
       UPDATE offers o SET price = n.price, updated_at = now()
         FROM unnest($1::bigint[], $2::bigint[]) AS n(id, price)
        WHERE o.id = n.id AND o.price <> n.price
       RETURNING o.id, o.price, o.currency)
     INSERT INTO offer_price_history (offer_id, price, currency, reason) SELECT id, price, currency, $3 FROM changed`,
    [prices.map((p) => p.id), prices.map((p) => p.price), reason],
  );
  // Every instance drops these offers from its cache: find-one shows the new price at once.
  await tx.query("SELECT pg_notify($1, 'offer:' || id) FROM unnest($2::bigint[]) AS id", [CHANGES_CHANNEL, prices.map((p) => p.id)]);
}

export async function priceHistory(db: Db, offerId: number): Promise<Array<{ price: Minor; currency: Currency; reason: string; changedAt: Date }>> {
  const { rows } = await db.query(
    'SELECT price, currency, reason, changed_at AS "changedAt" FROM offer_price_history WHERE offer_id = $1 ORDER BY changed_at, price',
    [offerId],
  );
  return rows;
}
