import { TRANSPORT_FAULT_KINDS, type TransportFault } from '../faults.ts';

/**
 * Faults of the GamesDrop simulator. Transport faults hit every call for the offer (order-status
 * finds the offer through its order; balance only sees the fault for all). The scripted ones
 * change what create-order does, and an order remembers its script, so order-status keeps
 * following it even after the fault is cleared.
 */
export type GamesDropFault =
  | TransportFault
  /** 503 with the spec's error body, SERVICE_UNAVAILABLE (what the live service answers when it fails); not processed. */
  | { kind: 'service-unavailable' }
  /** create-order answers PROCESSING (a key is set aside); order-status answers PROCESSING `afterStatusCalls` times, then COMPLETED with the key. */
  | { kind: 'processing-then-complete'; afterStatusCalls: number }
  /** create-order answers PROCESSING; order-status answers PROCESSING `afterStatusCalls` times, then CANCELED. */
  | { kind: 'processing-then-cancel'; afterStatusCalls: number }
  /** create-order records an order and answers it CANCELED, "Out of stock" (as Dropgate does). */
  | { kind: 'out-of-stock' }
  /** create-order answers 409 WRONG_PRICE whatever the price (nothing recorded). */
  | { kind: 'wrong-price' }
  /** Telegram Stars: create-order records the order and answers it CANCELED, "Failed to deliver Stars: <error>", with the failed fulfillmentData. */
  | { kind: 'stars-delivery-failed'; error: string };

export const GAMESDROP_FAULT_KINDS = [
  ...TRANSPORT_FAULT_KINDS,
  'service-unavailable',
  'processing-then-complete',
  'processing-then-cancel',
  'out-of-stock',
  'wrong-price',
  'stars-delivery-failed',
] as const satisfies readonly GamesDropFault['kind'][];
