/** A figure measured over rounds: its median, and the lowest and highest round. */
export interface Ranged {
  median: number;
  low: number;
  high: number;
  rounds: number[];
}

export function ranged(values: number[]): Ranged {
  if (values.length === 0) throw new Error('a ranged figure needs at least one round');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, low: sorted[0]!, high: sorted.at(-1)!, rounds: values };
}

/** The q-quantile (0..1) of values sorted ascending, as the nearest rank below; 0 for none. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** "0.71 (rounds 0.69-0.74)": the median, then every round's spread around it. */
export function formatRanged(figure: Ranged, digits = 2, parts = 'rounds'): string {
  const f = (x: number) => x.toFixed(digits);
  return figure.rounds.length === 1 ? f(figure.median) : `${f(figure.median)} (${parts} ${f(figure.low)}–${f(figure.high)}, ±${f(Math.max(figure.high - figure.median, figure.median - figure.low))})`;
}
