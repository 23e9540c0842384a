/**
 * Money is integer minor units (cents, kopecks, tiyn: every supported currency has 2 decimals).
 * In the database it is bigint; in TypeScript a safe integer, asserted at every conversion,
 * so the hub's limit is 2^53-1 minor units per amount. Floats never reach the ledger: the only
 * float is the JSON number at the edge, converted exactly through its shortest decimal form.
 */
import { assert, invalidField } from './errors.ts';

export type Minor = number;

const DECIMAL = /^(0|[1-9]\d{0,14})(?:\.(\d{1,2}))?$/;

/** A JSON number with at most 2 decimals, > 0, to minor units. `23.091` is bad input. */
export function moneyFromWire(value: number, field: string): Minor {
  if (!Number.isFinite(value) || value <= 0) throw invalidField(field, 'must be a positive amount');
  return moneyFromDecimal(String(value), field);
}

/** The same conversion for amounts we receive from upstreams: undefined instead of an error. */
export function minorFromNumber(value: number): Minor | undefined {
  // String(x) is the shortest decimal that round-trips, so 560.1 -> "560.1", 23.091 -> "23.091".
  return Number.isFinite(value) && value >= 0 ? decimalToMinor(String(value)) : undefined;
}

/** "100.00", "560.1", "7" to minor units; used by the edge and by the operator's CLI. */
export function moneyFromDecimal(text: string, field: string): Minor {
  const minor = decimalToMinor(text.trim());
  if (minor === undefined) throw invalidField(field, `"${text}" is not an amount with at most 2 decimals`);
  if (minor <= 0) throw invalidField(field, 'must be a positive amount');
  return minor;
}

function decimalToMinor(text: string): Minor | undefined {
  const match = DECIMAL.exec(text);
  return match ? checkedMinor(Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))) : undefined;
}

/** Minor units to the wire's JSON number: 56010 -> 560.1 (exact: the nearest double to the decimal). */
export function moneyToWire(minor: Minor): number {
  return checkedMinor(minor) / 100;
}

/** Minor units to a fixed 2-decimal string for people: 56010 -> "560.10". */
export function formatMoney(minor: Minor): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(checkedMinor(minor));
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function checkedMinor(value: number): Minor {
  assert(Number.isSafeInteger(value), `money amount ${value} is not a safe integer`);
  return value;
}
