/**
 * A rate limiter shared by every hub instance on one PostgreSQL: at most `perSecond` calls in any
 * one-second window, across the whole deployment. Each call claims the next time slot in one
 * statement (a row per limiter, rate_limit_slots); slots are spaced evenly on the database's
 * clock, the one clock all instances share, and each instance only measures durations locally.
 *
 * Why the spacing is a little wider than 1000 / perSecond: a call leaves at its slot or up to
 * SEND_GRACE_MS later (a caller that wakes later than that claims a new slot instead), and the
 * network may bunch calls up a little on the way (TRANSIT_MARGIN_MS). With
 * spacing = (1000 + grace + margin) / perSecond, any perSecond + 1 consecutive calls still span
 * more than a second where the upstream counts them. For 30 per second that is 38 ms (26.3/s):
 * a little throughput traded for a limit that holds on a busy machine.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';

export const SEND_GRACE_MS = 25;
export const TRANSIT_MARGIN_MS = 100;
/** A caller that keeps waking too late gives up after this many claims (and is told to retry later). */
const MAX_CLAIMS = 5;

export type SlotAcquired = { ok: true } | { ok: false; retryAfterMs: number };

export interface SlotLimiterOptions {
  /** The limiter's row: every instance using this name shares one budget. */
  name: string;
  perSecond: number;
  /** Claim no slot further ahead than this: the caller is told to come back later instead. */
  maxWaitMs: number;
}

const CLAIM = `
  WITH claimed AS (
    INSERT INTO rate_limit_slots AS r (name, next_slot)
    VALUES ($1, clock_timestamp() + $2 * interval '1 millisecond')
    ON CONFLICT (name) DO UPDATE
       SET next_slot = greatest(r.next_slot, clock_timestamp()) + $2 * interval '1 millisecond'
     WHERE r.next_slot <= clock_timestamp() + $3 * interval '1 millisecond'
    RETURNING next_slot)
  SELECT (SELECT extract(epoch FROM next_slot - clock_timestamp()) * 1000 - $2 FROM claimed)::float8 AS "waitMs",
         (SELECT extract(epoch FROM next_slot - clock_timestamp()) * 1000 - $3 FROM rate_limit_slots WHERE name = $1)::float8 AS "busyMs"`;

export class SlotLimiter {
  readonly #pool: pg.Pool;
  readonly #options: SlotLimiterOptions;
  readonly spacingMs: number;

  constructor(pool: pg.Pool, options: SlotLimiterOptions) {
    this.#pool = pool;
    this.#options = options;
    this.spacingMs = Math.ceil((1000 + SEND_GRACE_MS + TRANSIT_MARGIN_MS) / options.perSecond);
  }

  /** Resolves at this caller's slot (make the call at once), or says when to try again. */
  async acquire(): Promise<SlotAcquired> {
    for (let claim = 0; claim < MAX_CLAIMS; claim++) {
      const asked = performance.now();
      const { rows } = await this.#pool.query<{ waitMs: number | null; busyMs: number | null }>({
        name: 'slot-limiter.claim',
        text: CLAIM,
        values: [this.#options.name, this.spacingMs, this.#options.maxWaitMs],
      });
      const { waitMs, busyMs } = rows[0]!;
      if (waitMs === null) return { ok: false, retryAfterMs: Math.max(this.spacingMs, Math.ceil(busyMs ?? 0)) };
      // Sleeping from the answer's arrival never wakes before the slot; lateness is measured from
      // the question, which can only overstate it, so a late caller never sends outside its slot.
      if (waitMs > 0) await sleep(waitMs);
      const late = performance.now() - asked - Math.max(0, waitMs);
      if (late <= SEND_GRACE_MS) return { ok: true };
    }
    return { ok: false, retryAfterMs: this.spacingMs };
  }
}
