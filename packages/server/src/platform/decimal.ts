/**
 * Exact decimals for rates and percentages (a TON/USD rate "2.58", a margin "1.5"): parsed from
 * text into scaled integers and multiplied as BigInt, so no float ever touches a price.
 */

const DECIMAL = /^(0|[1-9]\d{0,14})(?:\.(\d+))?$/;

/** A non-negative decimal with at most `maxPlaces` decimals, canonical ("02.50" → undefined, "2.50" → "2.5"). */
export function parseDecimal(text: string, maxPlaces: number): string | undefined {
  const match = DECIMAL.exec(text.trim());
  if (!match || (match[2] ?? '').length > maxPlaces) return undefined;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  return fraction ? `${match[1]}.${fraction}` : match[1]!;
}

/** "2.58" at 12 places → 2_580_000_000_000n. The text must have passed parseDecimal with ≤ places. */
export function scaled(decimal: string, places: number): bigint {
  const [whole, fraction = ''] = decimal.split('.');
  if (fraction.length > places) throw new RangeError(`${decimal} has more than ${places} decimals`);
  return BigInt(whole!) * 10n ** BigInt(places) + BigInt(fraction.padEnd(places, '0') || '0');
}

/** num / den rounded half-up, for non-negative num and positive den. */
export function divideHalfUp(num: bigint, den: bigint): bigint {
  return (2n * num + den) / (2n * den);
}
