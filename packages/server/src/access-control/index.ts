/**
 * The HTTP side of access: every back-office route declares the permission it needs
 * (`config: { access: '<permission>' }`, one word, next to its schema), the APIs refuse at
 * registration a route that declares none (so the hub does not start with one), and each
 * request's principal is held to its route's permission before its input is even validated.
 */
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import {
  actorOf as actorOfPrincipal, isMerchantPermission, isOperatorPermission, MERCHANT_PERMISSIONS, merchantMay, OPERATOR_PERMISSIONS, operatorMay, PUBLIC,
  type Permission, type Principal,
} from '../modules/access/index.ts';
import type { Actor } from '../modules/audit-log/index.ts';
import { AppError } from '../platform/errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route: a permission of modules/access/permissions.ts, or 'public'. */
    access?: Permission;
  }
  interface FastifyRequest {
    /** Who is calling; set by the API's authentication before the route's permission is checked. */
    principal: Principal | null;
  }
}

/** Which table a mount's routes name: the operator's (/admin/v1, /console/v1) or the merchant cabinet's. */
export type Surface = 'operator' | 'merchant';

const READS = new Set(['GET', 'HEAD']);

/**
 * Installs, on an API's plugin, the check that each route it registers declares a permission of
 * its surface's table, and that a route that changes state names a permission that may.
 */
export function requireDeclaredAccess(app: FastifyInstance, surface: Surface): void {
  if (!app.hasRequestDecorator('principal')) app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    const problem = undeclared(route, surface);
    if (problem) throw new Error(`${[route.method].flat().join(',')} ${route.url}: ${problem} (see docs/operators.md)`);
  });
}

function undeclared(route: RouteOptions, surface: Surface): string | undefined {
  const access = (route.config as { access?: string } | undefined)?.access;
  if (access === undefined) return 'declares no access rule: add config: { access: <permission> }';
  if (access === PUBLIC) return undefined;
  const known = surface === 'operator' ? isOperatorPermission(access) : isMerchantPermission(access);
  if (!known) return `"${access}" is not a permission of the ${surface} table`;
  const writes = [route.method].flat().some((method) => !READS.has(method));
  const rule = surface === 'operator' ? OPERATOR_PERMISSIONS[access as keyof typeof OPERATOR_PERMISSIONS] : MERCHANT_PERMISSIONS[access as keyof typeof MERCHANT_PERMISSIONS];
  if (writes && !rule.writes) return `changes state, but "${access}" is a read-only permission`;
  return undefined;
}

/**
 * Holds the request's principal to its route's permission: 403 FORBIDDEN when the role may not,
 * and, when the owner requires two-factor and this person has none yet, 403
 * TWO_FACTOR_SETUP_REQUIRED for everything but their own account.
 */
export function authorize(request: FastifyRequest, principal: Principal): void {
  request.principal = principal;
  const access = request.routeOptions.config.access;
  if (access === undefined) throw new AppError('FORBIDDEN', 'This route declares no access rule');
  if (access === PUBLIC) return;
  if (!mayUse(principal, access)) throw new AppError('FORBIDDEN', `Your role (${principal.role}) may not do this: it needs "${access}" (docs/operators.md)`);
  if (principal.kind === 'operator-user' && principal.mustEnrollTwoFactor && access !== 'self') {
    throw new AppError('TWO_FACTOR_SETUP_REQUIRED', 'Your team requires two-factor sign-in: set it up on your account page first');
  }
}

function mayUse(principal: Principal, access: Exclude<Permission, typeof PUBLIC>): boolean {
  if (principal.kind === 'merchant-user') return isMerchantPermission(access) && merchantMay(principal.role, access);
  return isOperatorPermission(access) && operatorMay(principal.role, access);
}

/** The caller of a route behind authentication. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('SESSION_REQUIRED', 'Sign in first');
  return request.principal;
}

/** The caller as the audit trail and order events name them, from this request's address. */
export function actorOf(request: FastifyRequest): Actor {
  return actorOfPrincipal(principalOf(request), request.ip);
}
