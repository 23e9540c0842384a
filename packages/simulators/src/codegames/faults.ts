import { TRANSPORT_FAULT_KINDS, type TransportFault } from '../faults.ts';

/**
 * Faults of the CodeGames simulator. Transport faults hit every call (check, pay, status) for the
 * product (a status call finds the product through its transaction). The scripted ones change
 * what `pay` does, and a payment remembers its script, so status keeps following it even after
 * the fault is cleared.
 */
export type CodeGamesFault =
  | TransportFault
  /** pay records the payment and takes a key but answers 500; status answers 5xx `okAfterStatusCalls` times, then OK with the key. */
  | { kind: 'pay-fails-then-ok'; okAfterStatusCalls: number }
  /** pay answers TXN_DUPLICATE (nothing recorded). */
  | { kind: 'duplicate' }
  /** check and pay answer PRODUCT_OUT_OF_STOCK (nothing recorded). */
  | { kind: 'out-of-stock' }
  /** pay answers WRONG_PRICE whatever the price (nothing recorded). */
  | { kind: 'wrong-price' }
  /** pay records the payment and takes a key, but answers OK without the product; status OK without it too. */
  | { kind: 'ok-without-key' }
  /** pay records a canceled transaction (no key taken) and answers 500; status answers TXN_CANCELED. */
  | { kind: 'canceled' };

export const CODEGAMES_FAULT_KINDS = [
  ...TRANSPORT_FAULT_KINDS,
  'pay-fails-then-ok',
  'duplicate',
  'out-of-stock',
  'wrong-price',
  'ok-without-key',
  'canceled',
] as const satisfies readonly CodeGamesFault['kind'][];
