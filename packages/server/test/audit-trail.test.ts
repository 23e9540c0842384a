/**
 * Every state-changing route of the operator API, the console and the cabinet writes exactly one
 * audit row, naming the person or key that called it. The routes are the app's own, so a write
 * route added without a way to call it here (a recipe) fails this test; each is then called for
 * real, on a hub of its own (no other file's rows), and the rows it added are read back.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { startGamesDropSimulator, type GamesDropSimulator } from '@dropgate/simulators';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, registerApis } from '../src/app.ts';
import { operatorBackup } from '../src/operator-api/index.ts';
import { BrowserSession } from './support/browser-session.ts';
import { connect, insertInFlightOrder } from './support/db.ts';
import { call, keysFor, merchantClient, operator, useIsolatedHub } from './support/hub.ts';
import { apiKey, enableTwoFactor, merchantUser, operatorUser, totpCode, type Key, type MerchantPerson, type OperatorPerson } from './support/team.ts';

let upstream: GamesDropSimulator;
beforeAll(async () => {
  upstream = await startGamesDropSimulator({ offers: [
    { offerId: 11, productName: 'Audit upstream', offerName: 'kept', price: 1, currency: 'USD' },
    { offerId: 12, productName: 'Audit upstream', offerName: 'comes and goes', price: 1, currency: 'USD' },
  ] });
});
afterAll(() => upstream?.stop());

const hub = useIsolatedHub();
const op = operator(hub);
let db: pg.Client;

interface Caller {
  label: string;
  send(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}
interface Prepared {
  /** The path after the API's prefix. */
  path: string;
  body?: unknown;
  /** Someone else than the surface's usual caller (own-account routes need a person of their own). */
  as?: Caller;
}
type Recipe = () => Promise<Prepared>;

let key: Key;
let owner: OperatorPerson;
let merchantOwner: MerchantPerson;
let merchant: { merchantId: number; shopId: number; token: string };
let usdOffer: number;

const tag = () => randomBytes(3).toString('hex');
const keyCaller = (k: Key): Caller => ({ label: `key:${k.name}`, send: (method, path, body) => call(`${hub.url}${path}`, { method, bearer: k.token, body }) });
const operatorCaller = (p: OperatorPerson): Caller => ({ label: `operator:${p.email}`, send: (method, path, body) => p.session.call(method, path, body) });
const merchantCaller = (p: MerchantPerson): Caller => ({ label: `merchant-user:${p.id}`, send: (method, path, body) => p.session.call(method, path, body) });

async function completedOrder(): Promise<number> {
  const offer = await op.offer({ price: '1.00', currency: 'USD' }, keysFor('AUDIT', 1));
  const bought = await merchantClient(hub, merchant.token)('/offers/create-order', { offerId: offer.id, price: 1, transactionId: `audit-${tag()}` });
  expect(bought.body.status).toBe('COMPLETED');
  return bought.body.orderId;
}

async function inFlightOrder(): Promise<number> {
  return (await insertInFlightOrder(db, { ...merchant, offerId: usdOffer, transactionId: `review-${tag()}` })).orderId;
}

async function webhookId(): Promise<number> {
  return (await op.ok('POST', `/shops/${merchant.shopId}/webhooks`, { url: 'https://example.com/audit', events: ['order.completed'] })).webhook.id;
}

async function webhookDelivery(): Promise<number> {
  return (await op.ok('POST', `/webhooks/${await webhookId()}/test`)).deliveryId;
}

/** The webhook routes: the same recipes for the operator (any shop) and the cabinet (its own). */
const WEBHOOKS: Record<string, Recipe> = {
  'POST /shops/:id/webhooks': async () => ({ path: `/shops/${merchant.shopId}/webhooks`, body: { url: 'https://example.com/hook', events: ['order.completed'] } }),
  'PATCH /webhooks/:id': async () => ({ path: `/webhooks/${await webhookId()}`, body: { events: ['order.canceled'], includeKeys: true } }),
  'POST /webhooks/:id/rotate-secret': async () => ({ path: `/webhooks/${await webhookId()}/rotate-secret`, body: {} }),
  'POST /webhooks/:id/test': async () => ({ path: `/webhooks/${await webhookId()}/test` }),
  'POST /webhook-deliveries/:id/redeliver': async () => ({ path: `/webhook-deliveries/${await webhookDelivery()}/redeliver` }),
};

async function stockKey(): Promise<number> {
  const offer = await op.offer({ price: '1.00', currency: 'USD' }, keysFor('REVEAL', 1));
  return (await op.ok('GET', `/offers/${offer.id}/keys`)).keys[0].id;
}

/** A GamesDrop supplier whose catalog is the simulator's; held at once by any offer missing. */
async function catalogSupplier(): Promise<number> {
  return (await op.ok('POST', '/suppliers', { kind: 'gamesdrop', name: `Catalog ${tag()}`, url: upstream.url, catalogMaxMissingPercent: 0 })).id;
}

async function syncedTo(supplierId: number, status: string): Promise<{ id: number; supplierId: number }> {
  let sync = await op.ok('POST', `/suppliers/${supplierId}/syncs`);
  while (sync.status === 'running') sync = await op.ok('GET', `/suppliers/${supplierId}/syncs/${sync.id}`);
  expect(sync.status).toBe(status);
  return sync;
}

/** A stored rule of its own (a product's), to change or delete. */
async function pricingRule(): Promise<number> {
  const product = await op.ok('POST', '/products', { name: `Ruled ${tag()}` });
  return (await op.ok('POST', '/pricing-rules', { productId: product.id, marginPercent: '10' })).rule.id;
}

/** A sync held by the guard: offer 12 went missing after a first sync. */
async function heldSync(): Promise<{ id: number; supplierId: number }> {
  const supplierId = await catalogSupplier();
  await syncedTo(supplierId, 'applied');
  upstream.changeOffer(12, { listed: false });
  try {
    return await syncedTo(supplierId, 'held');
  } finally {
    upstream.changeOffer(12, { listed: true });
  }
}

/** Operator routes: the same recipe serves /admin/v1 (an API key) and /console/v1 (an owner's session). */
const OPERATOR: Record<string, Recipe> = {
  'POST /merchants': async () => ({ path: '/merchants', body: { name: `Audit ${tag()}` } }),
  'POST /merchants/:id/deposits': async () => ({ path: `/merchants/${merchant.merchantId}/deposits`, body: { amount: '5.00' } }),
  'POST /shops': async () => ({ path: '/shops', body: { merchantId: merchant.merchantId, name: `shop ${tag()}` } }),
  'POST /shops/:id/rotate-token': async () => {
    const shop = await op.ok('POST', '/shops', { merchantId: merchant.merchantId, name: `spare ${tag()}` });
    return { path: `/shops/${shop.id}/rotate-token` };
  },
  'PUT /shops/:id/limits': async () => {
    const shop = await op.ok('POST', '/shops', { merchantId: merchant.merchantId, name: `limited ${tag()}` });
    return { path: `/shops/${shop.id}/limits`, body: { rateLimit: 500, ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'] } };
  },
  'POST /merchants/:id/users': async () => ({ path: `/merchants/${merchant.merchantId}/users`, body: { email: `staff-${tag()}@audit.example`, role: 'accountant' } }),
  'POST /users/:id/reset-password': async () => ({ path: `/users/${(await merchantUser(hub, merchant.merchantId, 'developer')).id}/reset-password` }),
  'POST /users/:id/reset-two-factor': async () => {
    const user = await merchantUser(hub, merchant.merchantId, 'developer');
    await enableTwoFactor(user.session, 'cabinet', user.password);
    return { path: `/users/${user.id}/reset-two-factor` };
  },
  'PUT /offers/:id': async () => ({ path: `/offers/${randomInt(100_000, 2_000_000_000)}`, body: { productName: 'Audit', offerName: 'one', price: '3.00', currency: 'USD' } }),
  'PUT /offers/:id/commissions/:merchantId': async () => ({ path: `/offers/${usdOffer}/commissions/${merchant.merchantId}`, body: { percent: '7.5' } }),
  'POST /offers/:id/stock': async () => ({ path: `/offers/${usdOffer}/stock`, body: { keys: keysFor('STOCK', 2) } }),
  'PUT /fx/:currency': async () => ({ path: '/fx/EUR', body: { usdPerUnit: '1.09' } }),
  'POST /offers/import': async () => ({
    path: '/offers/import',
    body: { rows: [{ line: 2, fields: { id: String(randomInt(100_000, 2_000_000_000)), productName: 'Imported', offerName: 'one', price: '2.00', currency: 'USD' } }] },
  }),
  'PUT /offers/:id/access/:merchantId': async () => ({ path: `/offers/${usdOffer}/access/${merchant.merchantId}`, body: { allowed: false } }),
  'POST /stock-keys/:id/reveal': async () => ({ path: `/stock-keys/${await stockKey()}/reveal` }),
  'POST /orders/:id/reveal-key': async () => ({ path: `/orders/${await completedOrder()}/reveal-key` }),
  'POST /orders/:id/refund': async () => ({ path: `/orders/${await completedOrder()}/refund`, body: { reason: 'audit test' } }),
  'POST /orders/:id/complete': async () => ({ path: `/orders/${await inFlightOrder()}/complete`, body: { key: `KEY-${tag()}` } }),
  'POST /orders/:id/cancel': async () => ({ path: `/orders/${await inFlightOrder()}/cancel`, body: { reason: 'audit test' } }),
  'POST /suppliers': async () => ({ path: '/suppliers', body: { kind: 'gamesdrop', name: `Upstream ${tag()}`, url: 'http://127.0.0.1:9', token: 'secret-upstream-token' } }),
  'PATCH /suppliers/:id': async () => {
    const supplier = await op.ok('POST', '/suppliers', { kind: 'gamesdrop', name: `Patched ${tag()}`, url: 'http://127.0.0.1:9' });
    return { path: `/suppliers/${supplier.id}`, body: { token: 'a-new-upstream-token', timeoutMs: 2000 } };
  },
  'POST /offers/:id/sources': async () => {
    const supplier = await op.ok('POST', '/suppliers', { kind: 'gamesdrop', name: `Source ${tag()}`, url: 'http://127.0.0.1:9' });
    return { path: `/offers/${usdOffer}/sources`, body: { supplierId: supplier.id, product: 'p-1', cost: '0.50' } };
  },
  'POST /suppliers/:id/syncs': async () => ({ path: `/suppliers/${await catalogSupplier()}/syncs` }),
  'POST /suppliers/:id/syncs/:syncId/confirm': async () => {
    const held = await heldSync();
    return { path: `/suppliers/${held.supplierId}/syncs/${held.id}/confirm` };
  },
  'POST /suppliers/:id/syncs/:syncId/discard': async () => {
    const held = await heldSync();
    return { path: `/suppliers/${held.supplierId}/syncs/${held.id}/discard` };
  },
  'POST /suppliers/:id/catalog/import': async () => {
    const supplierId = await catalogSupplier();
    await syncedTo(supplierId, 'applied');
    return { path: `/suppliers/${supplierId}/catalog/import`, body: { search: 'kept', marginPercent: '10' } };
  },
  'POST /pricing-rules': async () => ({ path: '/pricing-rules', body: { productId: (await op.ok('POST', '/products', { name: `Ruled ${tag()}` })).id, marginPercent: '12' } }),
  'PUT /pricing-rules/:id': async () => ({ path: `/pricing-rules/${await pricingRule()}`, body: { marginPercent: '15', rounding: 'unit' } }),
  'DELETE /pricing-rules/:id': async () => ({ path: `/pricing-rules/${await pricingRule()}` }),
  'PUT /offers/:id/below-cost': async () => {
    const supplierId = await catalogSupplier();
    await syncedTo(supplierId, 'applied');
    const imported = await op.ok('POST', `/suppliers/${supplierId}/catalog/import`, { search: 'kept', marginPercent: '-10' });
    return { path: `/offers/${imported.firstOfferId}/below-cost`, body: { allowed: true } };
  },
  'POST /operators': async () => ({ path: '/operators', body: { email: `invitee-${tag()}@team.example`, role: 'support' } }),
  'PATCH /operators/:id': async () => ({ path: `/operators/${(await op.ok('POST', '/operators', { email: `promoted-${tag()}@team.example`, role: 'viewer' })).id}`, body: { role: 'finance' } }),
  'POST /operators/:id/reset-password': async () => ({ path: `/operators/${(await op.ok('POST', '/operators', { email: `forgot-${tag()}@team.example`, role: 'viewer' })).id}/reset-password` }),
  'POST /operators/:id/reset-two-factor': async () => {
    const person = await operatorUser(hub, 'support');
    await enableTwoFactor(person.session, 'console', person.password);
    return { path: `/operators/${person.id}/reset-two-factor` };
  },
  'PUT /two-factor-policy': async () => ({ path: '/two-factor-policy', body: { requireTwoFactor: false } }),
  'POST /api-keys': async () => ({ path: '/api-keys', body: { name: `made-${tag()}`, role: 'viewer' } }),
  'POST /api-keys/:id/rotate': async () => ({ path: `/api-keys/${(await apiKey(hub, 'viewer')).id}/rotate` }),
  'POST /api-keys/:id/revoke': async () => ({ path: `/api-keys/${(await apiKey(hub, 'viewer')).id}/revoke` }),
  'PUT /offers/:id/servers': async () => ({ path: `/offers/${usdOffer}/servers`, body: { servers: { [`s-${tag()}`]: 'Europe' } } }),
  'POST /products': async () => ({ path: '/products', body: { name: `Audit product ${tag()}`, category: 'Top Up' } }),
  'PUT /products/:id': async () => {
    const product = await op.ok('POST', '/products', { name: `Renamed ${tag()}` });
    return { path: `/products/${product.id}`, body: { name: `Renamed ${tag()}`, regionCode: 'GLB', excludedCountryCodes: ['RU'] } };
  },
  ...WEBHOOKS,
};

/**
 * Write routes whose row is checked in another file, and why. Only a hub on its own embedded
 * database takes a backup; the hubs here share one (theirs answer BACKUP_NOT_AVAILABLE).
 */
const CHECKED_ELSEWHERE: Record<string, string> = {
  'POST /admin/v1/backup': 'faults.test.ts, on a hub with its own embedded database',
};

/** Own-account routes: a person of their own each time (a password change ends their sessions). */
function ownAccount(surface: 'console' | 'cabinet'): Record<string, Recipe> {
  const person = async (): Promise<{ caller: Caller; session: BrowserSession; password: string }> => {
    if (surface === 'console') {
      const p = await operatorUser(hub, 'viewer');
      return { caller: operatorCaller(p), session: p.session, password: p.password };
    }
    const p = await merchantUser(hub, merchant.merchantId, 'accountant');
    return { caller: merchantCaller(p), session: p.session, password: p.password };
  };
  return {
    'POST /session': async () => {
      const email = `signer-${tag()}@example.com`;
      const session = new BrowserSession(hub.url);
      if (surface === 'console') {
        const invited = await op.ok('POST', '/operators', { email, role: 'viewer' });
        return {
          path: '/session', body: { email, password: invited.password },
          as: { label: `operator:${email}`, send: (method, path, body) => session.call(method, path, body) },
        };
      }
      const user = await op.ok('POST', `/merchants/${merchant.merchantId}/users`, { email, role: 'developer' });
      return { path: '/session', body: { email, password: user.password }, as: { label: `merchant-user:${user.id}`, send: (method, path, body) => session.call(method, path, body) } };
    },
    'DELETE /session': async () => ({ path: '/session', as: (await person()).caller }),
    'PUT /password': async () => {
      const p = await person();
      return { path: '/password', body: { currentPassword: p.password, newPassword: `new-password-${tag()}` }, as: p.caller };
    },
    'POST /two-factor/setup': async () => {
      const p = await person();
      return { path: '/two-factor/setup', body: { password: p.password }, as: p.caller };
    },
    'POST /two-factor/enable': async () => {
      const p = await person();
      const setup = await p.session.post(`/${surface}/v1/two-factor/setup`, { password: p.password });
      return { path: '/two-factor/enable', body: { code: totpCode(setup.body.secret) }, as: p.caller };
    },
    'POST /two-factor/disable': async () => {
      const p = await person();
      const { secret } = await enableTwoFactor(p.session, surface, p.password);
      return { path: '/two-factor/disable', body: { code: totpCode(secret) }, as: p.caller };
    },
    'POST /two-factor/recovery-codes': async () => {
      const p = await person();
      const { secret } = await enableTwoFactor(p.session, surface, p.password);
      return { path: '/two-factor/recovery-codes', body: { code: totpCode(secret) }, as: p.caller };
    },
  };
}

const CABINET: Record<string, Recipe> = {
  ...ownAccount('cabinet'),
  'POST /shops': async () => ({ path: '/shops', body: { name: `own shop ${tag()}` } }),
  'POST /shops/:id/rotate-token': async () => ({ path: `/shops/${(await op.ok('POST', '/shops', { merchantId: merchant.merchantId, name: `other ${tag()}` })).id}/rotate-token` }),
  'POST /orders/:id/reveal-key': async () => ({ path: `/orders/${await completedOrder()}/reveal-key` }),
  'POST /users': async () => ({ path: '/users', body: { email: `invited-${tag()}@merchant.example`, role: 'developer' } }),
  'PUT /users/:id/role': async () => ({ path: `/users/${(await merchantUser(hub, merchant.merchantId, 'developer')).id}/role`, body: { role: 'accountant' } }),
  'DELETE /users/:id': async () => ({ path: `/users/${(await merchantUser(hub, merchant.merchantId, 'accountant')).id}` }),
  ...WEBHOOKS,
};

const writeRoutes: string[] = [];

beforeAll(async () => {
  const app = await buildApp();
  app.addHook('onRoute', (route) => {
    if (!['/admin/v1/', '/console/v1/', '/cabinet/v1/'].some((prefix) => route.url.startsWith(prefix))) return;
    for (const method of [route.method].flat()) if (!['GET', 'HEAD', 'OPTIONS'].includes(method)) writeRoutes.push(`${method} ${route.url}`);
  });
  await registerApis(app, hub.running.hub);
  await app.register(operatorBackup, { prefix: '/admin/v1', hub: hub.running.hub, embedded: undefined, secretFingerprint: 'none' });
  await app.ready();
  await app.close();

  db = await connect(hub.database.url);
  key = await apiKey(hub, 'owner');
  owner = await operatorUser(hub, 'owner');
  merchant = await op.merchant(undefined, '1000.00');
  merchantOwner = await merchantUser(hub, merchant.merchantId, 'owner');
  usdOffer = (await op.offer({ price: '1.00', currency: 'USD' }, keysFor('BASE', 3))).id;
}, 120_000);

afterAll(async () => {
  await db?.end();
});

function recipeOf(route: string): { recipe: Recipe | undefined; caller: () => Caller; prefix: string } {
  const [method, url] = route.split(' ') as [string, string];
  const prefix = url.slice(0, url.indexOf('/v1/') + 3);
  const name = `${method} ${url.slice(prefix.length)}`;
  if (prefix === '/admin/v1') return { recipe: OPERATOR[name], caller: () => keyCaller(key), prefix };
  if (prefix === '/console/v1') return { recipe: ownAccount('console')[name] ?? OPERATOR[name], caller: () => operatorCaller(owner), prefix };
  return { recipe: CABINET[name], caller: () => merchantCaller(merchantOwner), prefix };
}

async function lastAuditId(): Promise<number> {
  const { rows } = await db.query<{ id: string | null }>('SELECT max(id) AS id FROM audit_log');
  return Number(rows[0]!.id ?? 0);
}

describe('the audit trail', () => {
  it('every state-changing route has a recipe here', () => {
    expect(writeRoutes.length).toBeGreaterThan(60);
    expect(writeRoutes.filter((route) => !recipeOf(route).recipe && !(route in CHECKED_ELSEWHERE))).toEqual([]);
    expect(Object.keys(CHECKED_ELSEWHERE).filter((route) => !writeRoutes.includes(route))).toEqual([]);
  });

  it('every state-changing route writes exactly one row, naming its caller and their address', async () => {
    const problems: string[] = [];
    for (const route of writeRoutes) {
      const { recipe, caller, prefix } = recipeOf(route);
      if (!recipe) continue;
      const prepared = await recipe();
      const who = prepared.as ?? caller();
      const before = await lastAuditId();
      const answer = await who.send(route.split(' ')[0]!, `${prefix}${prepared.path}`, prepared.body);
      if (answer.status >= 300) {
        problems.push(`${route}: ${answer.status} ${JSON.stringify(answer.body)}`);
        continue;
      }
      const { rows } = await db.query('SELECT actor, ip, action, target_type FROM audit_log WHERE id > $1 ORDER BY id', [before]);
      if (rows.length !== 1) problems.push(`${route}: ${rows.length} rows (${rows.map((r) => r.action).join(', ')})`);
      else if (rows[0].actor !== who.label || !rows[0].ip) problems.push(`${route}: row names ${rows[0].actor} from ${rows[0].ip}, expected ${who.label}`);
    }
    expect(problems).toEqual([]);
  }, 600_000);

  it('is append-only, and never holds a secret', async () => {
    await expect(db.query("UPDATE audit_log SET actor = 'someone else' WHERE id = 1")).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(db.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    const { rows } = await db.query('SELECT before::text AS b, after::text AS a FROM audit_log');
    const text = rows.map((r) => `${r.b} ${r.a}`).join('\n');
    expect(rows.length).toBeGreaterThan(60);
    for (const secret of ['secret-upstream-token', 'a-new-upstream-token', 'dgk_', 'whsec_', merchant.token, 'KEY-', 'new-password-', 'REVEAL-', 'STOCK-']) {
      expect(text, secret).not.toContain(secret);
    }
  });
});

describe('who the trail names', () => {
  it('the bootstrap key is "operator"; a person by their email; a key by its name; every entry filters and exports', async () => {
    await op.rate('RUB', '0.0111');
    const page = await op.ok('GET', '/audit-log?action=fx.set&targetId=RUB&limit=1');
    expect(page.entries).toEqual([expect.objectContaining({
      actor: 'operator', actorKind: 'bootstrap-key', action: 'fx.set', targetType: 'currency', targetId: 'RUB', after: { usdPerUnit: '0.0111' },
    })]);
    const mine = await owner.session.get(`/console/v1/audit-log?actor=${encodeURIComponent(`operator:${owner.email}`)}`);
    expect(mine.status).toBe(200);
    expect(mine.body.entries.length).toBeGreaterThan(0);
    expect(new Set(mine.body.entries.map((e: { actor: string }) => e.actor))).toEqual(new Set([`operator:${owner.email}`]));
    const csv = await call(`${hub.url}/admin/v1/audit-log.csv?action=fx.set`, { bearer: key.token });
    expect(csv.status).toBe(200);
    const lines = String(csv.body).trim().split('\r\n');
    expect(lines[0]).toBe('id,at,actor,actorKind,actorName,merchantId,ip,action,targetType,targetId,before,after');
    expect(lines.slice(1).every((line) => line.includes(',fx.set,currency,'))).toBe(true);
    expect(lines.length).toBeGreaterThan(2);
  });
});
