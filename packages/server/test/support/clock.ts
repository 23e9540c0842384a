import type { Clock } from '../../src/platform/clock.ts';

/**
 * Real time plus jumps the test makes: supplier policies of hours run in milliseconds, while
 * rows the database stamps with its own now() stay in step with the worker's view of time.
 */
export class ManualClock implements Clock {
  #offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.#offsetMs);
  }

  advance(ms: number): void {
    this.#offsetMs += ms;
  }
}
