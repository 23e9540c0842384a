/**
 * Scripted catalog changes: a list of steps, each a list of changes (an id and what becomes of
 * it: a price, a stock, taken off or put back), applied one step at a time, by `step()` (the
 * simulator's method, or its admin call POST /_simulator/script/step) or every `everyMs`. Tests
 * sync, step, re-sync and see the change; a demo upstream can move by itself.
 */
export type ScriptStep<C> = ReadonlyArray<{ id: number } & C>;

export interface ScriptProgress {
  /** Steps applied so far. */
  applied: number;
  /** Steps still to come. */
  remaining: number;
}

export class CatalogScript<C> {
  readonly #steps: ReadonlyArray<ScriptStep<C>>;
  readonly #apply: (id: number, change: C) => void;
  #applied = 0;
  #timer: NodeJS.Timeout | undefined;

  /** Every id a step names must be known (`has`) when the script is given, so a typo fails at once. */
  constructor(steps: ReadonlyArray<ScriptStep<C>>, catalog: { has(id: number): boolean; apply(id: number, change: C): void }, everyMs?: number) {
    if (everyMs !== undefined && !(Number.isInteger(everyMs) && everyMs > 0)) throw new TypeError('scriptEveryMs: must be a whole number of milliseconds > 0');
    steps.forEach((changes, i) => {
      for (const { id } of changes) if (!catalog.has(id)) throw new TypeError(`script step ${i + 1}: no offer or product ${id} in this simulator`);
    });
    this.#steps = steps;
    this.#apply = (id, change) => catalog.apply(id, change);
    if (everyMs !== undefined && steps.length > 0) {
      this.#timer = setInterval(() => {
        if (this.step().remaining === 0) this.stop();
      }, everyMs);
      this.#timer.unref();
    }
  }

  get progress(): ScriptProgress {
    return { applied: this.#applied, remaining: this.#steps.length - this.#applied };
  }

  /** Applies the next step's changes, in order; past the end, nothing. */
  step(): ScriptProgress {
    const next = this.#steps[this.#applied];
    if (next) {
      this.#applied += 1;
      for (const { id, ...change } of next) this.#apply(id, change as unknown as C);
    }
    return this.progress;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
