/**
 * The one interface every upstream supplier is reached through. An adapter speaks one protocol
 * and classifies every answer; retries, backoff and polling belong to the fulfilment worker.
 */
import type { Currency } from '@dropgate/contract';
import type { Minor } from '../platform/money.ts';

export type SupplierKind = 'codegames' | 'gamesdrop';

export type SupplierOutcome =
  /** It happened: the key, if the product has one, and the supplier's own id for it. */
  | { kind: 'delivered'; key: string | null; upstreamRef: string | null }
  /** It did not and will not happen at this supplier: fail over to the next source. */
  | { kind: 'failed'; reason: string }
  /** It may have happened (timeout, 5xx, garbage, still processing): check its status later. */
  | { kind: 'unknown'; reason: string; upstreamRef?: string | null };

export interface PlaceRequest {
  /** Our id for this attempt, sent upstream as its idempotency key: stable across retries. */
  supplierTxnId: string;
  productId: string;
  /** What we agreed to pay, in minor units of costCurrency: the adapter refuses a higher price. */
  cost: Minor;
  costCurrency: Currency;
}

/** A status check carries the original request too: a protocol may need to repeat it to learn the outcome. */
export interface StatusRequest extends PlaceRequest {
  /** The supplier's id for the purchase, once known. */
  upstreamRef: string | null;
}

export interface SupplierAdapter {
  place(request: PlaceRequest): Promise<SupplierOutcome>;
  checkStatus(request: StatusRequest): Promise<SupplierOutcome>;
}

/** A supplier as the operator configured it, token decrypted, ready to build an adapter. */
export interface SupplierConfig {
  id: number;
  kind: SupplierKind;
  name: string;
  baseUrl: string;
  token: string | null;
  timeoutMs: number;
  statusIntervalS: number;
  statusAttempts: number;
}

export const SUPPLIER_KINDS: readonly SupplierKind[] = ['codegames', 'gamesdrop'];
