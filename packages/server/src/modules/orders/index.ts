/**
 * Orders: accepting an order (place_order, alone or in a batch's one statement: batcher.ts),
 * reading it back, and the state transitions that operators and merchants may ask for, each with its money effect.
 */
import type { Currency, OrderStatus, StarsFulfillmentData } from '@dropgate/contract';
import type pg from 'pg';
import { coalescedReads, inTransaction, type Db, type Tx } from '../../platform/db/index.ts';
import type { KeyVault } from '../../platform/crypto.ts';
import { AppError, assert, invalidField } from '../../platform/errors.ts';
import { formatMoney, type Minor } from '../../platform/money.ts';
import { recordAudit, type Actor } from '../audit-log/index.ts';
import { fundsReader, moveOrderMoney, type Funds } from '../ledger/index.ts';
import type { ShopPrincipal } from '../merchants/index.ts';
import type { OrderBatcher } from './batcher.ts';
import * as repo from './repository.ts';
import { findTransition, releasesHold } from './states.ts';

export type { MarginGrouping, MarginRow, Order, OrderEvent, Protocol, StarsTerms, SupplierAttempt } from './repository.ts';
export { PLACE_ORDER_SQL, PLACE_ORDERS_SQL, listEvents, findOrder, findOrdersByTransaction, recordSupplierAttempt, recordUpstreamRef, setFulfillmentData, setReviewReason, listInReview } from './repository.ts';
export { listOrders, ordersPerHour, waitingCounts, type OrderFilter, type HourlyOrders } from './repository.ts';
export { OrderBatcher, orderStatementsCap, type OrderBatcherOptions } from './batcher.ts';
export { TRANSITIONS, IN_FLIGHT, assertStateMachine, findTransition, releasesHold, type Transition } from './states.ts';

/** An order as a merchant sees it, key revealed. */
export interface OrderView extends Pick<repo.Order,
  'transactionId' | 'offerId' | 'productName' | 'offerName' | 'count' | 'price' | 'currency' | 'status' | 'returnsKey' | 'createdAt'> {
  orderId: number;
  key: string | undefined;
  message: string | undefined;
  /** Telegram Stars: how many (the wire's offerId is telegram_stars_<N>), and what the delivery said. */
  starsAmount: number | undefined;
  fulfillmentData: StarsFulfillmentData | undefined;
}

export interface NewOrder {
  offerId: number;
  price: Minor;
  transactionId: string;
  customer: { email?: string | undefined; gameUserId?: string | undefined; gameServerId?: string | undefined } | undefined;
  /** Telegram Stars only (offer 0): the quote the hub computed, which the order is charged. */
  stars?: repo.StarsTerms | undefined;
}

/** How a shop names one of its orders: by orderId (any shop of its merchant), or by its own transactionId. */
export interface OrderRef {
  orderId?: number | undefined;
  transactionId?: string | undefined;
}

/** The orders module as request handlers use it: bound to its database and the key vault. */
export class Orders {
  readonly #pool: pg.Pool;
  readonly #vault: KeyVault;
  readonly #funds: (merchantId: number) => Promise<Funds>;
  readonly #orderById: (orderId: number) => Promise<repo.Order | undefined>;
  readonly #orderByTransaction: (ref: repo.TransactionRef) => Promise<repo.Order | undefined>;

  constructor(pool: pg.Pool, vault: KeyVault) {
    this.#pool = pool;
    this.#vault = vault;
    this.#funds = fundsReader(pool);
    this.#orderById = coalescedReads((ids: readonly number[]) => repo.findOrders(pool, ids));
    this.#orderByTransaction = coalescedReads((refs: readonly repo.TransactionRef[]) => repo.findShopOrdersByTransaction(pool, refs));
  }

  /**
   * A merchant's order, key revealed: by orderId (any of its shops) or by transactionId (this
   * shop). The order-status calls of one turn of the event loop read theirs in one statement.
   */
  async forShop(shop: ShopPrincipal, ref: OrderRef): Promise<OrderView> {
    const order = ref.orderId !== undefined
      ? await this.#orderById(ref.orderId)
      : await this.#orderByTransaction({ shopId: shop.shopId, transactionId: ref.transactionId! });
    return this.view(ownOrder(order, shop, ref));
  }

  view(order: repo.Order): OrderView {
    return orderView(order, this.#vault);
  }

  requestRefund(shop: ShopPrincipal, orderId: number, reason: string | undefined): Promise<repo.Order> {
    return requestRefund(this.#pool, shop, orderId, reason);
  }

  /** The operator's view: any order, or ORDER_NOT_FOUND. */
  async get(orderId: number): Promise<repo.Order> {
    const order = await repo.findOrder(this.#pool, orderId);
    if (!order) throw new AppError('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
    return order;
  }

  /** A merchant's order by id, for the cabinet: another merchant's order does not exist. */
  ofMerchant(merchantId: number, orderId: number): Promise<repo.Order> {
    return orderOfMerchant(this.#pool, merchantId, orderId);
  }

  events(orderId: number): Promise<repo.OrderEvent[]> {
    return repo.listEvents(this.#pool, orderId);
  }

  /** One page of orders, newest first (keyset): see listOrders. */
  list(filter: repo.OrderFilter, limit: number): Promise<{ orders: repo.Order[]; nextBefore: number | null }> {
    return repo.listOrders(this.#pool, filter, limit);
  }

  /** Revenue, cost and margin of supplier-fulfilled completed orders, per supplier, product or day. */
  margins(by: repo.MarginGrouping, range: { from: Date | undefined; to: Date | undefined }): Promise<repo.MarginRow[]> {
    return repo.margins(this.#pool, by, range);
  }

  /** Orders per hour over the last `hours` (the dashboard). */
  perHour(hours: number): Promise<repo.HourlyOrders[]> {
    return repo.ordersPerHour(this.#pool, hours);
  }

  /** Orders waiting on suppliers, and in manual review. */
  waitingCounts(): Promise<{ waitingOnSuppliers: number; inReview: number }> {
    return repo.waitingCounts(this.#pool);
  }

  /** Operator: a completed order is refunded; the merchant gets a REFUND entry, the trail its row. */
  refundCompleted(orderId: number, actor: Actor, reason: string): Promise<repo.Order> {
    return transitionGuarded(this.#pool, orderId, requireCompleted, 'REFUND', actor, reason);
  }

  /**
   * What a merchant has: the balance, and the spec's draftBalance (held by orders in flight), both
   * kept on the account row, so one primary-key read (shared with the calls that arrive with it).
   */
  funds(merchantId: number): Promise<Funds> {
    return this.#funds(merchantId);
  }
}

/** place_order's raised outcomes: each rolls the order back whole (a single statement, or its subtransaction in a batch). */
const UNIQUE_TRANSACTION = 'DG409';
const BALANCE_SPENT_MEANWHILE = 'DG402';

/** Accepts an order through the batcher (alone, or in the statement of a batch): see batcher.ts. */
export async function placeOrder(batcher: OrderBatcher, vault: KeyVault, shop: ShopPrincipal, order: NewOrder, protocol: repo.Protocol = 'partner'): Promise<OrderView> {
  let placed: repo.PlacedOrder;
  try {
    placed = await batcher.place({
      shopId: shop.shopId,
      merchantId: shop.merchantId,
      offerId: order.offerId,
      price: order.price,
      transactionId: order.transactionId,
      customerEmail: order.customer?.email ?? null,
      gameUserId: order.customer?.gameUserId ?? null,
      gameServerId: order.customer?.gameServerId ?? null,
      protocol,
      stars: order.stars ?? null,
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    // Concurrent orders of this merchant spent the balance between place_order's check and its debit.
    if (code === BALANCE_SPENT_MEANWHILE) throw insufficientBalance();
    // A concurrent create with the same transactionId won the unique slot.
    if (code !== UNIQUE_TRANSACTION) throw error;
    const existing = await repo.findOrderIdByTransaction(batcher.db, shop.shopId, order.transactionId);
    assert(existing !== undefined, 'a duplicate transactionId must name a committed order');
    throw duplicate(order.transactionId, existing);
  }
  switch (placed.outcome) {
    case 'CREATED':
      return placedView(placed, order, vault);
    case 'DUPLICATE':
      // A batch answers a lost race for the transactionId so (a single statement raises DG409, above).
      assert(placed.orderId !== null, 'a duplicate transactionId must name a committed order');
      throw duplicate(order.transactionId, placed.orderId);
    case 'OFFER_NOT_FOUND':
      throw new AppError('OFFER_NOT_FOUND', `Offer ${order.offerId} not found or not available to you`);
    case 'WRONG_PRICE':
      if (order.stars?.quote != null) {
        const { amount, quote, tolerance } = order.stars;
        throw new AppError('WRONG_PRICE', `The price must be within ${formatMoney(tolerance)} USD of the current quote for ${amount} Stars, ${formatMoney(quote)} USD; call find-one for it`);
      }
      throw new AppError('WRONG_PRICE', `The price does not match offer ${order.offerId}'s current price; call find-one for it`);
    case 'QUOTE_UNAVAILABLE':
      throw starsQuoteUnavailable();
    case 'RATE_MISSING':
      throw new AppError('SERVICE_UNAVAILABLE', `No exchange rate is set for offer ${order.offerId}'s currency; try again later`);
    case 'INSUFFICIENT_BALANCE':
      throw insufficientBalance();
  }
}

function insufficientBalance(): AppError {
  return new AppError('INSUFFICIENT_BALANCE', 'Your balance does not cover this order');
}

/** Telegram Stars without a trustworthy TON/USD rate are neither priced nor sold. */
export function starsQuoteUnavailable(): AppError {
  return new AppError('SERVICE_UNAVAILABLE', 'Telegram Stars cannot be priced now: no fresh TON/USD rate; retry later');
}

function duplicate(transactionId: string, orderId: number): AppError {
  return new AppError('TRANSACTION_DUPLICATE', `transactionId "${transactionId}" was already used by order ${orderId}`, { orderId });
}

/** A merchant's order by id (any of its shops) or by transactionId (this shop); others' orders do not exist. */
export async function orderForShop(db: Db, shop: ShopPrincipal, ref: OrderRef): Promise<repo.Order> {
  const order = ref.orderId !== undefined
    ? await repo.findOrder(db, ref.orderId)
    : await repo.findOrderByTransaction(db, shop.shopId, ref.transactionId!);
  return ownOrder(order, shop, ref);
}

/** The order found, if it is the shop's to see; else ORDER_NOT_FOUND, as for one that does not exist. */
function ownOrder(order: repo.Order | undefined, shop: ShopPrincipal, ref: OrderRef): repo.Order {
  const matches = order && order.merchantId === shop.merchantId && (ref.transactionId === undefined || order.transactionId === ref.transactionId);
  if (!matches) throw new AppError('ORDER_NOT_FOUND', 'Order not found');
  return order;
}

/** A merchant's order by id, for the cabinet: another merchant's order does not exist. */
async function orderOfMerchant(db: Db, merchantId: number, orderId: number): Promise<repo.Order> {
  const order = await repo.findOrder(db, orderId);
  if (!order || order.merchantId !== merchantId) throw new AppError('ORDER_NOT_FOUND', 'Order not found');
  return order;
}

export function orderView(order: repo.Order, vault: KeyVault): OrderView {
  return {
    orderId: order.id,
    transactionId: order.transactionId,
    offerId: order.offerId,
    productName: order.productName,
    offerName: order.offerName,
    count: order.count,
    price: order.price,
    currency: order.currency,
    status: order.status,
    returnsKey: order.returnsKey,
    key: revealKey(order.id, order, vault),
    message: order.message ?? undefined,
    starsAmount: order.starsAmount ?? undefined,
    fulfillmentData: order.fulfillmentData ?? undefined,
    createdAt: order.createdAt,
  };
}

function placedView(placed: repo.PlacedOrder, request: NewOrder, vault: KeyVault): OrderView {
  const order = {
    status: placed.status!, returnsKey: placed.returnsKey!, sandbox: placed.sandbox!, deliveredKey: placed.deliveredKey,
  };
  return {
    orderId: placed.orderId!,
    transactionId: request.transactionId,
    offerId: request.offerId,
    productName: placed.productName!,
    offerName: placed.offerName!,
    count: placed.count!,
    price: placed.price!,
    currency: placed.currency!,
    status: placed.status!,
    returnsKey: placed.returnsKey!,
    key: revealKey(placed.orderId!, order, vault),
    message: placed.message ?? undefined,
    starsAmount: request.stars?.amount,
    fulfillmentData: undefined,
    createdAt: placed.createdAt!,
  };
}

/** The key a merchant gets: only for COMPLETED orders of offers that return one. */
function revealKey(
  orderId: number,
  order: { status: OrderStatus; returnsKey: boolean; sandbox: boolean; deliveredKey: Buffer | null },
  vault: KeyVault,
): string | undefined {
  if (order.status !== 'COMPLETED' || !order.returnsKey) return undefined;
  if (order.sandbox) return sandboxKey(orderId, vault);
  return order.deliveredKey ? vault.open(order.deliveredKey) : undefined;
}

/** The sandbox offer's generated key: stable per order, shaped like a real one, never stored. */
function sandboxKey(orderId: number, vault: KeyVault): string {
  const tag = vault.tag(`sandbox-order:${orderId}`).slice(0, 16).toUpperCase();
  return `TEST-${tag.match(/.{4}/g)!.join('-')}`;
}

// ---- transitions asked for by people ----

/**
 * Applies one transition of the table with its money effect; undefined if the order moved
 * meanwhile. Every status change after placement comes through here, so the table's money effect
 * alone decides the REFUND entry and the release of the account's hold. The money comes last: the
 * account row is the lock a busy merchant's orders queue on (as in place_order), so callers take
 * no contended lock after it (only the audit trail's row is written after).
 */
async function applyTransition(tx: Tx, order: repo.Order, to: OrderStatus, actor: string, reason: string | null): Promise<repo.Order | undefined> {
  const transition = findTransition(order.status, to);
  assert(transition, `${order.status} -> ${to} is not in the state table`);
  const moved = await repo.updateStatus(tx, { orderId: order.id, from: order.status, to, actor, reason, message: to === 'CANCELED' ? reason : null });
  // Sandbox orders and those refused at placement debited and held nothing.
  if (moved && order.amountUsd > 0) {
    await moveOrderMoney(tx, { merchantId: order.merchantId, orderId: order.id, amount: order.amountUsd }, {
      refund: transition.money === 'refund' ? reason ?? to.toLowerCase() : null,
      releaseHold: releasesHold(transition),
    });
  }
  return moved;
}

/** Maps an order that is not COMPLETED to the spec's code for "this needs a completed order". */
function requireCompleted(order: repo.Order): void {
  if (order.status === 'COMPLETED') return;
  if (order.status === 'CANCELED') throw new AppError('ORDER_ALREADY_CANCELED', `Order ${order.id} is already canceled`);
  if (order.status === 'REFUND') throw new AppError('ORDER_ALREADY_REFUNDED', `Order ${order.id} is already refunded`);
  throw new AppError('ORDER_NOT_COMPLETED', `Order ${order.id} is ${order.status}, not completed yet`);
}

/** Maps an order that is not in flight to the code for "this needs an order still in processing". */
export function requireInFlight(order: repo.Order): void {
  if (order.status === 'SUBMITTED' || order.status === 'PROCESSING') return;
  if (order.status === 'CANCELED') throw new AppError('ORDER_ALREADY_CANCELED', `Order ${order.id} is already canceled`);
  if (order.status === 'REFUND') throw new AppError('ORDER_ALREADY_REFUNDED', `Order ${order.id} is already refunded`);
  throw new AppError('ORDER_NOT_PROCESSING', `Order ${order.id} is COMPLETED, not processing: ask for a refund instead`);
}

/**
 * Runs a guarded transition a person or key asked for; when the order moved between the read and
 * the update, re-checks it. The event names the actor, and the trail records the change.
 */
async function transitionGuarded(
  pool: pg.Pool,
  orderId: number,
  guard: (order: repo.Order) => void,
  to: OrderStatus,
  actor: Actor,
  reason: string,
): Promise<repo.Order> {
  return inTransaction(pool, async (tx) => {
    for (;;) {
      const order = await repo.findOrder(tx, orderId);
      if (!order) throw new AppError('ORDER_NOT_FOUND', `Order ${orderId} not found`);
      guard(order);
      const moved = await applyTransition(tx, order, to, actor.label, reason);
      if (!moved) continue;
      await recordOrderChange(tx, actor, `order.${to === 'REFUND' ? 'refund' : to.toLowerCase()}`, order, moved, reason);
      return moved;
    }
  });
}

/** The trail's row of a transition a person or key asked for: the status, and the money it moved. */
export async function recordOrderChange(tx: Tx, actor: Actor, action: string, before: repo.Order, after: repo.Order, reason: string): Promise<void> {
  const refunded = findTransition(before.status, after.status)?.money === 'refund' && before.amountUsd > 0;
  await recordAudit(tx, actor, {
    action,
    target: { type: 'order', id: before.id },
    before: { status: before.status, merchantId: before.merchantId },
    after: { status: after.status, reason, ...(refunded && { refundUsd: formatMoney(before.amountUsd) }) },
  });
}

/** Merchant: asks the operator to refund a completed order (keys cannot be taken back automatically). */
export async function requestRefund(db: Db, shop: ShopPrincipal, orderId: number, reason: string | undefined): Promise<repo.Order> {
  const order = await orderForShop(db, shop, { orderId });
  requireCompleted(order);
  const marked = await repo.markRefundRequested(db, orderId, reason ?? null);
  if (!marked) return requestRefund(db, shop, orderId, reason);
  return marked;
}

// ---- fulfilment outcomes (the fulfilment module decides; these apply them in its transaction) ----

/** A PROCESSING order is delivered (by a supplier, or by the operator from manual review). */
export async function completeInFlight(tx: Tx, order: repo.Order, sealedKey: Buffer | null, actor: string, reason: string): Promise<repo.Order | undefined> {
  if (sealedKey) await repo.setDeliveredKey(tx, order.id, sealedKey);
  await repo.setReviewReason(tx, order.id, null);
  return applyTransition(tx, order, 'COMPLETED', actor, reason);
}

/** A PROCESSING order ends without delivery; the merchant is refunded in the same transaction. */
export async function cancelInFlight(tx: Tx, order: repo.Order, actor: string, reason: string): Promise<repo.Order | undefined> {
  await repo.setReviewReason(tx, order.id, null);
  return applyTransition(tx, order, 'CANCELED', actor, reason);
}
