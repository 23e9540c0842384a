import type { Db, Tx } from '../../platform/db/index.ts';

export interface KeyReveal {
  id: number;
  stockKeyId: number | null;
  orderId: number | null;
  actor: string;
  ip: string | null;
  createdAt: Date;
}

const COLUMNS = 'id, stock_key_id AS "stockKeyId", order_id AS "orderId", actor, ip, created_at AS "createdAt"';

export async function insertReveal(tx: Tx, reveal: { stockKeyId: number | null; orderId: number | null; actor: string; ip: string | null }): Promise<void> {
  await tx.query('INSERT INTO key_reveals (stock_key_id, order_id, actor, ip) VALUES ($1, $2, $3, $4)', [reveal.stockKeyId, reveal.orderId, reveal.actor, reveal.ip]);
}

/** Newest first, by keyset. */
export async function listReveals(db: Db, page: { before?: number | undefined; limit: number }): Promise<{ reveals: KeyReveal[]; nextBefore: number | null }> {
  const { rows } = await db.query<KeyReveal>(
    `SELECT ${COLUMNS} FROM key_reveals WHERE ($1::bigint IS NULL OR id < $1) ORDER BY id DESC LIMIT $2`,
    [page.before ?? null, page.limit + 1],
  );
  const more = rows.length > page.limit;
  const reveals = more ? rows.slice(0, page.limit) : rows;
  return { reveals, nextBefore: more ? reveals.at(-1)!.id : null };
}
