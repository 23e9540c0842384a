/**
 * Who is calling, as authentication found them: the bootstrap key, an API key, an operator user
 * or a merchant user, with the role that decides what they may do (permissions.ts).
 */
import { apiKeyActor, bootstrapActor, merchantUserActor, operatorUserActor, type Actor } from '../audit-log/index.ts';
import type { MerchantRole, OperatorRole } from './permissions.ts';

export type Principal =
  | { kind: 'bootstrap-key'; role: 'owner' }
  | { kind: 'api-key'; id: number; name: string; role: OperatorRole }
  | {
    kind: 'operator-user'; id: number; email: string; role: OperatorRole; twoFactor: boolean;
    /** The owner requires two-factor and this person has not set it up: only their own account until they do. */
    mustEnrollTwoFactor: boolean;
  }
  | { kind: 'merchant-user'; id: number; email: string; merchantId: number; role: MerchantRole; twoFactor: boolean };

/** A person (not a key): the one who has a password and may have two-factor sign-in. */
export interface Person {
  kind: 'operator' | 'merchant';
  id: number;
}

export function personOf(principal: Principal): Person | undefined {
  if (principal.kind === 'operator-user') return { kind: 'operator', id: principal.id };
  if (principal.kind === 'merchant-user') return { kind: 'merchant', id: principal.id };
  return undefined;
}

/** The principal as the audit trail and order events name it, from this request's address. */
export function actorOf(principal: Principal, ip: string | null): Actor {
  switch (principal.kind) {
    case 'bootstrap-key':
      return bootstrapActor(ip);
    case 'api-key':
      return apiKeyActor(principal, ip);
    case 'operator-user':
      return operatorUserActor(principal, ip);
    case 'merchant-user':
      return merchantUserActor(principal, ip);
  }
}
