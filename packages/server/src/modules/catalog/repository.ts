import type { Currency } from '@dropgate/contract';
import type { Db, Tx } from '../../platform/db/index.ts';
import type { Minor } from '../../platform/money.ts';

export interface Offer {
  id: number;
  productName: string;
  offerName: string;
  count: number;
  price: Minor;
  currency: Currency;
  returnsKey: boolean;
  requiresGameUserId: boolean;
  gameUserIdPattern: string | null;
  gameServerIdPattern: string | null;
  sandbox: boolean;
  visibleToAll: boolean;
  /** Merchants allowed when not visibleToAll. */
  merchantIds: number[];
  /** CodeGames protocol: the merchant's commission, in percent of the price ("10.5"). */
  commissionPercent: string;
  updatedAt: Date;
}

export type OfferDefinition = Omit<Offer, 'sandbox' | 'visibleToAll' | 'merchantIds' | 'updatedAt' | 'commissionPercent'> & {
  /** Unchanged when omitted (0 for a new offer). */
  commissionPercent?: string;
};

const OFFER_COLUMNS = `o.id, o.product_name AS "productName", o.offer_name AS "offerName", o.count, o.price,
  o.currency, o.returns_key AS "returnsKey", o.requires_game_user_id AS "requiresGameUserId",
  o.game_user_id_pattern AS "gameUserIdPattern", o.game_server_id_pattern AS "gameServerIdPattern",
  o.sandbox, o.visible_to_all AS "visibleToAll", o.updated_at AS "updatedAt",
  trim_scale(o.commission_percent)::text AS "commissionPercent",
  coalesce((SELECT array_agg(a.merchant_id ORDER BY a.merchant_id) FROM offer_access a WHERE a.offer_id = o.id), '{}') AS "merchantIds"`;

export async function findOffer(db: Db, id: number): Promise<Offer | undefined> {
  const { rows } = await db.query<Offer>(`SELECT ${OFFER_COLUMNS} FROM offers o WHERE o.id = $1`, [id]);
  return rows[0];
}

export async function listOffers(db: Db): Promise<Offer[]> {
  // Offer 0 is the Telegram Stars product, configured by environment and sold as telegram_stars_<N>.
  const { rows } = await db.query<Offer>(`SELECT ${OFFER_COLUMNS} FROM offers o WHERE o.id > 0 ORDER BY o.id`);
  return rows;
}

export async function upsertOffer(tx: Tx, offer: OfferDefinition): Promise<void> {
  await tx.query(
    `INSERT INTO offers (id, product_name, offer_name, count, price, currency, returns_key,
                         requires_game_user_id, game_user_id_pattern, game_server_id_pattern, commission_percent)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, coalesce($11::numeric, 0))
     ON CONFLICT (id) DO UPDATE SET
       product_name = EXCLUDED.product_name, offer_name = EXCLUDED.offer_name, count = EXCLUDED.count,
       price = EXCLUDED.price, currency = EXCLUDED.currency, returns_key = EXCLUDED.returns_key,
       requires_game_user_id = EXCLUDED.requires_game_user_id,
       game_user_id_pattern = EXCLUDED.game_user_id_pattern,
       game_server_id_pattern = EXCLUDED.game_server_id_pattern,
       commission_percent = coalesce($11::numeric, offers.commission_percent), updated_at = now()`,
    [offer.id, offer.productName, offer.offerName, offer.count, offer.price, offer.currency, offer.returnsKey,
      offer.requiresGameUserId, offer.gameUserIdPattern, offer.gameServerIdPattern, offer.commissionPercent ?? null],
  );
}

export async function replaceAccess(tx: Tx, offerId: number, merchantIds: number[] | 'all'): Promise<void> {
  await tx.query('DELETE FROM offer_access WHERE offer_id = $1', [offerId]);
  if (merchantIds !== 'all') {
    await tx.query(
      'INSERT INTO offer_access (offer_id, merchant_id) SELECT $1, unnest($2::bigint[])',
      [offerId, merchantIds],
    );
  }
  await tx.query('UPDATE offers SET visible_to_all = $2 WHERE id = $1', [offerId, merchantIds === 'all']);
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
