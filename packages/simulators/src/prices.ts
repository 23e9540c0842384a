/** Prices are doubles on the wire; two that print the same to the cent are the same price. */
export function samePrice(a: number, b: number): boolean {
  return Math.round(a * 100) === Math.round(b * 100);
}
