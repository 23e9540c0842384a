/**
 * The TON/USD rate behind every Stars price: fetched from a configurable HTTP source, kept for
 * `cacheMs`, trusted for `maxAgeMs` after it was fetched. Past that, and with the source failing,
 * the operator's fallback rate is used if one is configured; otherwise there is no rate, and
 * Stars are not priced or sold (SERVICE_UNAVAILABLE) rather than sold at a stale price.
 *
 * One fetch at a time (concurrent callers share it), at most one attempt per `cacheMs` (a source
 * that is down is not hammered), and every age is read from the injected clock, so caching and
 * staleness are tested by moving time, not by waiting.
 */
import type { Clock } from '../../platform/clock.ts';
import { parseDecimal } from '../../platform/decimal.ts';
import { RATE_PLACES } from './pricing.ts';

export interface TonRateOptions {
  /** GET answers JSON; undefined: no source, only the fallback. */
  url: string | undefined;
  /** Dot path of the rate in that JSON, e.g. "price" or "the-open-network.usd". */
  field: string;
  cacheMs: number;
  maxAgeMs: number;
  /** USD per TON used when no fetched rate is fresh enough; undefined: none. */
  fallback: string | undefined;
  timeoutMs: number;
  clock: Clock;
  log: { warn(details: object, message: string): void };
}

export interface RateReading {
  usdPerTon: string;
  source: 'live' | 'fallback';
  /** When the live rate was fetched (null for the fallback). */
  fetchedAt: Date | null;
}

export class TonRate {
  readonly #options: TonRateOptions;
  #last: { usdPerTon: string; at: Date } | undefined;
  #lastAttemptAt: Date | undefined;
  #inFlight: Promise<void> | undefined;

  constructor(options: TonRateOptions) {
    this.#options = options;
  }

  /** When the live rate in use was fetched; undefined before the first successful fetch. */
  get fetchedAt(): Date | undefined {
    return this.#last?.at;
  }

  /** The rate to price with now, or undefined when there is none worth selling at. */
  async current(): Promise<RateReading | undefined> {
    const { url, cacheMs, maxAgeMs, fallback, clock } = this.#options;
    const ageOf = (at: Date | undefined) => (at === undefined ? Infinity : clock.now().getTime() - at.getTime());
    if (url !== undefined && !this.#inFlight && ageOf(this.#last?.at) >= cacheMs && ageOf(this.#lastAttemptAt) >= cacheMs) {
      this.#inFlight = this.#refresh(url).finally(() => (this.#inFlight = undefined));
    }
    // Everyone who comes while a fetch is out waits for it (it is bounded by timeoutMs).
    if (this.#inFlight) await this.#inFlight;
    if (this.#last && ageOf(this.#last.at) <= maxAgeMs) return { usdPerTon: this.#last.usdPerTon, source: 'live', fetchedAt: this.#last.at };
    if (fallback !== undefined) return { usdPerTon: fallback, source: 'fallback', fetchedAt: null };
    return undefined;
  }

  async #refresh(url: string): Promise<void> {
    const { clock, log, timeoutMs, field } = this.#options;
    this.#lastAttemptAt = clock.now();
    try {
      const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const usdPerTon = readRate(await response.json(), field);
      if (usdPerTon === undefined) throw new Error(`no positive decimal at "${field}"`);
      this.#last = { usdPerTon, at: clock.now() };
    } catch (error) {
      log.warn({ err: { message: (error as Error).message } }, 'TON/USD rate source failed; keeping the last rate while it is fresh enough');
    }
  }
}

/** The rate at `path` in the body: a JSON number or a decimal string, positive, ≤ 12 decimals. */
export function readRate(body: unknown, path: string): string | undefined {
  let value: unknown = body;
  for (const key of path.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  // A JSON number's shortest decimal form is exact for what the source wrote (2.58 → "2.58").
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value : undefined;
  const rate = text === undefined ? undefined : parseDecimal(text, RATE_PLACES);
  return rate !== undefined && /[1-9]/.test(rate) ? rate : undefined;
}
