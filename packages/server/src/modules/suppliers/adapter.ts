/**
 * The one interface every upstream supplier is reached through. An adapter speaks one protocol
 * and classifies every answer; retries, backoff and polling belong to the fulfilment worker.
 */
import type { Currency, StarsFulfillmentData } from '@dropgate/contract';
import type { Minor } from '../../platform/money.ts';
import type { ProductDetails } from '../catalog/index.ts';

export type SupplierKind = 'codegames' | 'gamesdrop' | 'telegram_stars';

export type SupplierOutcome =
  /** It happened: the key, if the product has one, and the supplier's own id for it. */
  | { kind: 'delivered'; key: string | null; upstreamRef: string | null; fulfillmentData?: StarsFulfillmentData }
  /**
   * It did not and will not happen at this supplier: fail over to the next source. A supplier
   * that delivers to an account says why in words for the merchant (`customerMessage`).
   */
  | { kind: 'failed'; reason: string; customerMessage?: string; fulfillmentData?: StarsFulfillmentData }
  /** It may have happened (timeout, 5xx, garbage, still processing): check its status later. */
  | { kind: 'unknown'; reason: string; upstreamRef?: string | null }
  /** Nothing was sent (the supplier's rate limit is taken): run the same step again later, uncounted. */
  | { kind: 'deferred'; reason: string; retryAfterMs: number };

export interface PlaceRequest {
  /** Our id for this attempt, sent upstream as its idempotency key: stable across retries. */
  supplierTxnId: string;
  productId: string;
  /** What we agreed to pay, in minor units of costCurrency: the adapter refuses a higher price. */
  cost: Minor;
  costCurrency: Currency;
  /** The order's player / recipient id (customer.gameUserId), for suppliers that deliver to an account. */
  gameUserId: string | null;
  /** Telegram Stars: how many to send (else null). */
  starsAmount: number | null;
}

/** A status check carries the original request too: a protocol may need to repeat it to learn the outcome. */
export interface StatusRequest extends PlaceRequest {
  /** The supplier's id for the purchase, once known. */
  upstreamRef: string | null;
}

/**
 * One offer of a supplier's own catalog, as its adapter reads it (what a catalog sync works from),
 * with the supplier's details of its product (excluded countries: ISO alpha-2, upper case).
 */
export interface UpstreamOffer extends ProductDetails {
  /** The id an offer source names (`supplierProductId`) and the adapter places orders for. */
  supplierProductId: string;
  /** The supplier's product, which groups its offers (null: it does not say). */
  upstreamProductId: string | null;
  productName: string;
  offerName: string;
  /** What one order costs us now, in minor units of costCurrency. */
  cost: Minor;
  costCurrency: Currency;
  inStock: boolean;
  requiresGameUserId: boolean;
  requiresGameServerId: boolean;
  /** It delivers a key to hand to the customer (null: the supplier does not say). */
  returnsKey: boolean | null;
}

/**
 * An offer the upstream still lists but says nothing more about than that it is sold out now (a
 * CodeGames PRODUCT_OUT_OF_STOCK): the catalog keeps what it knew of it, out of stock.
 */
export interface SoldOutUpstreamOffer {
  supplierProductId: string;
  soldOut: true;
}

export type CatalogEntry = UpstreamOffer | SoldOutUpstreamOffer;

export interface SupplierAdapter {
  place(request: PlaceRequest): Promise<SupplierOutcome>;
  checkStatus(request: StatusRequest): Promise<SupplierOutcome>;
  /**
   * Optional: the supplier's whole catalog, read page by page as it is iterated. It throws when
   * the read fails or the catalog changed underneath it; the offers yielded until then are not
   * the whole catalog.
   */
  catalog?(): AsyncIterable<CatalogEntry>;
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
  /** CodeGames: the product ids its catalog is read from (`check` each); the protocol lists none. */
  catalogProductIds?: readonly string[];
}

/** The kinds an operator adds; the Telegram Stars provider is configured by environment instead. */
export const SUPPLIER_KINDS: readonly SupplierKind[] = ['codegames', 'gamesdrop'];

/** What adapters may need besides their config: shared, database-backed helpers. */
export interface AdapterDeps {
  /** Telegram Stars: the hub-wide limiter every provider call goes through. */
  starsLimiter: { acquire(): Promise<{ ok: true } | { ok: false; retryAfterMs: number }> } | undefined;
}
