/**
 * A real hub for a test file: the same start-up as production, on the run's database, listening
 * on a free loopback port. Tests talk to it over HTTP only, like a merchant or the CLI would.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HttpClient } from '@dropgate/sdk';
import { afterAll, beforeAll, inject } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startHub, type RunningHub, type StartOptions } from '../../src/start.ts';
import { isolatedDatabase, useIsolatedDatabase, type IsolatedDatabase } from './db.ts';

export const ADMIN_TOKEN = 'test-operator-token-0123456789';
/** Shared by every hub of the run, as scale-out requires: keys sealed by one open on another. */
export const SECRET_KEY = 'ab'.repeat(32);

export interface TestHub {
  url: string;
  running: RunningHub;
  stop(): Promise<void>;
}

type Env = Record<string, string>;

export async function startTestHub(env: Env = {}, options: StartOptions = {}): Promise<TestHub> {
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
  const running = await startHub(config, options).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  return {
    url: running.url,
    running,
    async stop() {
      await running.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A hub on a database of its own; stop() also drops the database. */
export async function startIsolatedHub(env: Env = {}, options: StartOptions = {}): Promise<TestHub & { database: IsolatedDatabase }> {
  const database = await isolatedDatabase();
  try {
    const hub = await startTestHub({ ...env, DATABASE_URL: database.url }, options);
    return {
      ...hub,
      database,
      async stop() {
        try {
          await hub.stop();
        } finally {
          await database.drop();
        }
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

/**
 * A hub for the calling file or describe block: started in beforeAll, stopped in afterAll
 * (hooks registered after this one run after the start and before the stop). The handle reads
 * like a TestHub from the start on. `env` may be a function, for values other hooks make first
 * (a simulator's URL, an isolated database's).
 */
export function useTestHub(env: Env | (() => Env) = {}, options: StartOptions = {}): TestHub {
  let hub: TestHub | undefined;
  let stopped: Promise<void> | undefined;
  beforeAll(async () => {
    hub = await startTestHub(typeof env === 'function' ? env() : env, options);
  });
  const stop = () => (stopped ??= hub ? hub.stop() : Promise.resolve());
  afterAll(stop);
  const started = () => {
    if (!hub) throw new Error('the test hub starts in beforeAll: use it in a hook or a test');
    return hub;
  };
  return {
    get url() {
      return started().url;
    },
    get running() {
      return started().running;
    },
    stop,
  };
}

/** useTestHub on a database of its own (made before the hub, dropped after it), for global state such as FX rates. */
export function useIsolatedHub(env: Env | (() => Env) = {}, options: StartOptions = {}): TestHub & { database: IsolatedDatabase } {
  const database = useIsolatedDatabase();
  const hub = useTestHub(() => ({ ...(typeof env === 'function' ? env() : env), DATABASE_URL: database.url }), options);
  return Object.assign(hub, { database });
}

/** A JSON HTTP call that never throws on a status: tests assert on status and body (JSON, else the text), and headers. */
export async function call(
  url: string,
  init: { method?: string; token?: string; bearer?: string; body?: unknown; rawBody?: string; contentType?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const authorization = init.bearer !== undefined ? `Bearer ${init.bearer}` : init.token;
  // A test's own timeout bounds the call (the longest, 600 s, is the 100,000-offer import's
  // file); redirects are followed as a browser would.
  const http = new HttpClient({ baseUrl: url, authorization, timeoutMs: 600_000, maxBodyBytes: Infinity, followRedirects: true });
  const answer = await http.send({ method: init.method, body: init.body, rawBody: init.rawBody, contentType: init.contentType, headers: init.headers });
  return { status: answer.status, body: answer.body === undefined ? answer.text : answer.body, headers: answer.headers };
}

/** Operator API helper bound to a hub (in-process or a process: only its URL is read, at each call). */
export function operator(hub: Pick<TestHub, 'url'>) {
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

/** Partner API helper bound to a hub and a shop token (and request headers, such as X-Forwarded-For). */
export function merchantClient(hub: Pick<TestHub, 'url'>, token: string, headers?: Record<string, string>) {
  return (route: string, body?: unknown, method?: string) =>
    call(`${hub.url}/api/v1${route}`, { token, body, headers, method: method ?? (body === undefined ? 'GET' : 'POST') });
}

export function keysFor(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-${randomBytes(6).toString('hex')}-${i}`);
}
