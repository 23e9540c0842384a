/**
 * The Telegram Stars provider as a supplier: one idempotent call, POST /v1/transfers, keyed by our
 * per-source txn id, so placing and asking for the status are the same call (a repeat answers the
 * transfer already made, never a second one). Every call first takes a slot of the hub-wide rate
 * limiter (30 per second across all instances, by default); when none is free soon, the step is
 * deferred, since nothing was sent.
 *
 * completed → delivered, with the spec's fulfillmentData; failed ("user not found",
 * "STARGIFT_INVALID", "bot was blocked by user", …) → final, the order is canceled with the
 * spec's message and refunded; pending, timeouts, 5xx, garbage → unknown: polled, then manual
 * review. A refusal in the provider's error shape sent nothing: 429 defers, the rest are final.
 */
import type { StarsFulfillmentData, StarsTransfer } from '@dropgate/contract';
import { StarsProviderClient, StarsProviderError, TransportError } from '@dropgate/sdk';
import type { AdapterDeps, PlaceRequest, SupplierAdapter, SupplierConfig, SupplierOutcome } from '../../modules/suppliers/index.ts';

/** 409: the request_id was used for another transfer; what happened is for a person to find out. */
const UNKNOWN_REFUSALS = new Set([409]);

export function starsAdapter(config: SupplierConfig, deps: AdapterDeps): SupplierAdapter {
  const client = new StarsProviderClient({ baseUrl: config.baseUrl, token: config.token ?? undefined, timeoutMs: config.timeoutMs });

  async function transfer(request: PlaceRequest): Promise<SupplierOutcome> {
    const userId = Number(request.gameUserId);
    const amount = request.starsAmount;
    if (!Number.isSafeInteger(userId) || userId < 1 || amount === null) {
      return { kind: 'failed', reason: 'the order has no numeric Telegram user id or stars amount' };
    }
    const refused = (code: string) => failedDelivery(userId, amount, `the provider refused the transfer (${code})`);
    if (!deps.starsLimiter) throw new Error('the Telegram Stars adapter needs the hub-wide rate limiter');
    const slot = await deps.starsLimiter.acquire();
    if (!slot.ok) return { kind: 'deferred', reason: 'the hub-wide stars rate limit is taken', retryAfterMs: slot.retryAfterMs };
    try {
      return settled(await client.transfer({ request_id: request.supplierTxnId, telegram_user_id: userId, amount }), userId, amount);
    } catch (error) {
      if (error instanceof StarsProviderError) {
        if (error.httpStatus === 429) return { kind: 'deferred', reason: 'the provider asked us to slow down', retryAfterMs: Math.ceil((error.retryAfterS ?? 1) * 1000) };
        if (UNKNOWN_REFUSALS.has(error.httpStatus)) return { kind: 'unknown', reason: `provider refused: ${error.code}` };
        return refused(error.code);
      }
      return { kind: 'unknown', reason: `transfer: ${error instanceof TransportError ? error.message : (error as Error).message}` };
    }
  }

  return { place: transfer, checkStatus: transfer };
}

function settled(transfer: StarsTransfer, userId: number, amount: number): SupplierOutcome {
  if (transfer.telegram_user_id !== userId || transfer.amount !== amount) {
    return { kind: 'unknown', reason: `the provider answered another transfer (${transfer.amount} stars to ${transfer.telegram_user_id})` };
  }
  if (transfer.status === 'completed' && transfer.transaction_id) {
    const data: StarsFulfillmentData = { telegram_user_id: userId, stars_amount: amount, transaction_id: transfer.transaction_id, delivery_status: 'completed' };
    return { kind: 'delivered', key: null, upstreamRef: transfer.transaction_id, fulfillmentData: data };
  }
  if (transfer.status === 'failed') return failedDelivery(userId, amount, transfer.error ?? 'delivery failed');
  return { kind: 'unknown', reason: `transfer ${transfer.status}` };
}

/** A final failure in the spec's words: the message and fulfillmentData of its failed example. */
function failedDelivery(userId: number, amount: number, error: string): SupplierOutcome {
  const data: StarsFulfillmentData = { telegram_user_id: userId, stars_amount: amount, delivery_status: 'failed', error_message: error };
  return { kind: 'failed', reason: `provider: ${error}`, customerMessage: `Failed to deliver Stars: ${error}`, fulfillmentData: data };
}
