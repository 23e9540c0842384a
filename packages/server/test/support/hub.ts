/**
 * A real hub for a test file: the same start-up as production, on the run's database, listening
 * on a free loopback port. Tests talk to it over HTTP only, like a merchant or the CLI would.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startHub, type RunningHub, type StartOptions } from '../../src/start.ts';

export const ADMIN_TOKEN = 'test-operator-token-0123456789';
/** Shared by every hub of the run, as scale-out requires: keys sealed by one open on another. */
export const SECRET_KEY = 'ab'.repeat(32);

export interface TestHub {
  url: string;
  running: RunningHub;
  stop(): Promise<void>;
}

export async function startTestHub(env: Record<string, string> = {}, options: StartOptions = {}): Promise<TestHub> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'dropgate-hub-'));
  const config = loadConfig({
    DATABASE_URL: inject('databaseUrl'),
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DROPGATE_ADMIN_TOKEN: ADMIN_TOKEN,
    DROPGATE_SECRET_KEY: SECRET_KEY,
    DROPGATE_DB_POOL: '20',
    ...env,
  });
  const running = await startHub(config, options);
  return { url: running.url, running, stop: () => running.stop() };
}

/** A JSON HTTP call that never throws on a status: tests assert on status and body. */
export async function call(
  url: string,
  init: { method?: string; token?: string; bearer?: string; body?: unknown; rawBody?: string; contentType?: string } = {},
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (init.token !== undefined) headers.authorization = init.token;
  if (init.bearer !== undefined) headers.authorization = `Bearer ${init.bearer}`;
  const payload = init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  if (payload !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
  const response = await fetch(url, { method: init.method ?? (payload === undefined ? 'GET' : 'POST'), headers, body: payload });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: tests see the raw text
  }
  return { status: response.status, body };
}

/** Operator API helper bound to a hub. */
export function operator(hub: TestHub) {
  const admin = (method: string, route: string, body?: unknown) =>
    call(`${hub.url}/admin/v1${route}`, { method, bearer: ADMIN_TOKEN, body });
  const ok = async (method: string, route: string, body?: unknown) => {
    const response = await admin(method, route, body);
    if (response.status >= 300) throw new Error(`${method} ${route} -> ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  };
  return {
    call: admin,
    async merchant(name = `merchant-${randomBytes(3).toString('hex')}`, depositAmount?: string) {
      const merchant = await ok('POST', '/merchants', { name });
      if (depositAmount) await ok('POST', `/merchants/${merchant.id}/deposits`, { amount: depositAmount });
      const shop = await ok('POST', '/shops', { merchantId: merchant.id, name: `${name}-shop` });
      return { merchantId: merchant.id as number, shopId: shop.id as number, token: shop.token as string };
    },
    async offer(fields: Record<string, unknown> & { price: string; currency: string }, keys: string[] = []) {
      const id = uniqueOfferId();
      const offer = await ok('PUT', `/offers/${id}`, { productName: 'Test Product', offerName: `Offer ${id}`, ...fields });
      if (keys.length > 0) await ok('POST', `/offers/${id}/stock`, { keys });
      return offer as { id: number } & Record<string, unknown>;
    },
    rate: (currency: string, usdPerUnit: string) => ok('PUT', `/fx/${currency}`, { usdPerUnit }),
    deposit: (merchantId: number, amount: string) => ok('POST', `/merchants/${merchantId}/deposits`, { amount }),
    audit: () => ok('GET', '/audit'),
    order: (id: number) => ok('GET', `/orders/${id}`),
    ok,
  };
}

/** Offer ids are global; tests in parallel files must not collide. */
export function uniqueOfferId(): number {
  return randomInt(100_000, 2_000_000_000);
}

/** Partner API helper bound to a hub and a shop token. */
export function merchantClient(hub: TestHub, token: string) {
  return (route: string, body?: unknown, method?: string) =>
    call(`${hub.url}/api/v1${route}`, { token, body, method: method ?? (body === undefined ? 'GET' : 'POST') });
}

export function keysFor(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-${randomBytes(6).toString('hex')}-${i}`);
}
