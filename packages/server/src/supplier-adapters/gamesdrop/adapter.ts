/**
 * A GamesDrop-compatible hub (GamesDrop itself, or another Dropgate) as a supplier: find-one for
 * the price, create-order with our transactionId, then order-status until it settles. Transport
 * failures and 5xx after create-order are unknown; a PROCESSING order is polled. Its catalog is
 * read from the upstream's feed (catalog.ts).
 *
 * Telegram Stars (an order with a stars amount) are bought as the spec sells them: offerId
 * "telegram_stars_<N>" at the upstream's live quote (find-one), to the order's Telegram user id
 * (customer.gameUserId); the upstream's fulfillmentData is the delivery's (stars.ts).
 */
import type { StarsFulfillmentData } from '@dropgate/contract';
import { PartnerApiError, PartnerApiClient } from '@dropgate/sdk';
import type { PlaceRequest, StatusRequest, SupplierAdapter, SupplierConfig, SupplierOutcome } from '../../modules/suppliers/index.ts';
import { minorFromNumber } from '../../platform/money.ts';
import { upstreamCatalog } from './catalog.ts';
import { starsOutcome, starsPurchase } from './stars.ts';

/** Answers to create-order that mean "not placed, and it will not be". */
const FINAL_CODES = new Set(['OFFER_NOT_FOUND', 'WRONG_PRICE', 'INSUFFICIENT_BALANCE', 'INVALID_REQUEST_BODY', 'INVALID_TOKEN']);

export interface UpstreamOrder {
  orderId: number;
  status: string;
  key?: string;
  message?: string;
  fulfillmentData?: StarsFulfillmentData;
}

export function gamesDropAdapter(config: SupplierConfig): SupplierAdapter {
  const client = new PartnerApiClient({ baseUrl: config.baseUrl, token: config.token ?? '', timeoutMs: config.timeoutMs });

  /**
   * find-one, then create-order with our transactionId. `again`: an earlier create-order of ours
   * may have landed, so only a definite answer about the order itself may end this source;
   * every refusal stays unknown (the poll goes on, and ends in manual review, never in a failover).
   */
  async function submit(request: PlaceRequest, attempt: 'first' | 'again'): Promise<SupplierOutcome> {
    const refuse = (reason: string): SupplierOutcome => (attempt === 'first' ? { kind: 'failed', reason } : { kind: 'unknown', reason });
    const stars = starsPurchase(request);
    if (stars && 'refusal' in stars) return refuse(stars.refusal);
    const offerId = stars ? stars.offerId : Number(request.productId);
    if (!stars && !Number.isSafeInteger(offerId)) return refuse(`offer id "${request.productId}" is not numeric`);
    let offer;
    try {
      offer = await client.findOne(offerId);
    } catch (error) {
      return refuse(`find-one failed: ${describe(error)}`); // nothing is bought by find-one
    }
    const price = minorFromNumber(offer.price);
    if (offer.currency !== request.costCurrency || price === undefined || price > request.cost) {
      return refuse(`upstream price ${offer.price} ${offer.currency} is above the agreed cost`);
    }
    try {
      const customer = stars ? { customer: stars.customer } : {};
      return settled(await client.createOrder({ offerId, price: offer.price, transactionId: request.supplierTxnId, ...customer }), request);
    } catch (error) {
      if (error instanceof PartnerApiError) {
        if (error.code === 'TRANSACTION_DUPLICATE') {
          const ref = error.details.orderId;
          return { kind: 'unknown', reason: 'placed by an earlier attempt', upstreamRef: typeof ref === 'number' ? String(ref) : null };
        }
        if (FINAL_CODES.has(error.code)) return refuse(`create-order: ${error.code}`);
      }
      return { kind: 'unknown', reason: `create-order: ${describe(error)}` };
    }
  }

  return {
    place: (request) => submit(request, 'first'),

    async checkStatus(request: StatusRequest): Promise<SupplierOutcome> {
      // Without the upstream orderId (create-order's answer was lost), the spec's own way to learn
      // the outcome is to repeat create-order with the same transactionId: it names the existing
      // order (TRANSACTION_DUPLICATE) or, if the first never landed, places it now. Looking it up
      // by transactionId is an extension the live service may not have.
      if (request.upstreamRef === null) return submit(request, 'again');
      try {
        return settled(await client.orderStatus({ orderId: Number(request.upstreamRef) }), request);
      } catch (error) {
        if (error instanceof PartnerApiError && error.code === 'ORDER_NOT_FOUND') return { kind: 'failed', reason: 'upstream has no such order' };
        return { kind: 'unknown', reason: `order-status: ${describe(error)}` };
      }
    },

    catalog: () => upstreamCatalog(client),
  };
}

function settled(order: UpstreamOrder, request: PlaceRequest): SupplierOutcome {
  if (request.starsAmount !== null) return starsOutcome(order, request);
  const upstreamRef = String(order.orderId);
  if (order.status === 'COMPLETED') return { kind: 'delivered', key: order.key ?? null, upstreamRef };
  if (order.status === 'CANCELED' || order.status === 'REFUND') return { kind: 'failed', reason: `upstream order ${order.status}: ${order.message ?? 'no reason given'}` };
  return { kind: 'unknown', reason: `upstream order ${order.status}`, upstreamRef };
}

function describe(error: unknown): string {
  if (error instanceof PartnerApiError) return error.code;
  return (error as Error).message;
}
