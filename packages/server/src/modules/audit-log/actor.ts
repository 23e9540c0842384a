/**
 * Who did something: a person or a key, from where. Every state-changing call a person or a key
 * makes passes one explicitly to the module that changes the state, which writes it into the
 * audit trail (and an order event) in the same transaction. There is no ambient "current user".
 */
export type ActorKind = 'bootstrap-key' | 'operator-user' | 'api-key' | 'merchant-user' | 'system';

export interface Actor {
  kind: ActorKind;
  /** The operator user's, API key's or merchant user's id; null for the bootstrap key and the system. */
  id: number | null;
  /**
   * How the trail and order events name them: `operator` (the bootstrap key), `operator:<email>`,
   * `key:<name>`, `merchant-user:<id>`, `system`.
   */
  label: string;
  /** Their email, the key's name, or what the system was doing. */
  name: string;
  /** A merchant user's merchant. */
  merchantId: number | null;
  /** The client address of the request; null for the system. */
  ip: string | null;
}

/** The label of the bootstrap key: the deployment's operator token (DROPGATE_ADMIN_TOKEN). */
export const BOOTSTRAP_LABEL = 'operator';

export function bootstrapActor(ip: string | null): Actor {
  return { kind: 'bootstrap-key', id: null, label: BOOTSTRAP_LABEL, name: 'bootstrap key', merchantId: null, ip };
}

export function operatorUserActor(user: { id: number; email: string }, ip: string | null): Actor {
  return { kind: 'operator-user', id: user.id, label: `operator:${user.email}`, name: user.email, merchantId: null, ip };
}

export function apiKeyActor(key: { id: number; name: string }, ip: string | null): Actor {
  return { kind: 'api-key', id: key.id, label: `key:${key.name}`, name: key.name, merchantId: null, ip };
}

export function merchantUserActor(user: { id: number; email: string; merchantId: number }, ip: string | null): Actor {
  return { kind: 'merchant-user', id: user.id, label: `merchant-user:${user.id}`, name: user.email, merchantId: user.merchantId, ip };
}

/** The hub itself acting for no one (demo data at first start, say): recorded as `system`. */
export function systemActor(doing: string): Actor {
  return { kind: 'system', id: null, label: 'system', name: doing, merchantId: null, ip: null };
}
