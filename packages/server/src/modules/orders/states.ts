/**
 * The order state machine as a table. Every status change goes through `transition()` in the
 * repository (UPDATE ... WHERE status = from) together with its money effect and an event row;
 * place_order writes the creation path (SUBMITTED -> COMPLETED | CANCELED) in SQL and is held to
 * this table by the audit, which checks every event row against it.
 */
import { ORDER_STATUSES, type OrderStatus } from '@dropgate/contract';

/**
 * What a transition does to the merchant's money, in the same transaction. The hold is the
 * account's `held` (the draftBalance): see releasesHold.
 */
export type MoneyEffect =
  | 'none' // the debit stays held (still in draftBalance)
  | 'settle' // the hold is released: the debit is final
  | 'refund' // a REFUND entry returns the debit (and the hold is released, if the order was in flight)
  | 'refused'; // nothing was ever debited: the order was refused before any debit (no source)

export interface Transition {
  from: OrderStatus;
  to: OrderStatus;
  money: MoneyEffect;
}

export const TRANSITIONS: readonly Transition[] = [
  { from: 'SUBMITTED', to: 'PROCESSING', money: 'none' },
  { from: 'SUBMITTED', to: 'COMPLETED', money: 'settle' },
  { from: 'SUBMITTED', to: 'CANCELED', money: 'refused' },
  { from: 'PROCESSING', to: 'COMPLETED', money: 'settle' },
  { from: 'PROCESSING', to: 'CANCELED', money: 'refund' },
  { from: 'COMPLETED', to: 'REFUND', money: 'refund' },
];

/** Orders in these states hold their amount in draftBalance. */
export const IN_FLIGHT: readonly OrderStatus[] = ['SUBMITTED', 'PROCESSING'];

/**
 * Whether the transition takes the order's amount off the account's hold: it settles or refunds
 * an order in flight. With the boot check ('none' exactly while in flight) this keeps
 * accounts.held = the sum of amount_usd of the merchant's in-flight orders, which the audit checks.
 */
export function releasesHold(t: Transition): boolean {
  return IN_FLIGHT.includes(t.from) && (t.money === 'settle' || t.money === 'refund');
}

export function findTransition(from: OrderStatus, to: OrderStatus): Transition | undefined {
  return TRANSITIONS.find((t) => t.from === from && t.to === to);
}

/** Checked at boot: a table that breaks these rules is a bug, and the hub refuses to start. */
export function assertStateMachine(): void {
  const known = new Set<string>(ORDER_STATUSES);
  for (const t of TRANSITIONS) {
    if (!known.has(t.from) || !known.has(t.to)) throw new Error(`unknown status in transition ${t.from} -> ${t.to}`);
    const holdsAfter = IN_FLIGHT.includes(t.to);
    if (holdsAfter !== (t.money === 'none')) throw new Error(`${t.from} -> ${t.to}: money must stay held exactly while the order is in flight`);
    if (t.money === 'settle' && !IN_FLIGHT.includes(t.from)) throw new Error(`${t.from} -> ${t.to}: only a held amount can settle`);
    const ends = t.to === 'CANCELED' || t.to === 'REFUND';
    if (t.money === 'refund' && !ends) throw new Error(`${t.from} -> ${t.to}: refunds go with CANCELED and REFUND only`);
    if (ends && t.money !== 'refund' && t.money !== 'refused') throw new Error(`${t.from} -> ${t.to}: an order that ends unfulfilled must give its debit back`);
    if (t.money === 'refused' && !(t.from === 'SUBMITTED' && t.to === 'CANCELED')) throw new Error(`${t.from} -> ${t.to}: only an order refused at placement was never debited`);
  }
  for (const terminal of ['CANCELED', 'REFUND'] as const) {
    if (TRANSITIONS.some((t) => t.from === terminal)) throw new Error(`${terminal} must be terminal`);
  }
  for (const status of ORDER_STATUSES) {
    if (status !== 'SUBMITTED' && !TRANSITIONS.some((t) => t.to === status)) throw new Error(`${status} is unreachable`);
  }
}
