/**
 * Domain objects to the operator API's shapes (@dropgate/contract's operator-api.ts): money as
 * "0.00" strings. Each answer's schema lists these fields in this order: keep the two in step.
 */
import type {
  FxRate as FxRateOut, LedgerEntry as LedgerEntryOut, MerchantUser, OperatorOffer, OperatorOfferWithStock, OperatorOrder, Product as ProductOut, ShopLimits as ShopLimitsOut,
} from '@dropgate/contract';
import type { WebUser } from '../modules/access/index.ts';
import type { Offer, FxRate, Product } from '../modules/catalog/index.ts';
import type { LedgerEntry } from '../modules/ledger/index.ts';
import type { Order, OrderEvent } from '../modules/orders/index.ts';
import type { ShopLimitsView } from '../modules/shop-limits/index.ts';
import { formatMoney } from '../platform/money.ts';

export function offerOut(offer: Offer): OperatorOffer;
export function offerOut(offer: Offer, stock: { available: number; sold: number }): OperatorOfferWithStock;
export function offerOut(offer: Offer, stock?: { available: number; sold: number }): OperatorOffer | OperatorOfferWithStock {
  return {
    id: offer.id,
    productId: offer.productId,
    productName: offer.productName,
    offerName: offer.offerName,
    count: offer.count,
    price: formatMoney(offer.price),
    currency: offer.currency,
    returnsKey: offer.returnsKey,
    requiresGameUserId: offer.requiresGameUserId,
    gameUserIdPattern: offer.gameUserIdPattern,
    gameServerIdPattern: offer.gameServerIdPattern,
    sandbox: offer.sandbox,
    commission: offer.commissionPercent,
    merchants: offer.visibleToAll ? 'all' : offer.merchantIds,
    servers: offer.servers,
    // Only the counts: the same shape whether or not the offer ever had keys.
    ...(stock && { stock: { available: stock.available, sold: stock.sold } }),
    updatedAt: offer.updatedAt.toISOString(),
  };
}

export function productOut(product: Product): ProductOut {
  return { ...product, updatedAt: product.updatedAt.toISOString() };
}

export function entryOut(entry: LedgerEntry): LedgerEntryOut {
  return {
    id: entry.id,
    merchantId: entry.merchantId,
    type: entry.type,
    amount: formatMoney(entry.amount),
    balanceAfter: formatMoney(entry.balanceAfter),
    orderId: entry.orderId,
    description: entry.description,
    createdAt: entry.createdAt.toISOString(),
  };
}

export function rateOut(rate: FxRate): FxRateOut {
  return { currency: rate.currency, usdPerUnit: rate.usdPerUnit, updatedAt: rate.updatedAt.toISOString() };
}

/** The operator's view of an order: everything but the key itself. */
export function orderOut(order: Order, events: OrderEvent[]): OperatorOrder {
  return {
    id: order.id,
    shopId: order.shopId,
    merchantId: order.merchantId,
    transactionId: order.transactionId,
    protocol: order.protocol,
    // The ids the CodeGames protocol knows the order by: txn_id is the merchant's, partner_txn_id ours.
    codegames: order.protocol === 'codegames' ? { txnId: order.transactionId, partnerTxnId: String(order.id) } : null,
    offerId: order.offerId,
    productName: order.productName,
    offerName: order.offerName,
    count: order.count,
    price: formatMoney(order.price),
    currency: order.currency,
    usdPerUnit: order.usdPerUnit,
    chargedPrice: formatMoney(order.chargedPrice),
    amountUsd: formatMoney(order.amountUsd),
    sandbox: order.sandbox,
    status: order.status,
    message: order.message,
    hasKey: order.deliveredKey !== null || (order.sandbox && order.status === 'COMPLETED'),
    customer: { email: order.customerEmail, gameUserId: order.gameUserId, gameServerId: order.gameServerId },
    refundRequestedAt: order.refundRequestedAt?.toISOString() ?? null,
    refundRequestReason: order.refundRequestReason,
    supplier: order.supplierId === null ? null : {
      id: order.supplierId,
      product: order.supplierProductId,
      cost: order.supplierCost === null ? null : formatMoney(order.supplierCost),
      costCurrency: order.supplierCostCurrency,
      costUsd: order.supplierCostUsd === null ? null : formatMoney(order.supplierCostUsd),
      txnId: order.supplierTxnId,
      upstreamRef: order.upstreamRef,
    },
    // What the hub keeps: the USD debit less the supplier's cost in USD (stock orders: unknown).
    marginUsd: order.supplierCostUsd === null || order.status !== 'COMPLETED' ? null : formatMoney(order.amountUsd - order.supplierCostUsd),
    reviewReason: order.reviewReason,
    // Telegram Stars (offer 0): how many, the TON/USD rate the quote used, what the delivery said.
    telegramStars: order.starsAmount === null ? null : { stars: order.starsAmount, usdPerTon: order.tonUsdRate, fulfillmentData: order.fulfillmentData },
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
    events: events.map((e) => ({ from: e.fromStatus, to: e.toStatus, actor: e.actor, reason: e.reason, at: e.createdAt.toISOString() })),
  };
}

export function userOut(user: WebUser): MerchantUser {
  return {
    id: user.id, merchantId: user.merchantId, email: user.email, role: user.role, twoFactor: user.twoFactor,
    passwordSetAt: user.passwordSetAt.toISOString(), createdAt: user.createdAt.toISOString(),
  };
}

export function shopLimitsOut(limits: ShopLimitsView): ShopLimitsOut {
  return { ...limits, updatedAt: limits.updatedAt?.toISOString() ?? null };
}
