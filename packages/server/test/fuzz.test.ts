/**
 * 10,000 malformed requests over every route of every API (Partner API, CodeGames, user-info,
 * operator API, console, cabinet), read from the app itself: wrong methods, garbage path and
 * query values (bad escapes, NUL, huge numbers), bodies of random shapes and types, broken JSON,
 * wrong content types, bad or missing credentials. With the database up, none may answer ≥ 500,
 * every answer must be in the shape of its protocol, and the books must stay clean.
 * Deterministic: a seeded generator, so a failure names a request that can be replayed.
 */
import type { RouteOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { buildApp, registerApis } from '../src/app.ts';
import { BrowserSession } from './support/browser-session.ts';
import { ADMIN_TOKEN, keysFor, merchantClient, operator, useIsolatedHub } from './support/hub.ts';

const REQUESTS = 10_000;
const CONCURRENCY = 16;

const hub = useIsolatedHub();
const op = operator(hub);

/** A small seeded generator (mulberry32): the same seed, the same 10,000 requests. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}

const STRINGS = ['', ' ', 'a', '999', '-1', '0', '1e309', 'null', 'true', '\u0000', 'x\u0000y', '\ud800', '%ff', '%00', '../../etc/passwd',
  '<script>', "'; DROP TABLE orders; --", 'ü'.repeat(70), 'a'.repeat(300), 'telegram_stars_abc', 'telegram_stars_99999', '@user', '\n', '{"a":1}'];
const NUMBERS = [0, -1, 1, 999, 1.5, 23.09, 23.091, 1e21, -1e21, 2 ** 53, 2 ** 63, Number.MAX_SAFE_INTEGER, 0.000001, 560.1];
const PATH_VALUES = ['1', '0', '-1', 'abc', '%ff', '%00', '99999999999999999999', '1.5', '%2e%2e', 'ü', 'a'.repeat(600), String(2 ** 53)];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

type Rng = ReturnType<typeof generator>;

/** A query value on the wire; a lone surrogate has no UTF-8, so it goes as the bytes an encoder of surrogates would send. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}

function value(rng: Rng, depth: number): unknown {
  switch (rng.int(depth > 2 ? 4 : 7)) {
    case 0: return rng.pick(STRINGS);
    case 1: return rng.pick(NUMBERS);
    case 2: return rng.pick([true, false, null]);
    case 3: return rng.pick([...STRINGS, ...NUMBERS]);
    case 4: return Array.from({ length: rng.int(4) }, () => value(rng, depth + 1));
    default: return object(rng, [], depth + 1);
  }
}

/** An object with the route's own field names (and some unknown ones), each of a random type. */
function object(rng: Rng, fields: string[], depth: number): Record<string, unknown> {
  const names = [...fields, 'offerId', 'customer', 'extra', 'txn_id', 'price'];
  const result: Record<string, unknown> = {};
  for (let i = rng.int(5); i >= 0; i--) result[rng.pick(names)] = value(rng, depth);
  return result;
}

interface Route { method: string; url: string; fields: string[] }

async function routesOfApp(): Promise<Route[]> {
  const seen: RouteOptions[] = [];
  const app = await buildApp();
  app.addHook('onRoute', (route) => void seen.push(route));
  await registerApis(app, hub.running.hub);
  await app.ready();
  await app.close();
  return seen
    .filter((r) => /^\/(api|admin|console|cabinet)\//.test(r.url))
    // Calls that would take the fuzzer's own credentials away (and leave the rest to 401s).
    // (sign-in and sign-out: with a random method, a call of /session could sign the fuzzer out).
    .filter((r) => !/rotate-token|password|\/session$/.test(r.url))
    .flatMap((r) => [r.method].flat().filter((m) => m !== 'HEAD').map((method) => ({
      method, url: r.url, fields: Object.keys(((r.schema?.body ?? {}) as { properties?: object }).properties ?? {}),
    })));
}

describe('fuzz', () => {
  it(`${REQUESTS} malformed requests over every endpoint: nothing ≥ 500, nothing in a foreign shape, the audit clean`, async () => {
    const routes = await routesOfApp();
    expect(routes.length).toBeGreaterThan(50);
    for (const prefix of ['/api/v1/', '/api/codegames/', '/api/aggregator/', '/admin/v1/', '/console/v1/', '/cabinet/v1/']) {
      expect(routes.some((r) => r.url.startsWith(prefix)), prefix).toBe(true);
    }
    const shop = await op.merchant(undefined, '50.00');
    await op.offer({ price: '1.00', currency: 'USD' }, keysFor('fuzz', 20));
    const user = await op.ok('POST', `/merchants/${shop.merchantId}/users`, { email: `fuzz-${shop.merchantId}@example.com` });
    const consoleSession = new BrowserSession(hub.url);
    expect((await consoleSession.signInOperator(ADMIN_TOKEN)).status).toBe(201);
    const cabinetSession = new BrowserSession(hub.url);
    expect((await cabinetSession.signInMerchant(user.email, user.password)).status).toBe(201);
    const cookieOf = (session: BrowserSession) => [...session.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

    const rng = generator(20_261_201);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    const request = async () => {
      const route = rng.pick(routes);
      const method = rng.next() < 0.1 ? rng.pick(METHODS) : route.method;
      let path = route.url.replace(/:(\w+)/g, () => (rng.next() < 0.5 ? String(1 + rng.int(5)) : rng.pick(PATH_VALUES)));
      if (rng.next() < 0.3) path += `?${rng.pick(['q', 'page', 'limit', 'status', 'x'])}=${encode(String(rng.pick([...STRINGS, ...NUMBERS])))}`;
      if (rng.next() < 0.05) path += rng.pick(['%ff', '%', '%zz', '/%00']);
      const headers: Record<string, string> = {};
      const credentials = rng.next();
      if (route.url.startsWith('/admin/')) headers.authorization = credentials < 0.8 ? `Bearer ${ADMIN_TOKEN}` : rng.pick(['Bearer nope', ADMIN_TOKEN, '']);
      else if (route.url.startsWith('/console/')) Object.assign(headers, credentials < 0.8 ? { cookie: cookieOf(consoleSession), 'x-csrf-token': consoleSession.csrf! } : {});
      else if (route.url.startsWith('/cabinet/')) Object.assign(headers, credentials < 0.8 ? { cookie: cookieOf(cabinetSession), 'x-csrf-token': cabinetSession.csrf! } : {});
      else headers.authorization = credentials < 0.8 ? shop.token : rng.pick([`Bearer ${shop.token}`, 'nope', '0'.repeat(32), '']);
      let body: string | undefined;
      if (method !== 'GET' && method !== 'OPTIONS') {
        const kind = rng.next();
        if (kind < 0.7) {
          body = JSON.stringify(object(rng, route.fields, 0));
          headers['content-type'] = 'application/json';
        } else if (kind < 0.8) {
          body = rng.pick(['{', '{"a":', '[]', 'null', '"x"', '1', '{"offerId":1,}', '\u0000']);
          headers['content-type'] = 'application/json';
        } else if (kind < 0.9) {
          body = 'offerId=1';
          headers['content-type'] = rng.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']);
        } else {
          body = JSON.stringify(value(rng, 0));
          headers['content-type'] = rng.pick(['application/json', 'application/json; charset=latin1', 'APPLICATION/JSON']);
        }
      }
      const label = `${method} ${path} ${body?.slice(0, 120) ?? ''}`;
      let response: Response;
      try {
        response = await fetch(`${hub.url}${path}`, { method, headers, body, redirect: 'manual' });
      } catch (error) {
        failures.push(`${label}: transport ${(error as Error).message}`);
        return;
      }
      const text = await response.text();
      sent++;
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 500) failures.push(`${label}: ${response.status} ${text.slice(0, 200)}`);
      if (response.status < 400 || method === 'OPTIONS' && response.status === 204) return;
      let parsed: any;
      try {
        parsed = JSON.parse(text);
      } catch {
        failures.push(`${label}: ${response.status} not JSON: ${text.slice(0, 100)}`);
        return;
      }
      const codeGames = path.startsWith('/api/codegames/');
      const inShape = codeGames
        ? typeof parsed?.status === 'string' && typeof parsed?.comment === 'string' && Object.keys(parsed).every((k) => ['status', 'comment', 'partner_txn_id'].includes(k))
        : Object.keys(parsed ?? {}).join() === 'error' && typeof parsed.error.code === 'string' && typeof parsed.error.message === 'string';
      if (!inShape) failures.push(`${label}: ${response.status} in a foreign shape: ${text.slice(0, 200)}`);
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (sent + failures.length < REQUESTS) await request();
    }));
    const seconds = (performance.now() - started) / 1000;
    const summary = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ');
    console.log(`figures: fuzz ${sent} requests over ${routes.length} routes in ${seconds.toFixed(1)} s; statuses ${summary}; failures ${failures.length}`);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(REQUESTS);
    expect((await op.audit()).violations).toEqual([]);
    // The hub still serves as before.
    expect((await merchantClient(hub, shop.token)('/balance')).status).toBeLessThan(500);
  }, 180_000);
});
