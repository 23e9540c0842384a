/**
 * Merchants and their shops. A shop is what holds an API token (32 lowercase hex characters,
 * stored as SHA-256 only): the token is shown once at creation or rotation and never again.
 */
import type pg from 'pg';
import { announceChange, inTransaction, type ChangeFeed, type Db } from '../../platform/db/index.ts';
import { TtlCache } from '../../platform/cache.ts';
import { generateToken, hashToken } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit, SECRET_CHANGED, type Actor } from '../audit-log/index.ts';
import { openAccount } from '../ledger/index.ts';
import * as repo from './repository.ts';

export type { Merchant, Shop, ShopPrincipal } from './repository.ts';

const TOKEN_FORMAT = /^[0-9a-f]{32}$/;

/** Merchants and shops as request handlers use them; token rotation goes through the token cache. */
export class Merchants {
  readonly #pool: pg.Pool;
  readonly #tokens: ShopTokens;

  constructor(pool: pg.Pool, tokens: ShopTokens) {
    this.#pool = pool;
    this.#tokens = tokens;
  }

  create(name: string, actor: Actor): Promise<repo.Merchant> {
    return createMerchant(this.#pool, name, actor);
  }

  /** The merchant, or MERCHANT_NOT_FOUND. */
  get(id: number): Promise<repo.Merchant> {
    return getMerchant(this.#pool, id);
  }

  list(): Promise<repo.Merchant[]> {
    return repo.listMerchants(this.#pool);
  }

  shops(merchantId: number): Promise<repo.Shop[]> {
    return repo.listShops(this.#pool, merchantId);
  }

  /** A new shop and its token, shown this once. */
  createShop(merchantId: number, name: string, actor: Actor): Promise<{ shop: repo.Shop; token: string }> {
    return createShop(this.#pool, merchantId, name, actor);
  }

  /** See ShopTokens.rotate. */
  rotateToken(shopId: number, actor: Actor, ownerId?: number): Promise<string> {
    return this.#tokens.rotate(shopId, actor, ownerId);
  }
}

export async function createMerchant(pool: pg.Pool, name: string, actor: Actor): Promise<repo.Merchant> {
  return inTransaction(pool, async (tx) => {
    const merchant = await repo.insertMerchant(tx, name);
    await openAccount(tx, merchant.id);
    await recordAudit(tx, actor, { action: 'merchant.create', target: { type: 'merchant', id: merchant.id }, after: { name: merchant.name } });
    return merchant;
  });
}

export async function getMerchant(db: Db, id: number): Promise<repo.Merchant> {
  const merchant = await repo.findMerchant(db, id);
  if (!merchant) throw new AppError('MERCHANT_NOT_FOUND', `merchant ${id} does not exist`);
  return merchant;
}

/** The shop, or SHOP_NOT_FOUND; with `ownerId` (the cabinet), another merchant's shop is not found either. */
export async function getShop(db: Db, shopId: number, ownerId?: number): Promise<repo.Shop> {
  const shop = await repo.findShop(db, shopId);
  if (!shop || (ownerId !== undefined && shop.merchantId !== ownerId)) throw new AppError('SHOP_NOT_FOUND', `shop ${shopId} does not exist`);
  return shop;
}

export async function createShop(pool: pg.Pool, merchantId: number, name: string, actor: Actor): Promise<{ shop: repo.Shop; token: string }> {
  await getMerchant(pool, merchantId);
  const token = generateToken();
  const shop = await inTransaction(pool, async (tx) => {
    const made = await repo.insertShop(tx, merchantId, name, hashToken(token));
    await recordAudit(tx, actor, { action: 'shop.create', target: { type: 'shop', id: made.id }, after: { merchantId, name: made.name, token: SECRET_CHANGED } });
    return made;
  });
  return { shop, token };
}

/**
 * Shop tokens, as every request sees them: authentication is served from a cache, and rotation
 * evicts the old token here at once and, through the change feed, on every other instance within
 * the notification delay (milliseconds).
 */
export class ShopTokens {
  readonly #pool: pg.Pool;
  // Keyed by the raw token, which this process holds for the request anyway: hashing it cost more
  // than the rest of a cached lookup (docs/benchmarks.md). Only valid tokens are cached, so
  // guesses cannot fill it; the database only ever sees the hash.
  readonly #cache = new TtlCache<string, repo.ShopPrincipal>({ maxEntries: 20_000, ttlMs: 60_000 });

  constructor(pool: pg.Pool, feed: ChangeFeed) {
    this.#pool = pool;
    this.#cache.reset(false); // until the feed listens, changes could be missed
    feed.on('shop', (shopId) => this.#evict(shopId));
    feed.onConnection((up) => this.#cache.reset(up));
  }

  /** The shop a raw Authorization value speaks for, or INVALID_TOKEN. */
  async authenticate(token: string | undefined): Promise<repo.ShopPrincipal> {
    if (!token || !TOKEN_FORMAT.test(token)) throw invalidToken();
    const cached = this.#cache.get(token);
    if (cached) return cached;
    const principal = await repo.findShopByTokenHash(this.#pool, hashToken(token));
    if (!principal) throw invalidToken();
    this.#cache.set(token, principal);
    return principal;
  }

  /**
   * A new token for the shop; the old one stops working as soon as this returns. With `ownerId`
   * (the cabinet), another merchant's shop is SHOP_NOT_FOUND, as if it did not exist.
   */
  async rotate(shopId: number, actor: Actor, ownerId?: number): Promise<string> {
    const token = generateToken();
    const replaced = await inTransaction(this.#pool, async (tx) => {
      const done = await repo.replaceShopToken(tx, shopId, hashToken(token), ownerId);
      if (done) {
        await announceChange(tx, 'shop', shopId);
        await recordAudit(tx, actor, { action: 'shop.rotate-token', target: { type: 'shop', id: shopId }, after: { token: SECRET_CHANGED } });
      }
      return done;
    });
    if (!replaced) throw new AppError('SHOP_NOT_FOUND', `shop ${shopId} does not exist`);
    this.#evict(shopId);
    return token;
  }

  #evict(shopId: number): void {
    this.#cache.deleteWhere((principal) => principal.shopId === shopId);
  }
}

function invalidToken(): AppError {
  return new AppError('INVALID_TOKEN', 'Missing or invalid token in the Authorization header');
}
