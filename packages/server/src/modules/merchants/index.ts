/**
 * Merchants and their shops. A shop is what holds an API token (32 lowercase hex characters,
 * stored as SHA-256 only): the token is shown once at creation or rotation and never again.
 */
import type pg from 'pg';
import { inTransaction, type Db } from '../../platform/db/index.ts';
import { generateToken, hashToken } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import { openAccount } from '../ledger/index.ts';
import * as repo from './repository.ts';

export type { Merchant, Shop, ShopPrincipal } from './repository.ts';
export { listMerchants, listShops } from './repository.ts';

const TOKEN_FORMAT = /^[0-9a-f]{32}$/;

export async function createMerchant(pool: pg.Pool, name: string): Promise<repo.Merchant> {
  return inTransaction(pool, async (tx) => {
    const merchant = await repo.insertMerchant(tx, name);
    await openAccount(tx, merchant.id);
    return merchant;
  });
}

export async function getMerchant(db: Db, id: number): Promise<repo.Merchant> {
  const merchant = await repo.findMerchant(db, id);
  if (!merchant) throw new AppError('MERCHANT_NOT_FOUND', `merchant ${id} does not exist`);
  return merchant;
}

export async function createShop(db: Db, merchantId: number, name: string): Promise<{ shop: repo.Shop; token: string }> {
  await getMerchant(db, merchantId);
  const token = generateToken();
  const shop = await repo.insertShop(db, merchantId, name, hashToken(token));
  return { shop, token };
}

/** The old token stops working as soon as this commits. */
export async function rotateShopToken(db: Db, shopId: number): Promise<string> {
  const token = generateToken();
  if (!(await repo.replaceShopToken(db, shopId, hashToken(token)))) {
    throw new AppError('SHOP_NOT_FOUND', `shop ${shopId} does not exist`);
  }
  return token;
}

/** The shop a raw Authorization value speaks for, or INVALID_TOKEN. */
export async function authenticateShop(db: Db, token: string | undefined): Promise<repo.ShopPrincipal> {
  const principal = token && TOKEN_FORMAT.test(token) ? await repo.findShopByTokenHash(db, hashToken(token)) : undefined;
  if (!principal) throw new AppError('INVALID_TOKEN', 'Missing or invalid token in the Authorization header');
  return principal;
}
