/** A Map that forgets its oldest entries past `limit`, so a long benchmark cannot grow it forever. */
export class BoundedMap<K, V> extends Map<K, V> {
  readonly #limit: number;
  readonly #onEvict: ((key: K, value: V) => void) | undefined;

  constructor(limit: number, onEvict?: (key: K, value: V) => void) {
    super();
    if (!Number.isInteger(limit) || limit < 1) throw new TypeError('limit must be a whole number >= 1');
    this.#limit = limit;
    this.#onEvict = onEvict;
  }

  override set(key: K, value: V): this {
    super.set(key, value);
    while (this.size > this.#limit) {
      const [oldestKey, oldestValue] = this.entries().next().value as [K, V];
      super.delete(oldestKey);
      this.#onEvict?.(oldestKey, oldestValue);
    }
    return this;
  }
}
