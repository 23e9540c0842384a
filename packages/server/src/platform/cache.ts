/**
 * A small bounded cache with a time-to-live: the hot read paths (token → shop, offer by id) are
 * served from memory. Entries are evicted on change (see change-feed.ts); the TTL only bounds how
 * long a missed notification could matter. Bounded, so random tokens cannot grow it.
 */
export class TtlCache<K, V> {
  readonly #entries = new Map<K, { value: V; expiresAt: number }>();
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  #enabled = true;

  constructor(options: { maxEntries: number; ttlMs: number }) {
    this.#maxEntries = options.maxEntries;
    this.#ttlMs = options.ttlMs;
  }

  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: K, value: V): void {
    if (!this.#enabled) return;
    if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value as K);
    this.#entries.set(key, { value, expiresAt: Date.now() + this.#ttlMs });
  }

  deleteWhere(matches: (value: V, key: K) => boolean): void {
    for (const [key, entry] of this.#entries) if (matches(entry.value, key)) this.#entries.delete(key);
  }

  /** Empties the cache and, while disabled, keeps it empty (used while change notices may be lost). */
  reset(enabled: boolean): void {
    this.#entries.clear();
    this.#enabled = enabled;
  }
}
