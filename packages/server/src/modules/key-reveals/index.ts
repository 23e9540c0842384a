/**
 * Showing a key to a person (outside the Partner API, which delivers keys to the buyer's system)
 * always leaves a row in key_reveals (who, when, from where, which key) and one in the audit
 * trail. The rows and the read of the key are one transaction: no audit row, no key.
 */
import type pg from 'pg';
import { inTransaction } from '../../platform/db/index.ts';
import type { KeyVault } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit, type Actor } from '../audit-log/index.ts';
import { findSealedKey } from '../inventory/index.ts';
import { findOrder, orderView } from '../orders/index.ts';
import * as repo from './repository.ts';

export type { KeyReveal } from './repository.ts';
/** Showing keys to people, bound to the database and the key vault; every reveal is audited. */
export class KeyReveals {
  readonly #pool: pg.Pool;
  readonly #vault: KeyVault;

  constructor(pool: pg.Pool, vault: KeyVault) {
    this.#pool = pool;
    this.#vault = vault;
  }

  revealStockKey(keyId: number, who: Actor): Promise<{ keyId: number; offerId: number; key: string }> {
    return revealStockKey(this.#pool, this.#vault, keyId, who);
  }

  /** With a merchant user as `who`, only that merchant's orders. */
  revealOrderKey(orderId: number, who: Actor): Promise<{ orderId: number; key: string }> {
    return revealOrderKey(this.#pool, this.#vault, orderId, who);
  }

  /** The reveal audit, newest first. */
  list(page: { before?: number | undefined; limit: number }): Promise<{ reveals: repo.KeyReveal[]; nextBefore: number | null }> {
    return repo.listReveals(this.#pool, page);
  }
}

/** Operator: one stock key in clear. */
async function revealStockKey(pool: pg.Pool, vault: KeyVault, keyId: number, who: Actor): Promise<{ keyId: number; offerId: number; key: string }> {
  return inTransaction(pool, async (tx) => {
    const row = await findSealedKey(tx, keyId);
    if (!row) throw new AppError('KEY_NOT_FOUND', `stock key ${keyId} does not exist`);
    await repo.insertReveal(tx, { stockKeyId: keyId, orderId: null, actor: who.label, ip: who.ip });
    await recordAudit(tx, who, { action: 'key.reveal', target: { type: 'stock-key', id: keyId }, after: { offerId: row.offerId } });
    return { keyId, offerId: row.offerId, key: vault.open(row.sealed) };
  });
}

/** The key an order delivered (COMPLETED orders of offers that return one). */
async function revealOrderKey(pool: pg.Pool, vault: KeyVault, orderId: number, who: Actor): Promise<{ orderId: number; key: string }> {
  return inTransaction(pool, async (tx) => {
    const order = await findOrder(tx, orderId);
    if (!order || (who.merchantId !== null && order.merchantId !== who.merchantId)) throw new AppError('ORDER_NOT_FOUND', 'Order not found');
    const key = orderView(order, vault).key;
    if (key === undefined) throw new AppError('KEY_NOT_FOUND', `order ${orderId} has no key to show (${order.status})`);
    await repo.insertReveal(tx, { stockKeyId: null, orderId, actor: who.label, ip: who.ip });
    await recordAudit(tx, who, { action: 'key.reveal', target: { type: 'order', id: orderId }, after: { offerId: order.offerId } });
    return { orderId, key };
  });
}
