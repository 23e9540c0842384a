/**
 * Per-shop limits on the merchant APIs: a request rate (shared by every hub instance) and an IP
 * allowlist, both set by the operator. Read on every merchant request, so they are served from a
 * cache that a change evicts on every instance (the change feed), like shop tokens.
 */
import type { BlockList } from 'node:net';
import type pg from 'pg';
import { TtlCache } from '../../platform/cache.ts';
import { announceChange, inTransaction, type ChangeFeed } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit, type Actor } from '../audit-log/index.ts';
import { getShop } from '../merchants/index.ts';
import { allows, checkNetworks, compileAllowlist } from '../../platform/networks.ts';
import { RateLimiter, type RateDecision, type RateLog } from './rate-limiter.ts';
import * as repo from './repository.ts';

export type { RateDecision } from './rate-limiter.ts';

export interface ShopLimitsOptions {
  /** Requests per window for shops with no limit of their own; 0: those shops are not limited. */
  defaultRateLimit: number;
  windowSeconds: number;
  /** The longest a request waits for its instance's share of the window (then it is admitted). */
  reservationWaitMs?: number | undefined;
  log: RateLog;
}

/** A shop's limits as the operator sees them. */
export interface ShopLimitsView {
  shopId: number;
  /** The shop's own limit; null: the deployment's default. */
  rateLimit: number | null;
  /** What applies: the shop's own limit, else the default; null: not limited. */
  effectiveRateLimit: number | null;
  windowSeconds: number;
  ipAllowlist: string[];
  updatedAt: Date | null;
}

export interface LimitsChange {
  rateLimit?: number | null;
  ipAllowlist?: string[];
}

/** What a request of the shop is held to, compiled once per cache fill. */
interface Compiled {
  rateLimit: number | null;
  allowlist: BlockList | undefined;
}

export class ShopLimits {
  readonly #pool: pg.Pool;
  readonly #options: ShopLimitsOptions;
  readonly #rate: RateLimiter;
  readonly #cache = new TtlCache<number, Compiled>({ maxEntries: 20_000, ttlMs: 60_000 });

  constructor(pool: pg.Pool, feed: ChangeFeed, options: ShopLimitsOptions) {
    this.#pool = pool;
    this.#options = options;
    this.#rate = new RateLimiter(pool, { windowSeconds: options.windowSeconds, reservationWaitMs: options.reservationWaitMs, log: options.log });
    this.#cache.reset(false); // until the feed listens, changes could be missed
    feed.on('shop-limits', (shopId) => this.#cache.deleteWhere((_, key) => key === shopId));
    feed.onConnection((up) => this.#cache.reset(up));
  }

  /**
   * Holds one request of the shop to its limits: IP_NOT_ALLOWED when `address` is not on its
   * allowlist; else the rate decision (undefined when the shop is not limited), which the caller
   * answers with its headers, and with RATE_LIMITED (`rateLimited`) when it is a refusal.
   */
  async admit(shopId: number, address: string): Promise<RateDecision | undefined> {
    const limits = await this.#compiled(shopId);
    if (limits.allowlist && !allows(limits.allowlist, address)) {
      throw new AppError('IP_NOT_ALLOWED', `calls of this shop are not accepted from ${address}: it is not on the shop's IP allowlist`);
    }
    return limits.rateLimit === null ? undefined : this.#rate.admit(shopId, limits.rateLimit);
  }

  /** The shop's limits, or SHOP_NOT_FOUND. */
  async get(shopId: number): Promise<ShopLimitsView> {
    await getShop(this.#pool, shopId);
    return this.#view(await repo.findSettings(this.#pool, shopId));
  }

  /** The limits of shops the caller already knows exist (the cabinet's own shops), in one query. */
  async ofShops(shopIds: number[]): Promise<ShopLimitsView[]> {
    return (await repo.findSettingsOf(this.#pool, shopIds)).map((settings) => this.#view(settings));
  }

  /** Changes what is sent (the rest stays), audited; every instance applies it within milliseconds. */
  async set(shopId: number, change: LimitsChange, actor: Actor): Promise<ShopLimitsView> {
    const networks = change.ipAllowlist && checkNetworks(change.ipAllowlist, 'ipAllowlist');
    const saved = await inTransaction(this.#pool, async (tx) => {
      await getShop(tx, shopId);
      const before = await repo.lockSettings(tx, shopId);
      const after = await repo.saveSettings(tx, shopId, change.rateLimit === undefined ? before.rateLimit : change.rateLimit, networks ?? before.ipAllowlist);
      await announceChange(tx, 'shop-limits', shopId);
      await recordAudit(tx, actor, {
        action: 'shop.limits',
        target: { type: 'shop', id: shopId },
        before: { rateLimit: before.rateLimit, ipAllowlist: before.ipAllowlist },
        after: { rateLimit: after.rateLimit, ipAllowlist: after.ipAllowlist },
      });
      return after;
    });
    this.#cache.deleteWhere((_, key) => key === shopId);
    return this.#view(saved);
  }

  async #compiled(shopId: number): Promise<Compiled> {
    const cached = this.#cache.get(shopId);
    if (cached) return cached;
    const settings = await repo.findSettings(this.#pool, shopId);
    const compiled = { rateLimit: this.#effective(settings.rateLimit), allowlist: compileAllowlist(settings.ipAllowlist) };
    this.#cache.set(shopId, compiled);
    return compiled;
  }

  #effective(own: number | null): number | null {
    return own ?? (this.#options.defaultRateLimit === 0 ? null : this.#options.defaultRateLimit);
  }

  #view(settings: repo.ShopLimitSettings): ShopLimitsView {
    return {
      shopId: settings.shopId,
      rateLimit: settings.rateLimit,
      effectiveRateLimit: this.#effective(settings.rateLimit),
      windowSeconds: this.#options.windowSeconds,
      ipAllowlist: settings.ipAllowlist,
      updatedAt: settings.updatedAt,
    };
  }
}

/** The refusal of a request over its shop's rate; `retryAfterSeconds` is when the window renews. */
export function rateLimited(decision: RateDecision): AppError {
  return new AppError('RATE_LIMITED', `this shop's rate limit of ${decision.limit} requests per window is used up; retry in ${decision.resetSeconds} s`, {
    retryAfterSeconds: decision.resetSeconds,
  });
}
