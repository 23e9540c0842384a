/**
 * Telegram Stars bought from a GamesDrop-compatible upstream, as the spec's Telegram Stars
 * section sells them: offerId "telegram_stars_<N>", the recipient's numeric Telegram user id as
 * customer.gameUserId, the outcome with the spec's fulfillmentData. An upstream that completes
 * without fulfillmentData is recorded with what we know (no transfer id).
 */
import type { StarsFulfillmentData } from '@dropgate/contract';
import type { PlaceRequest, SupplierOutcome } from '../../modules/suppliers/index.ts';
import { isTelegramUserId, starsOfferId } from '../../modules/telegram/index.ts';
import type { UpstreamOrder } from './adapter.ts';

/** What create-order sends for a Stars order; undefined for any other order. */
export function starsPurchase(request: PlaceRequest): { offerId: string; customer: { gameUserId: string } } | { refusal: string } | undefined {
  if (request.starsAmount === null) return undefined;
  if (request.gameUserId === null || !isTelegramUserId(request.gameUserId)) return { refusal: 'the order has no numeric Telegram user id' };
  return { offerId: starsOfferId(request.starsAmount), customer: { gameUserId: request.gameUserId } };
}

export function starsOutcome(order: UpstreamOrder, request: PlaceRequest): SupplierOutcome {
  const upstreamRef = String(order.orderId);
  const telegramUserId = Number(request.gameUserId);
  const starsAmount = request.starsAmount!;
  const data = order.fulfillmentData;
  if (data && (data.telegram_user_id !== telegramUserId || data.stars_amount !== starsAmount)) {
    return { kind: 'unknown', reason: `upstream order ${order.orderId} tells of another delivery (${data.stars_amount} stars to ${data.telegram_user_id})`, upstreamRef };
  }
  if (order.status === 'COMPLETED') {
    const delivered: StarsFulfillmentData = data?.delivery_status === 'completed'
      ? data
      : { telegram_user_id: telegramUserId, stars_amount: starsAmount, delivery_status: 'completed' };
    return { kind: 'delivered', key: null, upstreamRef, fulfillmentData: delivered };
  }
  if (order.status === 'CANCELED' || order.status === 'REFUND') {
    const error = data?.error_message ?? order.message ?? 'no reason given';
    const failed: StarsFulfillmentData = { telegram_user_id: telegramUserId, stars_amount: starsAmount, delivery_status: 'failed', error_message: error };
    return {
      kind: 'failed', reason: `upstream order ${order.status}: ${order.message ?? error}`,
      customerMessage: order.message?.startsWith('Failed to deliver Stars') ? order.message : `Failed to deliver Stars: ${error}`, fulfillmentData: failed,
    };
  }
  return { kind: 'unknown', reason: `upstream order ${order.status}`, upstreamRef };
}
