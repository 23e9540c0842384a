import { TRANSPORT_FAULT_KINDS, type TransportFault } from '../faults.ts';

/**
 * Faults of the stars provider simulator, per Telegram user id (or for all). Transport faults hit
 * the call; the delivery failures are the spec's three, recorded as failed transfers (final: a
 * repeat answers the same failure). A transfer remembers its script, so repeats keep following
 * it after the fault is cleared.
 */
export type StarsProviderFault =
  | TransportFault
  /** The transfer fails: "user not found". */
  | { kind: 'user-not-found' }
  /** The transfer fails: "STARGIFT_INVALID" (the user cannot receive Stars). */
  | { kind: 'stargift-invalid' }
  /** The transfer fails: "bot was blocked by user". */
  | { kind: 'bot-blocked' }
  /** The transfer answers "pending" `afterCalls` more times (repeats of the same request_id), then "completed". */
  | { kind: 'pending-then-complete'; afterCalls: number }
  /** 429 with retry_after, whatever the load; nothing recorded. */
  | { kind: 'rate-limited' };

export const STARS_PROVIDER_FAULT_KINDS = [
  ...TRANSPORT_FAULT_KINDS,
  'user-not-found',
  'stargift-invalid',
  'bot-blocked',
  'pending-then-complete',
  'rate-limited',
] as const satisfies readonly StarsProviderFault['kind'][];

/** The spec's delivery errors, word for word. */
export const DELIVERY_ERRORS = {
  'user-not-found': 'user not found',
  'stargift-invalid': 'STARGIFT_INVALID',
  'bot-blocked': 'bot was blocked by user',
} as const;
