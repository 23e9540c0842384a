/**
 * Fulfilment: orders that wait on suppliers. Orchestrates the orders module (state, money) and
 * the suppliers module (sources, adapters) around the fulfilment queue it owns.
 */
import type pg from 'pg';
import { inTransaction } from '../../platform/db/index.ts';
import type { KeyVault } from '../../platform/crypto.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import type { Actor } from '../audit-log/index.ts';
import type { ShopPrincipal } from '../merchants/index.ts';
import {
  cancelInFlight, completeInFlight, findOrder, orderForShop, recordOrderChange, requireInFlight, setFulfillmentData, type Order,
} from '../orders/index.ts';
import * as jobs from './repository.ts';

export { FulfilmentWorker, type WorkerDeps, type WorkerLog, type WorkerOptions } from './worker.ts';
export { queueSize, queueStats, claimDue } from './repository.ts';

/** What people ask of fulfilment (merchants cancel; operators settle manual review), bound to its database. */
export class Fulfilment {
  readonly #pool: pg.Pool;
  readonly #vault: KeyVault;

  constructor(pool: pg.Pool, vault: KeyVault) {
    this.#pool = pool;
    this.#vault = vault;
  }

  cancelByMerchant(shop: ShopPrincipal, orderId: number, reason: string | undefined): Promise<Order> {
    return cancelByMerchant(this.#pool, shop, orderId, reason);
  }

  completeByOperator(orderId: number, key: string | null, reason: string, actor: Actor): Promise<Order> {
    return completeByOperator(this.#pool, this.#vault, orderId, key, reason, actor);
  }

  cancelByOperator(orderId: number, reason: string, actor: Actor): Promise<Order> {
    return cancelByOperator(this.#pool, orderId, reason, actor);
  }
}

/** Merchant: cancels an order that has not been sent to a supplier yet, and refunds it. */
export async function cancelByMerchant(pool: pg.Pool, shop: ShopPrincipal, orderId: number, reason: string | undefined): Promise<Order> {
  const order = await orderForShop(pool, shop, { orderId });
  requireInFlight(order);
  return inTransaction(pool, async (tx) => {
    if (!(await jobs.deleteUndispatched(tx, orderId))) {
      const now = await findOrder(tx, orderId);
      requireInFlight(now!);
      throw new AppError('ORDER_IN_PROGRESS', `Order ${orderId} was already sent to a supplier; wait for its outcome`);
    }
    const canceled = await cancelInFlight(tx, order, `shop:${shop.shopId}`, reason ?? 'Canceled by merchant');
    if (!canceled) throw new AppError('ORDER_IN_PROGRESS', `Order ${orderId} changed meanwhile; read its status`);
    return canceled;
  });
}

/**
 * Operator, from manual review (or any time an order is PROCESSING): completes it with a key. A
 * Telegram Stars order has no key: the operator gives the provider's transaction id instead, and
 * the merchant sees it in fulfillmentData like a delivery the worker saw.
 */
export async function completeByOperator(pool: pg.Pool, vault: KeyVault, orderId: number, key: string | null, reason: string, actor: Actor): Promise<Order> {
  return operatorSettle(pool, orderId, { actor, action: 'order.complete', reason }, async (tx, order) => {
    if (order.starsAmount !== null) {
      if (key === null) throw invalidField('key', `order ${orderId} is a Telegram Stars order: give the provider's transaction id as the key`);
      await setFulfillmentData(tx, order.id, { telegram_user_id: Number(order.gameUserId), stars_amount: order.starsAmount, transaction_id: key, delivery_status: 'completed' });
      return completeInFlight(tx, order, null, actor.label, reason);
    }
    if (key === null && order.returnsKey) throw invalidField('key', `order ${orderId}'s offer returns a key: give the key`);
    return completeInFlight(tx, order, key === null ? null : vault.seal(key), actor.label, reason);
  });
}

/** Operator: cancels a PROCESSING order and refunds it; its queued work, if any, is dropped. */
export async function cancelByOperator(pool: pg.Pool, orderId: number, reason: string, actor: Actor): Promise<Order> {
  return operatorSettle(pool, orderId, { actor, action: 'order.cancel', reason }, async (tx, order) => {
    if (order.starsAmount !== null) {
      await setFulfillmentData(tx, order.id, { telegram_user_id: Number(order.gameUserId), stars_amount: order.starsAmount, delivery_status: 'failed', error_message: reason });
    }
    return cancelInFlight(tx, order, actor.label, reason);
  });
}

/** Manual review settled by a person or key: the transition, its event and its audit row, in one transaction. */
async function operatorSettle(
  pool: pg.Pool,
  orderId: number,
  by: { actor: Actor; action: string; reason: string },
  settle: (tx: pg.PoolClient, order: Order) => Promise<Order | undefined>,
): Promise<Order> {
  return inTransaction(pool, async (tx) => {
    const order = await findOrder(tx, orderId);
    if (!order) throw new AppError('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
    requireInFlight(order);
    await jobs.deleteJob(tx, orderId);
    const settled = await settle(tx, order);
    if (!settled) throw new AppError('ORDER_IN_PROGRESS', `order ${orderId} changed meanwhile; read it again`);
    await recordOrderChange(tx, by.actor, by.action, order, settled, by.reason);
    return settled;
  });
}

