/** The operator team and the audit trail to the operator API's shapes (@dropgate/contract's team.ts). */
import type { ApiKey as ApiKeyOut, AuditLogEntry, OperatorUser as OperatorUserOut } from '@dropgate/contract';
import type { ApiKey, OperatorUser } from '../modules/access/index.ts';
import type { AuditEntry } from '../modules/audit-log/index.ts';

export function operatorOut(user: OperatorUser): OperatorUserOut {
  return {
    id: user.id, email: user.email, role: user.role, twoFactor: user.twoFactor, disabled: user.disabled, invitedBy: user.invitedBy,
    passwordSetAt: user.passwordSetAt.toISOString(), createdAt: user.createdAt.toISOString(),
  };
}

export function apiKeyOut(key: ApiKey): ApiKeyOut {
  return {
    id: key.id, name: key.name, role: key.role, createdBy: key.createdBy, createdAt: key.createdAt.toISOString(), rotatedAt: key.rotatedAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null, lastUsedIp: key.lastUsedIp, revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

export function auditEntryOut(entry: AuditEntry): AuditLogEntry {
  return {
    id: entry.id, at: entry.createdAt.toISOString(), actor: entry.actor, actorKind: entry.actorKind, actorName: entry.actorName, merchantId: entry.merchantId,
    ip: entry.ip, action: entry.action, targetType: entry.targetType, targetId: entry.targetId,
    before: entry.before as AuditLogEntry['before'], after: entry.after as AuditLogEntry['after'],
  };
}
