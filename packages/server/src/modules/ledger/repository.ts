import type { Db, Tx } from '../../platform/db/index.ts';
import type { Minor } from '../../platform/money.ts';

export type LedgerType = 'DEPOSIT' | 'PURCHASE' | 'REFUND';

/** What a merchant has: the balance, and the part of it held by orders in flight (draftBalance). */
export interface Funds {
  balance: Minor;
  held: Minor;
}

export interface LedgerEntry {
  id: number;
  merchantId: number;
  type: LedgerType;
  amount: Minor;
  balanceAfter: Minor;
  orderId: number | null;
  description: string;
  createdAt: Date;
}

export async function openAccount(tx: Tx, merchantId: number): Promise<void> {
  await tx.query('INSERT INTO accounts (merchant_id) VALUES ($1)', [merchantId]);
}

export async function readBalance(db: Db, merchantId: number): Promise<Minor | undefined> {
  const { rows } = await db.query<{ balance: Minor }>({
    name: 'ledger.balance',
    text: 'SELECT balance FROM accounts WHERE merchant_id = $1',
    values: [merchantId],
  });
  return rows[0]?.balance;
}

/** The balance and the hold of each of these merchants' accounts, in one read, by merchant id. */
export async function readFunds(db: Db, merchantIds: readonly number[]): Promise<Map<number, Funds>> {
  const { rows } = await db.query<Funds & { merchantId: number }>({
    name: 'ledger.funds',
    text: 'SELECT merchant_id AS "merchantId", balance, held FROM accounts WHERE merchant_id = ANY($1::bigint[])',
    values: [merchantIds],
  });
  return new Map(rows.map(({ merchantId, ...funds }) => [merchantId, funds]));
}

/**
 * Moves the account by `amount` and appends the matching entry, in the caller's transaction;
 * `released` leaves the hold in the same UPDATE (a refunded in-flight order). Undefined when the
 * merchant has no account.
 */
export async function appendEntry(
  tx: Tx,
  entry: { merchantId: number; type: LedgerType; amount: Minor; orderId: number | null; description: string; released?: Minor },
): Promise<LedgerEntry | undefined> {
  const { rows } = await tx.query<LedgerEntry>(
    `WITH moved AS (
       UPDATE accounts SET balance = balance + $3, held = held - $6 WHERE merchant_id = $1 RETURNING balance
     )
     INSERT INTO ledger_entries (merchant_id, type, amount, balance_after, order_id, description)
     SELECT $1, $2, $3, balance, $4, $5 FROM moved
     RETURNING id, merchant_id AS "merchantId", type, amount, balance_after AS "balanceAfter",
               order_id AS "orderId", description, created_at AS "createdAt"`,
    [entry.merchantId, entry.type, entry.amount, entry.orderId, entry.description, entry.released ?? 0],
  );
  return rows[0];
}

/** Takes `amount` off the account's hold, the balance untouched; false when there is no account. */
export async function releaseHold(tx: Tx, merchantId: number, amount: Minor): Promise<boolean> {
  const { rowCount } = await tx.query('UPDATE accounts SET held = held - $2 WHERE merchant_id = $1', [merchantId, amount]);
  return rowCount === 1;
}

export async function listEntries(
  db: Db,
  merchantId: number,
  page: { offset: number; limit: number },
): Promise<{ entries: LedgerEntry[]; total: number }> {
  const [list, count] = await Promise.all([
    db.query<LedgerEntry>({
      name: 'ledger.list',
      text: `SELECT id, merchant_id AS "merchantId", type, amount, balance_after AS "balanceAfter",
                    order_id AS "orderId", description, created_at AS "createdAt"
               FROM ledger_entries WHERE merchant_id = $1 ORDER BY id DESC OFFSET $2 LIMIT $3`,
      values: [merchantId, page.offset, page.limit],
    }),
    db.query<{ total: number }>({
      name: 'ledger.count',
      text: 'SELECT count(*)::bigint AS total FROM ledger_entries WHERE merchant_id = $1',
      values: [merchantId],
    }),
  ]);
  return { entries: list.rows, total: count.rows[0]?.total ?? 0 };
}

export interface EntryFilter {
  type?: LedgerType | undefined;
  orderId?: number | undefined;
  /** created_at >= from */
  from?: Date | undefined;
  /** created_at < to */
  to?: Date | undefined;
  /** Keyset cursor: entries with a smaller id. */
  before?: number | undefined;
}

/** A page of one merchant's entries, newest first, by keyset on ledger_by_merchant (merchant_id, id DESC). */
export async function listEntriesPage(db: Db, merchantId: number, filter: EntryFilter, limit: number): Promise<{ entries: LedgerEntry[]; nextBefore: number | null }> {
  const where = ['merchant_id = $1'];
  const values: unknown[] = [merchantId];
  const param = (value: unknown) => `$${values.push(value)}`;
  if (filter.type !== undefined) where.push(`type = ${param(filter.type)}`);
  if (filter.orderId !== undefined) where.push(`order_id = ${param(filter.orderId)}`);
  if (filter.from !== undefined) where.push(`created_at >= ${param(filter.from)}`);
  if (filter.to !== undefined) where.push(`created_at < ${param(filter.to)}`);
  if (filter.before !== undefined) where.push(`id < ${param(filter.before)}`);
  const { rows } = await db.query<LedgerEntry>(
    `SELECT id, merchant_id AS "merchantId", type, amount, balance_after AS "balanceAfter",
            order_id AS "orderId", description, created_at AS "createdAt"
       FROM ledger_entries WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ${param(limit + 1)}`,
    values,
  );
  const more = rows.length > limit;
  const entries = more ? rows.slice(0, limit) : rows;
  return { entries, nextBefore: more ? entries.at(-1)!.id : null };
}

/** Accounts under a threshold, lowest first (the dashboard). */
export async function lowBalances(db: Db, below: Minor, limit: number): Promise<Array<{ merchantId: number; balance: Minor }>> {
  const { rows } = await db.query<{ merchantId: number; balance: Minor }>(
    'SELECT merchant_id AS "merchantId", balance FROM accounts WHERE balance < $1 ORDER BY balance, merchant_id LIMIT $2',
    [below, limit],
  );
  return rows;
}

/** Every account's balance (the console's merchant list). */
export async function allBalances(db: Db): Promise<Array<{ merchantId: number; balance: Minor }>> {
  const { rows } = await db.query<{ merchantId: number; balance: Minor }>('SELECT merchant_id AS "merchantId", balance FROM accounts');
  return rows;
}
