/**
 * Ledger: one USD account per merchant and its append-only entries (DEPOSIT, PURCHASE, REFUND).
 * Every balance change is an entry with balanceAfter, written in the caller's transaction.
 */
import { coalescedReads, inTransaction, type Db, type Tx } from '../../platform/db/index.ts';
import { AppError, assert } from '../../platform/errors.ts';
import { formatMoney, type Minor } from '../../platform/money.ts';
import { recordAudit, type Actor } from '../audit-log/index.ts';
import type pg from 'pg';
import * as repo from './repository.ts';

export type { Funds, LedgerEntry, LedgerType } from './repository.ts';
export type { EntryFilter } from './repository.ts';
export { openAccount, listEntries, listEntriesPage, lowBalances, allBalances, readFunds } from './repository.ts';

/** The ledger as request handlers read it, bound to its database. */
export class Ledger {
  readonly #db: pg.Pool;

  constructor(db: pg.Pool) {
    this.#db = db;
  }

  balanceOf(merchantId: number): Promise<Minor> {
    return balanceOf(this.#db, merchantId);
  }

  allBalances(): Promise<Array<{ merchantId: number; balance: Minor }>> {
    return repo.allBalances(this.#db);
  }

  /** Merchants below a balance, lowest first (the dashboard). */
  lowBalances(below: Minor, limit: number): Promise<Array<{ merchantId: number; balance: Minor }>> {
    return repo.lowBalances(this.#db, below, limit);
  }

  /** Operator: money in. */
  deposit(merchantId: number, amount: Minor, description: string | undefined, actor: Actor): Promise<repo.LedgerEntry> {
    return deposit(this.#db, merchantId, amount, description, actor);
  }

  /** A page of one merchant's entries, newest first, by keyset (the cabinet). */
  entriesPage(merchantId: number, filter: repo.EntryFilter, limit: number): Promise<{ entries: repo.LedgerEntry[]; nextBefore: number | null }> {
    return repo.listEntriesPage(this.#db, merchantId, filter, limit);
  }

  /** A merchant's entries, newest first, by page (the Partner API's offset pages). */
  entries(merchantId: number, page: { page: number; limit: number }): Promise<{ entries: repo.LedgerEntry[]; total: number }> {
    return repo.listEntries(this.#db, merchantId, { offset: (page.page - 1) * page.limit, limit: page.limit });
  }
}

/**
 * A merchant's balance and draftBalance, from the account row alone; the balance calls of one
 * turn of the event loop read their accounts in one statement (coalescedReads).
 */
export function fundsReader(pool: pg.Pool): (merchantId: number) => Promise<repo.Funds> {
  const read = coalescedReads((merchantIds: readonly number[]) => repo.readFunds(pool, merchantIds));
  return async (merchantId) => {
    const funds = await read(merchantId);
    if (funds === undefined) throw new AppError('MERCHANT_NOT_FOUND', `merchant ${merchantId} does not exist`);
    return funds;
  };
}

export async function balanceOf(db: Db, merchantId: number): Promise<Minor> {
  const balance = await repo.readBalance(db, merchantId);
  if (balance === undefined) throw new AppError('MERCHANT_NOT_FOUND', `merchant ${merchantId} does not exist`);
  return balance;
}

export async function deposit(pool: pg.Pool, merchantId: number, amount: Minor, description: string | undefined, actor: Actor): Promise<repo.LedgerEntry> {
  return inTransaction(pool, async (tx) => {
    const entry = await repo.appendEntry(tx, { merchantId, type: 'DEPOSIT', amount, orderId: null, description: description ?? 'Deposit' });
    if (!entry) throw new AppError('MERCHANT_NOT_FOUND', `merchant ${merchantId} does not exist`);
    await recordAudit(tx, actor, {
      action: 'merchant.deposit',
      target: { type: 'merchant', id: merchantId },
      before: { balance: formatMoney(entry.balanceAfter - amount) },
      after: { balance: formatMoney(entry.balanceAfter), amount: formatMoney(amount), entryId: entry.id, description: entry.description },
    });
    return entry;
  });
}

/**
 * An order's money leaves the states it was in, in the caller's transaction and in one UPDATE of
 * the account row: `refund` returns the debit with a REFUND entry (the unique index allows one per
 * order), `releaseHold` takes the amount off the account's hold (the order was in flight). A
 * settled order only leaves the hold.
 */
export async function moveOrderMoney(
  tx: Tx,
  order: { merchantId: number; orderId: number; amount: Minor },
  effect: { refund: string | null; releaseHold: boolean },
): Promise<void> {
  const released = effect.releaseHold ? order.amount : 0;
  if (effect.refund !== null) {
    const entry = await repo.appendEntry(tx, {
      merchantId: order.merchantId,
      type: 'REFUND',
      amount: order.amount,
      orderId: order.orderId,
      description: `Refund - order ${order.orderId}: ${effect.refund}`,
      released,
    });
    assert(entry, `order ${order.orderId} belongs to merchant ${order.merchantId}, who has no account`);
  } else if (released > 0) {
    assert(await repo.releaseHold(tx, order.merchantId, released), `order ${order.orderId} belongs to merchant ${order.merchantId}, who has no account`);
  }
}
