/** Filters by UTC day (YYYY-MM-DD), as the back-office's lists take them: `from` and `to` both included. */

const DAY_MS = 24 * 60 * 60 * 1000;

/** From midnight of `from` (inclusive) to the midnight after `to` (exclusive). */
export function dayRange(from: string | undefined, to: string | undefined): { from: Date | undefined; to: Date | undefined } {
  return {
    from: from === undefined ? undefined : new Date(`${from}T00:00:00.000Z`),
    to: to === undefined ? undefined : new Date(Date.parse(`${to}T00:00:00.000Z`) + DAY_MS),
  };
}
