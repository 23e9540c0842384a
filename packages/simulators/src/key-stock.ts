/**
 * A product's keys: the ones given, or n generated on demand (so a stock of a million costs
 * nothing until it is sold). Keys never leave except through take(): nothing here logs them.
 */
import { randomBytes } from 'node:crypto';

export class KeyStock {
  readonly #given: string[];
  #toGenerate: number;
  readonly #prefix: string;

  constructor(keys: readonly string[] | number, prefix: string) {
    if (typeof keys === 'number' && (!Number.isInteger(keys) || keys < 0)) throw new TypeError('keys: a count must be a whole number >= 0');
    this.#given = typeof keys === 'number' ? [] : [...keys].reverse(); // reversed: pop() hands them out in order
    this.#toGenerate = typeof keys === 'number' ? keys : 0;
    this.#prefix = prefix;
  }

  get remaining(): number {
    return this.#given.length + this.#toGenerate;
  }

  take(): string | undefined {
    const given = this.#given.pop();
    if (given !== undefined) return given;
    if (this.#toGenerate === 0) return undefined;
    this.#toGenerate -= 1;
    const hex = randomBytes(6).toString('hex').toUpperCase();
    return `${this.#prefix}-${hex.slice(0, 4)}-${hex.slice(4, 8)}-${hex.slice(8, 12)}`;
  }
}
