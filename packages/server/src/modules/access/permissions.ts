/**
 * Who may do what: the staff roles, and the one table of permissions that every back-office route
 * names (its `config.access`). A route admits the roles of its permission and no one else;
 * `assertPermissionTable` checks the table at boot, and every API refuses to register a route
 * that names none (src/access-control). docs/operators.md shows the same table, and a test keeps
 * the two equal.
 */
import { assert } from '../../platform/errors.ts';

export const OPERATOR_ROLES = ['owner', 'admin', 'finance', 'support', 'viewer'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

export const MERCHANT_ROLES = ['owner', 'developer', 'accountant'] as const;
export type MerchantRole = (typeof MERCHANT_ROLES)[number];

const EVERY_OPERATOR = OPERATOR_ROLES;

/**
 * The operator side (/admin/v1 and the console). `self` is a person's own account (their session,
 * password, two-factor): every role, and the only thing a person may do before enrolling in
 * two-factor when the owner requires it.
 */
export const OPERATOR_PERMISSIONS = {
  read: { roles: EVERY_OPERATOR, writes: false, what: 'dashboard, merchants, catalog, stock levels, orders, FX rates, suppliers, Telegram Stars' },
  self: { roles: EVERY_OPERATOR, writes: true, what: 'their own session, password and two-factor sign-in' },
  review: { roles: ['owner', 'admin', 'support'], writes: true, what: 'manual review: complete an order with its key, or cancel it (the hold goes back)' },
  refunds: { roles: ['owner', 'admin', 'finance'], writes: true, what: 'refund a completed order' },
  deposits: { roles: ['owner', 'admin', 'finance'], writes: true, what: "credit a merchant's balance" },
  fx: { roles: ['owner', 'admin', 'finance'], writes: true, what: 'set FX rates' },
  reports: { roles: ['owner', 'admin', 'finance'], writes: false, what: 'the ledger and order invariant audit, margins per supplier, product and day' },
  catalog: { roles: ['owner', 'admin'], writes: true, what: 'products, offers, prices, commissions, offer access, game servers, CSV import, key stock, offer sources, pricing rules and below cost' },
  suppliers: { roles: ['owner', 'admin'], writes: true, what: 'add and change upstream suppliers, sync their catalogs, confirm or discard a held sync' },
  merchants: { roles: ['owner', 'admin'], writes: true, what: 'create merchants and shops, rotate shop tokens, shop rate limits and IP allowlists, shops\' webhooks, merchant users' },
  'key-reveals': { roles: ['owner', 'admin'], writes: true, what: 'show a stock key or an order\'s key in clear' },
  'audit-trail': { roles: ['owner', 'admin'], writes: false, what: 'the audit trail and the key-reveal log' },
  team: { roles: ['owner'], writes: true, what: 'operator accounts and roles, API keys, the two-factor requirement' },
  backup: { roles: ['owner'], writes: true, what: 'an online backup of the embedded database: every table, the team and the trail included' },
} as const satisfies Record<string, PermissionRule<OperatorRole>>;
export type OperatorPermission = keyof typeof OPERATOR_PERMISSIONS;

/** The merchant cabinet (/cabinet/v1): one merchant's staff. */
export const MERCHANT_PERMISSIONS = {
  'merchant.read': { roles: MERCHANT_ROLES, writes: false, what: 'balance and shops, orders' },
  'merchant.self': { roles: MERCHANT_ROLES, writes: true, what: 'their own session, password and two-factor sign-in' },
  'merchant.integration': { roles: ['owner', 'developer'], writes: true, what: 'shop tokens (rotate), webhooks, order keys' },
  'merchant.money': { roles: ['owner', 'accountant'], writes: false, what: 'transactions and their CSV export' },
  'merchant.shops': { roles: ['owner'], writes: true, what: 'create shops' },
  'merchant.staff': { roles: ['owner'], writes: true, what: 'invite staff, change their roles, remove them' },
} as const satisfies Record<string, PermissionRule<MerchantRole>>;
export type MerchantPermission = keyof typeof MERCHANT_PERMISSIONS;

/** Routes anyone may call: the sign-ins, which are how one gets a session at all. */
export const PUBLIC = 'public';

export type Permission = OperatorPermission | MerchantPermission | typeof PUBLIC;

interface PermissionRule<Role extends string> {
  roles: readonly Role[];
  /** Whether routes of this permission may change state (GET-only permissions say false). */
  writes: boolean;
  what: string;
}

export function isOperatorPermission(name: string): name is OperatorPermission {
  return Object.hasOwn(OPERATOR_PERMISSIONS, name);
}

export function isMerchantPermission(name: string): name is MerchantPermission {
  return Object.hasOwn(MERCHANT_PERMISSIONS, name);
}

export function operatorMay(role: OperatorRole, permission: OperatorPermission): boolean {
  return (OPERATOR_PERMISSIONS[permission].roles as readonly string[]).includes(role);
}

export function merchantMay(role: MerchantRole, permission: MerchantPermission): boolean {
  return (MERCHANT_PERMISSIONS[permission].roles as readonly string[]).includes(role);
}

/** The permissions a role holds (the session tells the pages, which show only what may be used). */
export function operatorPermissionsOf(role: OperatorRole): OperatorPermission[] {
  return (Object.keys(OPERATOR_PERMISSIONS) as OperatorPermission[]).filter((p) => operatorMay(role, p));
}

export function merchantPermissionsOf(role: MerchantRole): MerchantPermission[] {
  return (Object.keys(MERCHANT_PERMISSIONS) as MerchantPermission[]).filter((p) => merchantMay(role, p));
}

/**
 * The table's own rules, checked at boot: every role named exists, the owner holds every
 * permission (someone must be able to do everything), and the viewer holds no permission that
 * changes anything but their own account.
 */
export function assertPermissionTable(): void {
  const tables: Array<[Record<string, PermissionRule<string>>, readonly string[], string | undefined]> = [
    [OPERATOR_PERMISSIONS, OPERATOR_ROLES, 'viewer'],
    [MERCHANT_PERMISSIONS, MERCHANT_ROLES, undefined],
  ];
  for (const [table, roles, readOnlyRole] of tables) {
    for (const [name, rule] of Object.entries(table)) {
      for (const role of rule.roles) assert(roles.includes(role), `permission ${name} names an unknown role ${role}`);
      assert(rule.roles.includes('owner'), `permission ${name} must admit the owner`);
      const own = name === 'self' || name === 'merchant.self';
      if (readOnlyRole && rule.writes && !own) assert(!rule.roles.includes(readOnlyRole), `permission ${name} changes state: the ${readOnlyRole} may not hold it`);
    }
  }
}
