import type { Db, Tx } from '../../platform/db/index.ts';
import type { ActorKind } from './actor.ts';

export interface AuditEntry {
  id: number;
  createdAt: Date;
  actor: string;
  actorKind: ActorKind;
  actorId: number | null;
  actorName: string;
  merchantId: number | null;
  ip: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
}

export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  merchantId?: number | undefined;
  from?: Date | undefined;
  /** Exclusive. */
  to?: Date | undefined;
}

const COLUMNS = `id, created_at AS "createdAt", actor, actor_kind AS "actorKind", actor_id AS "actorId", actor_name AS "actorName",
  merchant_id AS "merchantId", ip, action, target_type AS "targetType", target_id AS "targetId", before, after`;

export async function insertEntry(tx: Tx, entry: Omit<AuditEntry, 'id' | 'createdAt'>): Promise<void> {
  await tx.query(
    `INSERT INTO audit_log (actor, actor_kind, actor_id, actor_name, merchant_id, ip, action, target_type, target_id, before, after)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [entry.actor, entry.actorKind, entry.actorId, entry.actorName, entry.merchantId, entry.ip, entry.action, entry.targetType, entry.targetId,
      entry.before === null ? null : JSON.stringify(entry.before), entry.after === null ? null : JSON.stringify(entry.after)],
  );
}

/** Newest first, by keyset; every filter is an equality or a time bound. */
export async function listEntries(db: Db, filter: AuditFilter, page: { before?: number | undefined; limit: number }): Promise<{ entries: AuditEntry[]; nextBefore: number | null }> {
  const { rows } = await db.query<AuditEntry>(
    `SELECT ${COLUMNS} FROM audit_log
      WHERE ($1::text IS NULL OR actor = $1) AND ($2::text IS NULL OR action = $2)
        AND ($3::text IS NULL OR target_type = $3) AND ($4::text IS NULL OR target_id = $4)
        AND ($5::bigint IS NULL OR merchant_id = $5)
        AND ($6::timestamptz IS NULL OR created_at >= $6) AND ($7::timestamptz IS NULL OR created_at < $7)
        AND ($8::bigint IS NULL OR id < $8)
      ORDER BY id DESC LIMIT $9`,
    [filter.actor ?? null, filter.action ?? null, filter.targetType ?? null, filter.targetId ?? null, filter.merchantId ?? null,
      filter.from ?? null, filter.to ?? null, page.before ?? null, page.limit + 1],
  );
  const more = rows.length > page.limit;
  const entries = more ? rows.slice(0, page.limit) : rows;
  return { entries, nextBefore: more ? entries.at(-1)!.id : null };
}
