/**
 * What a failed database call means for the caller. Two kinds matter at the edge:
 *
 * - `unavailable`: the database cannot answer now (down, restarting, stalled past a timeout, out
 *   of connections, a transaction that lost a race). Retrying later is right: 503 + Retry-After.
 * - `refused-input`: PostgreSQL refused a value the request carried (a character it cannot store,
 *   a number out of range). Retrying can never help: it is bad input, 400. The HTTP edge checks
 *   what it can before any query (platform/http/input-guard.ts); this is the net behind it.
 *
 * Anything else is a bug of ours, answered 503 and logged with its stack.
 */

export type DatabaseFault = 'unavailable' | 'refused-input';

/** SQLSTATE classes and codes of an outage: connection exceptions, resources, shutdown, timeouts. */
const UNAVAILABLE_STATES = /^(08|53|57P0|57014|55P03|40001|40P01|58)/;
/** SQLSTATEs a value of the request can cause: bad characters, range, format, an index row too big. */
const INPUT_STATES = new Set(['22021', '22P05', '22001', '22003', '22P02', '22007', '22008', '2201B', '54000']);
/** Node and pg messages of a connection that failed or timed out. */
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Connection terminated',
  'connection error',
  'not queryable',
  'the database system is',
  'Client was closed',
];
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

export function databaseFault(error: unknown): DatabaseFault | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (INPUT_STATES.has(code)) return 'refused-input';
    if (/^[0-9A-Z]{5}$/.test(code) && UNAVAILABLE_STATES.test(code)) return 'unavailable';
    if (NETWORK_CODES.has(code)) return 'unavailable';
  }
  if (UNAVAILABLE_MESSAGES.some((text) => error.message.includes(text))) return 'unavailable';
  return error.cause === undefined ? undefined : databaseFault(error.cause);
}
