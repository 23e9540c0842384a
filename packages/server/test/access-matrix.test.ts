/**
 * Who may call what, route by route and role by role, over real HTTP. The routes are the app's
 * own (read with an onRoute hook, as api-schemas.test.ts does), so a route added without a
 * declared permission fails here, and so does one whose permission the guard does not enforce.
 * Each route is called by every role of its surface with input that cannot pass validation (id 0,
 * an unknown field), so an admitted call stops at 400 and a refused one at 403 FORBIDDEN: nothing
 * changes. The rules for the roles are then checked on the matrix itself.
 */
import { readFile } from 'node:fs/promises';
import Fastify, { type RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, registerApis } from '../src/app.ts';
import { requireDeclaredAccess } from '../src/access-control/index.ts';
import { MERCHANT_PERMISSIONS, OPERATOR_PERMISSIONS } from '../src/modules/access/index.ts';
import { operatorBackup } from '../src/operator-api/index.ts';
import { BrowserSession } from './support/browser-session.ts';
import { ADMIN_TOKEN, call, operator, useTestHub } from './support/hub.ts';
import { apiKey, MERCHANT_ROLES, merchantUser, OPERATOR_ROLES, operatorUser, type Key } from './support/team.ts';

const hub = useTestHub();
const op = operator(hub);

interface Route {
  method: string;
  url: string;
  access: string | undefined;
  hasBody: boolean;
}

const routes: Route[] = [];
const PREFIXES = ['/admin/v1/', '/console/v1/', '/cabinet/v1/'];

/** What each caller of a surface is; the bootstrap key is the owner. */
type Caller = { role: string; send(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> };
const admin: Caller[] = [];
const consoleCallers: Caller[] = [];
const cabinetCallers: Caller[] = [];

function sessionCaller(role: string, session: BrowserSession): Caller {
  return { role, send: (method, path, body) => session.call(method, path, body) };
}

beforeAll(async () => {
  const app = await buildApp();
  app.addHook('onRoute', (route) => {
    if (!PREFIXES.some((prefix) => route.url.startsWith(prefix))) return;
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      routes.push({ method, url: route.url, access: (route.config as { access?: string } | undefined)?.access, hasBody: route.schema?.body !== undefined });
    }
  });
  await registerApis(app, hub.running.hub);
  // Start-up mounts the backup beside the APIs (it needs the database's folders): so does this.
  await app.register(operatorBackup, { prefix: '/admin/v1', hub: hub.running.hub, embedded: undefined, secretFingerprint: 'none' });
  await app.ready();
  await app.close();

  admin.push({ role: 'owner', send: (method, path, body) => call(`${hub.url}${path}`, { method, bearer: ADMIN_TOKEN, body }) });
  const keys: Key[] = await Promise.all(OPERATOR_ROLES.map((role) => apiKey(hub, role)));
  for (const key of keys) admin.push({ role: key.role, send: (method, path, body) => call(`${hub.url}${path}`, { method, bearer: key.token, body }) });
  for (const role of OPERATOR_ROLES) consoleCallers.push(sessionCaller(role, (await operatorUser(hub, role)).session));
  const { merchantId } = await op.merchant();
  for (const role of MERCHANT_ROLES) cabinetCallers.push(sessionCaller(role, (await merchantUser(hub, merchantId, role)).session));
}, 120_000);

afterAll(() => undefined);

function tableOf(url: string): Record<string, { roles: readonly string[] }> {
  return url.startsWith('/cabinet/') ? MERCHANT_PERMISSIONS : OPERATOR_PERMISSIONS;
}

/** A call that no route can act on: ids 0 (below every id schema), an unknown query field or body field. */
function probe(route: Route): { path: string; body: unknown } {
  const path = route.url.replace(/:[A-Za-z]+/g, '0');
  const hasBody = route.method === 'POST' || route.method === 'PUT' || route.method === 'PATCH';
  return { path: route.method !== 'GET' || path.includes('/0') ? path : `${path}?probe=1`, body: hasBody ? { probe: true } : undefined };
}

/** Sign-out ends the caller's session, so it is called last. */
const SIGN_OUT = 'DELETE';
const isSignOut = (route: Route) => route.method === SIGN_OUT && route.url.endsWith('/session');

type Verdict = 'allow' | 'deny';
const matrix = new Map<string, Map<string, Verdict>>();

async function runMatrix(): Promise<string[]> {
  const problems: string[] = [];
  const ordered = [...routes].sort((a, b) => Number(isSignOut(a)) - Number(isSignOut(b)));
  for (const route of ordered) {
    if (route.access === 'public' || route.access === undefined) continue;
    const callers = route.url.startsWith('/admin/') ? admin : route.url.startsWith('/console/') ? consoleCallers : cabinetCallers;
    const rule = tableOf(route.url)[route.access];
    const name = `${route.method} ${route.url}`;
    const row = new Map<string, Verdict>();
    for (const caller of callers) {
      const { path, body } = probe(route);
      const answer = await caller.send(route.method, path, body).catch((error: Error) => ({ status: 0, body: { error: { code: error.message } } }));
      const refused = answer.status === 403 && answer.body?.error?.code === 'FORBIDDEN';
      const expected: Verdict = rule?.roles.includes(caller.role) ? 'allow' : 'deny';
      const verdict: Verdict = refused ? 'deny' : 'allow';
      if (answer.status === 401) problems.push(`${name} as ${caller.role}: 401 ${answer.body?.error?.code}`);
      if (verdict !== expected) problems.push(`${name} as ${caller.role}: expected ${expected}, got ${answer.status} ${answer.body?.error?.code ?? ''}`);
      // An admitted probe must stop at validation: it is there to change nothing.
      if (verdict === 'allow' && route.method !== 'GET' && !isSignOut(route) && answer.status !== 400) {
        problems.push(`${name} as ${caller.role}: the probe was not refused as bad input (${answer.status})`);
      }
      row.set(caller.role, verdict);
    }
    matrix.set(name, row);
  }
  return problems;
}

describe('every back-office route x every role', () => {
  it('finds the routes of the three APIs, each with a declared permission of its surface', () => {
    expect(routes.length).toBeGreaterThan(100);
    const undeclared = routes.filter((r) => r.access === undefined || (r.access !== 'public' && !(r.access in tableOf(r.url))));
    expect(undeclared.map((r) => `${r.method} ${r.url}`)).toEqual([]);
    // Only the sign-ins are open to anyone: they are how a session is made at all.
    expect(routes.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.url}`).sort()).toEqual(['POST /cabinet/v1/session', 'POST /console/v1/session']);
  });

  it('every role is admitted exactly where its permission says, and refused with 403 FORBIDDEN elsewhere', async () => {
    expect(await runMatrix()).toEqual([]);
    expect(matrix.size).toBe(routes.filter((r) => r.access !== 'public').length);
  }, 300_000);

  const allowed = (name: string, role: string) => {
    const row = matrix.get(name);
    if (!row) throw new Error(`no route ${name}`);
    return row.get(role) === 'allow';
  };
  const writes = () => [...matrix.keys()].filter((name) => !name.startsWith('GET '));
  const ownAccount = (name: string) => /\/(session|password|two-factor[^ ]*)$/.test(name);

  it('support reviews orders but moves no money and reveals no key', () => {
    for (const prefix of ['/admin/v1', '/console/v1']) {
      expect(allowed(`POST ${prefix}/orders/:id/complete`, 'support')).toBe(true);
      expect(allowed(`POST ${prefix}/orders/:id/cancel`, 'support')).toBe(true);
      expect(allowed(`GET ${prefix}/orders/:id`, 'support')).toBe(true);
      for (const money of ['POST /orders/:id/refund', 'POST /merchants/:id/deposits', 'PUT /fx/:currency', 'POST /orders/:id/reveal-key', 'POST /stock-keys/:id/reveal']) {
        const [method, path] = money.split(' ');
        expect(allowed(`${method} ${prefix}${path}`, 'support'), money).toBe(false);
      }
    }
  });

  it('finance: deposits, refunds, FX and reports; not the catalog, keys or the team', () => {
    for (const name of ['POST /admin/v1/merchants/:id/deposits', 'POST /admin/v1/orders/:id/refund', 'PUT /admin/v1/fx/:currency', 'GET /admin/v1/audit', 'GET /admin/v1/balances']) {
      expect(allowed(name, 'finance'), name).toBe(true);
    }
    for (const name of ['PUT /admin/v1/offers/:id', 'POST /admin/v1/offers/:id/stock', 'POST /admin/v1/stock-keys/:id/reveal', 'POST /admin/v1/operators', 'POST /admin/v1/api-keys']) {
      expect(allowed(name, 'finance'), name).toBe(false);
    }
  });

  it('the viewer changes nothing but their own account', () => {
    const changes = writes().filter((name) => allowed(name, 'viewer') && !ownAccount(name));
    expect(changes).toEqual([]);
    expect(allowed('GET /console/v1/orders', 'viewer')).toBe(true);
  });

  it('only owners manage the team and API keys, and take backups; admins run everything else', () => {
    const teamRoutes = [...matrix.keys()].filter((name) => /\/(operators|api-keys|two-factor-policy)/.test(name));
    expect(teamRoutes.length).toBeGreaterThanOrEqual(2 * 10);
    const ownerOnly = [...teamRoutes, 'POST /admin/v1/backup'];
    for (const name of ownerOnly) for (const role of OPERATOR_ROLES) expect(allowed(name, role), `${name} as ${role}`).toBe(role === 'owner');
    const operatorWrites = writes().filter((name) => !name.includes('/cabinet/') && !ownerOnly.includes(name));
    expect(operatorWrites.filter((name) => !allowed(name, 'admin'))).toEqual([]);
  });

  it('merchant staff: developers hold tokens and keys, accountants the money, owners the staff and shops', () => {
    expect(allowed('POST /cabinet/v1/shops/:id/rotate-token', 'developer')).toBe(true);
    expect(allowed('POST /cabinet/v1/orders/:id/reveal-key', 'developer')).toBe(true);
    expect(allowed('GET /cabinet/v1/transactions', 'developer')).toBe(false);
    expect(allowed('GET /cabinet/v1/transactions.csv', 'accountant')).toBe(true);
    expect(allowed('POST /cabinet/v1/shops/:id/rotate-token', 'accountant')).toBe(false);
    for (const name of ['POST /cabinet/v1/users', 'PUT /cabinet/v1/users/:id/role', 'DELETE /cabinet/v1/users/:id', 'POST /cabinet/v1/shops']) {
      expect(MERCHANT_ROLES.filter((role) => allowed(name, role)), name).toEqual(['owner']);
    }
    for (const role of MERCHANT_ROLES) expect(allowed('GET /cabinet/v1/overview', role)).toBe(true);
  });
});

describe('a route without a rule', () => {
  it('cannot be registered: the API refuses it, so no hub starts with it', async () => {
    const app = Fastify();
    void app.register(async (api) => {
      requireDeclaredAccess(api, 'operator');
      api.get('/declared', { config: { access: 'read' } }, async () => 'ok');
      api.post('/undeclared', async () => 'ok');
    });
    await expect(app.ready()).rejects.toThrow(/POST \/undeclared: declares no access rule/);
  });

  it('nor can one that writes under a read-only permission, or names the other surface\'s', async () => {
    for (const [surface, method, access, message] of [
      ['operator', 'POST', 'reports', /read-only permission/],
      ['merchant', 'GET', 'catalog', /not a permission of the merchant table/],
    ] as const) {
      const app = Fastify();
      void app.register(async (api) => {
        requireDeclaredAccess(api, surface);
        api.route({ method, url: '/x', config: { access }, handler: async () => 'ok' });
      });
      await expect(app.ready()).rejects.toThrow(message);
    }
  });
});

describe('docs/operators.md', () => {
  it('shows the permission table the hub enforces', async () => {
    const text = await readFile(new URL('../../../docs/operators.md', import.meta.url), 'utf8');
    const documented: Record<string, string[]> = {};
    for (const [, name, cells] of text.matchAll(/^\| `([a-z.-]+)` \|((?: [✓·] \|)+)/gm)) {
      const marks = cells!.split('|').map((c) => c.trim()).filter(Boolean);
      const roles = name!.startsWith('merchant.') ? MERCHANT_ROLES : OPERATOR_ROLES;
      documented[name!] = roles.filter((_, i) => marks[i] === '✓');
    }
    const enforced = Object.fromEntries(
      [...Object.entries(OPERATOR_PERMISSIONS), ...Object.entries(MERCHANT_PERMISSIONS)].map(([name, rule]) => [name, [...rule.roles]]),
    );
    expect(documented).toEqual(enforced);
  });
});
