/**
 * The audit trail: one append-only row for every state-changing action of a person or a key
 * (who, when, from which address, what, and the state before and after it). Modules write it with
 * `recordAudit` inside the transaction of the change itself, so a change without its row cannot
 * commit, and a row without its change cannot either. Secrets never enter it: `recordAudit`
 * refuses a snapshot that carries one (see `SECRET_FIELDS`).
 */
import type pg from 'pg';
import { inTransaction, type Tx } from '../../platform/db/index.ts';
import { assert } from '../../platform/errors.ts';
import type { Actor } from './actor.ts';
import * as repo from './repository.ts';

export type { AuditEntry, AuditFilter } from './repository.ts';
export { apiKeyActor, bootstrapActor, BOOTSTRAP_LABEL, merchantUserActor, operatorUserActor, systemActor, type Actor, type ActorKind } from './actor.ts';

/** What one action changed. `before` is null for something new, `after` for something gone. */
export interface Change {
  /** `<what>.<verb>`: `offer.upsert`, `merchant.deposit`, `order.refund`, `api-key.rotate`, … */
  action: string;
  target: { type: string; id: string | number | null };
  before?: Snapshot | null;
  after?: Snapshot | null;
}

type Snapshot = Record<string, unknown>;

/**
 * Field names that hold secrets. A snapshot may name them only to say a secret changed, with
 * `SECRET_CHANGED` (or a boolean such as "has a token"), never with the value.
 */
const SECRET_FIELDS = new Set(['token', 'password', 'passwordHash', 'secret', 'key', 'keys', 'code', 'codes', 'recoveryCodes', 'tokenHash']);
export const SECRET_CHANGED = 'changed (never recorded)';

/** Writes the action's row in the caller's transaction. */
export async function recordAudit(tx: Tx, actor: Actor, change: Change): Promise<void> {
  for (const snapshot of [change.before, change.after]) if (snapshot) assertNoSecret(snapshot, change.action);
  await repo.insertEntry(tx, {
    actor: actor.label,
    actorKind: actor.kind,
    actorId: actor.id,
    actorName: actor.name,
    merchantId: actor.merchantId,
    ip: actor.ip,
    action: change.action,
    targetType: change.target.type,
    targetId: change.target.id === null ? null : String(change.target.id),
    before: change.before ?? null,
    after: change.after ?? null,
  });
}

function assertNoSecret(value: unknown, action: string): void {
  if (Array.isArray(value)) return value.forEach((item) => assertNoSecret(item, action));
  if (typeof value !== 'object' || value === null) return;
  for (const [field, inner] of Object.entries(value)) {
    if (SECRET_FIELDS.has(field)) assert(inner === SECRET_CHANGED || typeof inner === 'boolean' || inner === null, `${action}: the audit trail never records ${field}`);
    else assertNoSecret(inner, action);
  }
}

/** The trail as the operator reads it, bound to its database. */
export class AuditLog {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /**
   * The row of an action that changes no table but must be accounted for (an online backup reads
   * the whole database out), in a transaction of its own.
   */
  record(actor: Actor, change: Change): Promise<void> {
    return inTransaction(this.#pool, (tx) => recordAudit(tx, actor, change));
  }

  /** One page, newest first (keyset). */
  list(filter: repo.AuditFilter, page: { before?: number | undefined; limit: number }): Promise<{ entries: repo.AuditEntry[]; nextBefore: number | null }> {
    return repo.listEntries(this.#pool, filter, page);
  }
}
