/**
 * Per-shop request limits shared by every hub instance on one PostgreSQL, without a round trip per
 * request. Each shop has a budget of `limit` requests per fixed window (windows numbered on the
 * database's clock). An instance reserves a share of the current window's budget from one
 * counter row (repository.reserve: one statement) and admits requests from that share in memory;
 * it asks for the next share when half of this one is used (in the background), and a request
 * waits for a reservation only when its instance holds none (the first request of a window, or
 * a burst), and never long (`reservationWaitMs`). A reservation never grants more than the window
 * has left, so, while the database answers them:
 *
 * - across all instances, a window admits at most `limit` requests (the shares granted in it
 *   never add up to more); shares are used until their window ends as this instance measures it
 *   from before its ask, so never after the database's window ends;
 * - it admits at least `limit - instances × share` when asked for more: what is lost is the unused
 *   part of the last share each instance holds when the window ends (share = 5 % of the limit).
 *
 * docs/api.md states the bound; the cost is one statement per share, not per request.
 */
import type pg from 'pg';
import * as repo from './repository.ts';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** What this instance knows is left in the window: unclaimed by any instance, plus its own unused share. */
  remaining: number;
  /** Seconds until the window ends (and the budget is whole again). */
  resetSeconds: number;
}

export interface RateLog {
  warn(details: object, message: string): void;
}

/**
 * The longest a request waits for a reservation by default (one takes about a millisecond;
 * DROPGATE_RATE_LIMIT_WAIT_MS). Past it the database is in trouble, and the request is admitted rather than made to wait twice (here, then
 * for its own statement or connection), so it still answers within the bound of docs/errors.md
 * (about 5 s) when the database stalls. After such a reservation, requests do not wait for one
 * at all for TROUBLE_MS: they are admitted while a reservation is tried in the background.
 */
export const RESERVATION_WAIT_MS = 200;
const TROUBLE_MS = 10_000;

/** A reservation under way, and since when (requests wait for it only so long after it was asked). */
interface Reservation {
  done: Promise<void>;
  askedAt: number;
}

/** A share is this part of the limit: fewer reservations for large limits, little stranded at a window's end. */
const SHARE_DIVISOR = 20;
/** Buckets of windows long gone are dropped when this many shops are tracked. */
const SWEEP_ABOVE = 10_000;

interface Bucket {
  windowStart: number;
  /** performance.now() at which the window ends, measured from before the ask (so never late). */
  endsAt: number;
  /** Requests of this instance's shares not yet admitted. */
  left: number;
  /** The window's requests claimed by every instance, as of the last reservation (at most the limit). */
  taken: number;
  /** The last reservation got less than it asked: the window is used up, refuse without asking. */
  spent: boolean;
}

export class RateLimiter {
  readonly #pool: pg.Pool;
  readonly #windowSeconds: number;
  readonly #reservationWaitMs: number;
  readonly #log: RateLog;
  readonly #buckets = new Map<number, Bucket>();
  readonly #reserving = new Map<number, Reservation>();
  readonly #waiting = new Map<number, number>();
  /** Until when reservations are not waited for (the last one failed or was too slow). */
  #troubleUntil = 0;

  constructor(pool: pg.Pool, options: { windowSeconds: number; reservationWaitMs?: number | undefined; log: RateLog }) {
    this.#pool = pool;
    this.#windowSeconds = options.windowSeconds;
    this.#reservationWaitMs = options.reservationWaitMs ?? RESERVATION_WAIT_MS;
    this.#log = options.log;
  }

  get windowSeconds(): number {
    return this.#windowSeconds;
  }

  /** Admits one request of the shop, or refuses it; waits only when this instance holds no share. */
  async admit(shopId: number, limit: number): Promise<RateDecision> {
    // Ends: each reservation either grants at least one request or marks the window spent.
    for (;;) {
      const bucket = this.#current(shopId);
      if (bucket && bucket.left > 0) {
        bucket.left -= 1;
        if (!bucket.spent && bucket.left < shareOf(limit) / 2 && !this.#reserving.has(shopId)) {
          this.#reserve(shopId, limit).done.catch((error: Error) => this.#log.warn({ err: { message: error.message }, shopId }, 'rate limit: reservation failed'));
        }
        return decision(true, bucket, limit);
      }
      if (bucket?.spent) return decision(false, bucket, limit);
      if (performance.now() < this.#troubleUntil) {
        if (!this.#reserving.has(shopId)) this.#reserve(shopId, limit).done.then(() => (this.#troubleUntil = 0), () => {});
        return { allowed: true, limit, remaining: 0, resetSeconds: this.#windowSeconds };
      }
      if (!(await this.#waitForShare(shopId, limit))) {
        this.#troubleUntil = performance.now() + TROUBLE_MS;
        // The limit must not turn a database hiccup into refusals, nor add its delay to the
        // request's own: the request goes on, and meets the database itself if it needs it.
        return { allowed: true, limit, remaining: 0, resetSeconds: this.#windowSeconds };
      }
    }
  }

  /**
   * Waits for a reservation, at most reservationWaitMs after it was asked: false when it failed
   * or is slower than that (the database is in trouble), and then the caller is admitted.
   */
  async #waitForShare(shopId: number, limit: number): Promise<boolean> {
    this.#waiting.set(shopId, (this.#waiting.get(shopId) ?? 0) + 1);
    try {
      const pending = this.#reserve(shopId, limit);
      const left = this.#reservationWaitMs - (performance.now() - pending.askedAt);
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const slow = new Promise<'slow'>((resolve) => (timer = setTimeout(() => resolve('slow'), left)));
      // Settles either way, so a reservation that fails after this caller stopped waiting is no unhandled rejection.
      const reserved = pending.done.then(() => 'done' as const, (error: Error) => error);
      const outcome = await Promise.race([reserved, slow]).finally(() => clearTimeout(timer));
      if (outcome === 'done') return true;
      this.#log.warn({ shopId, ...(outcome !== 'slow' && { err: { message: outcome.message } }) }, `rate limit: reservation ${outcome === 'slow' ? 'slower than its bound' : 'failed'}; request admitted`);
      return false;
    } finally {
      const still = this.#waiting.get(shopId)! - 1;
      if (still === 0) this.#waiting.delete(shopId);
      else this.#waiting.set(shopId, still);
    }
  }

  /** The shop's bucket of the window still running, if any. */
  #current(shopId: number): Bucket | undefined {
    const bucket = this.#buckets.get(shopId);
    if (bucket && bucket.endsAt <= performance.now()) {
      this.#buckets.delete(shopId);
      return undefined;
    }
    return bucket;
  }

  /** One reservation at a time per shop: callers that find one under way wait for it. */
  #reserve(shopId: number, limit: number): Reservation {
    let pending = this.#reserving.get(shopId);
    if (!pending) {
      const done = this.#ask(shopId, limit).finally(() => this.#reserving.delete(shopId));
      pending = { done, askedAt: performance.now() };
      this.#reserving.set(shopId, pending);
    }
    return pending;
  }

  async #ask(shopId: number, limit: number): Promise<void> {
    // A burst asks for what is waiting (so it is served in one round trip), never more than the limit.
    const want = Math.min(limit, Math.max(shareOf(limit), this.#waiting.get(shopId) ?? 0));
    const askedAt = performance.now();
    const reserved = await repo.reserve(this.#pool, shopId, this.#windowSeconds, want);
    const granted = Math.max(0, Math.min(want, limit - (reserved.asked - want)));
    let bucket = this.#current(shopId);
    if (!bucket || bucket.windowStart !== reserved.windowStart) {
      if (this.#buckets.size >= SWEEP_ABOVE) this.#sweep();
      bucket = { windowStart: reserved.windowStart, endsAt: askedAt + reserved.endsInMs, left: 0, taken: 0, spent: false };
      this.#buckets.set(shopId, bucket);
    }
    bucket.left += granted;
    bucket.taken = Math.min(limit, reserved.asked);
    bucket.spent = granted < want;
  }

  #sweep(): void {
    const now = performance.now();
    for (const [shopId, bucket] of this.#buckets) if (bucket.endsAt <= now) this.#buckets.delete(shopId);
  }
}

function shareOf(limit: number): number {
  return Math.max(1, Math.ceil(limit / SHARE_DIVISOR));
}

function decision(allowed: boolean, bucket: Bucket, limit: number): RateDecision {
  return {
    allowed,
    limit,
    remaining: Math.max(0, limit - bucket.taken + bucket.left),
    resetSeconds: Math.max(1, Math.ceil((bucket.endsAt - performance.now()) / 1000)),
  };
}
