import type { Db, Tx } from '../../platform/db/index.ts';

export interface Merchant {
  id: number;
  name: string;
  createdAt: Date;
}

export interface Shop {
  id: number;
  merchantId: number;
  name: string;
  tokenRotatedAt: Date;
  createdAt: Date;
}

/** Who a valid shop token speaks for. */
export interface ShopPrincipal {
  shopId: number;
  shopName: string;
  merchantId: number;
}

export async function insertMerchant(tx: Tx, name: string): Promise<Merchant> {
  const { rows } = await tx.query<Merchant>(
    'INSERT INTO merchants (name) VALUES ($1) RETURNING id, name, created_at AS "createdAt"',
    [name],
  );
  return rows[0]!;
}

export async function findMerchant(db: Db, id: number): Promise<Merchant | undefined> {
  const { rows } = await db.query<Merchant>('SELECT id, name, created_at AS "createdAt" FROM merchants WHERE id = $1', [id]);
  return rows[0];
}

export async function listMerchants(db: Db): Promise<Merchant[]> {
  const { rows } = await db.query<Merchant>('SELECT id, name, created_at AS "createdAt" FROM merchants ORDER BY id');
  return rows;
}

export async function insertShop(db: Db, merchantId: number, name: string, tokenHash: Buffer): Promise<Shop> {
  const { rows } = await db.query<Shop>(
    `INSERT INTO shops (merchant_id, name, token_hash) VALUES ($1, $2, $3)
     RETURNING id, merchant_id AS "merchantId", name, token_rotated_at AS "tokenRotatedAt", created_at AS "createdAt"`,
    [merchantId, name, tokenHash],
  );
  return rows[0]!;
}

export async function replaceShopToken(db: Db, shopId: number, tokenHash: Buffer, ownerId?: number): Promise<boolean> {
  const { rowCount } = await db.query(
    'UPDATE shops SET token_hash = $2, token_rotated_at = now() WHERE id = $1 AND ($3::bigint IS NULL OR merchant_id = $3)',
    [shopId, tokenHash, ownerId ?? null],
  );
  return rowCount === 1;
}

export async function findShop(db: Db, shopId: number): Promise<Shop | undefined> {
  const { rows } = await db.query<Shop>(
    `SELECT id, merchant_id AS "merchantId", name, token_rotated_at AS "tokenRotatedAt", created_at AS "createdAt" FROM shops WHERE id = $1`,
    [shopId],
  );
  return rows[0];
}

export async function listShops(db: Db, merchantId: number): Promise<Shop[]> {
  const { rows } = await db.query<Shop>(
    `SELECT id, merchant_id AS "merchantId", name, token_rotated_at AS "tokenRotatedAt", created_at AS "createdAt"
       FROM shops WHERE merchant_id = $1 ORDER BY id`,
    [merchantId],
  );
  return rows;
}

export async function findShopByTokenHash(db: Db, tokenHash: Buffer): Promise<ShopPrincipal | undefined> {
  const { rows } = await db.query<ShopPrincipal>({
    name: 'merchants.shop-by-token',
    text: 'SELECT id AS "shopId", name AS "shopName", merchant_id AS "merchantId" FROM shops WHERE token_hash = $1',
    values: [tokenHash],
  });
  return rows[0];
}
