/**
 * Per-shop rate limits and IP allowlists on the merchant APIs, over real HTTP: two hubs on one
 * PostgreSQL share each shop's budget (parallel requests on both, the combined admitted count
 * held to the documented bound), every answer to a shop carries the RateLimit-* headers, and
 * allowlists admit and refuse IPv4 and IPv6 clients, directly and through trusted proxies (an
 * untrusted peer's X-Forwarded-For is ignored).
 */
import { describe, expect, it } from 'vitest';
import { expectError } from './support/expect.ts';
import { call, merchantClient, operator, startTestHub, useTestHub, type TestHub } from './support/hub.ts';
import { merchantUser } from './support/team.ts';
import { eventually } from './support/wait.ts';

/** Short windows, so that a test sees several; the budget holds per window whatever its length. */
const WINDOW_S = 2;
// A loaded machine can take longer than the default 200 ms for a reservation, and a request that
// waits no longer is admitted uncounted (the degraded mode): these hubs wait, to test the counting.
const LIMITED = { DROPGATE_RATE_LIMIT_WINDOW_S: String(WINDOW_S), DROPGATE_RATE_LIMIT_WAIT_MS: '3000' };
const first = useTestHub({ ...LIMITED, DROPGATE_TRUSTED_PROXIES: '127.0.0.1' });
const second = useTestHub(LIMITED);
const op = operator(first);

type Answer = Awaited<ReturnType<typeof call>>;

/** The window (numbered like the hub's) a moment falls in: the database runs on this machine's clock. */
const windowOf = (ms: number) => Math.floor(ms / 1000 / WINDOW_S);

/** Waits until the current window has at least `ms` left, so a burst fits in one window. */
async function startOfWindow(ms: number): Promise<void> {
  const left = WINDOW_S * 1000 - (Date.now() % (WINDOW_S * 1000));
  if (left < ms) await new Promise((r) => setTimeout(r, left + 20));
}

async function limitedShop(rateLimit: number, ipAllowlist?: string[]) {
  const shop = await op.merchant(undefined, '100.00');
  await op.ok('PUT', `/shops/${shop.shopId}/limits`, { rateLimit, ...(ipAllowlist && { ipAllowlist }) });
  return shop;
}

function expectRateHeaders(answer: Answer, limit: number): void {
  expect(answer.headers.get('ratelimit-limit')).toBe(String(limit));
  expect(Number(answer.headers.get('ratelimit-remaining'))).toBeGreaterThanOrEqual(0);
  expect(Number(answer.headers.get('ratelimit-remaining'))).toBeLessThanOrEqual(limit);
  const reset = Number(answer.headers.get('ratelimit-reset'));
  expect(reset).toBeGreaterThanOrEqual(1);
  expect(reset).toBeLessThanOrEqual(WINDOW_S);
}

describe('rate limits across two hubs', () => {
  it('a burst of parallel requests on both hubs admits the window budget once, and refuses the rest with 429', async () => {
    const limit = 40;
    const shop = await limitedShop(limit);
    await startOfWindow(1500);
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 160 }, (_, i) => merchantClient(i % 2 ? first : second, shop.token)('/balance')));
    const windows = windowOf(Date.now()) - windowOf(started) + 1;
    const admitted = answers.filter((a) => a.status === 200).length;
    console.log(`figures: burst of 160 on 2 hubs, limit ${limit} per ${WINDOW_S} s: ${admitted} admitted over ${windows} window(s)`);
    expect(admitted).toBeLessThanOrEqual(limit * windows);
    expect(admitted).toBeGreaterThanOrEqual(limit - 2 * Math.ceil(limit / 20));
    for (const answer of answers) {
      expectRateHeaders(answer, limit);
      if (answer.status === 200) continue;
      expectError(answer, 429, 'RATE_LIMITED');
      expect(Number(answer.headers.get('retry-after'))).toBe(Number(answer.headers.get('ratelimit-reset')));
      expect(answer.body.error.retryAfterSeconds).toBe(Number(answer.headers.get('retry-after')));
    }
  });

  it('sustained parallel load on both hubs is held to the limit in every window', async () => {
    const limit = 30;
    const shop = await limitedShop(limit);
    await startOfWindow(WINDOW_S * 1000 - 50); // start at a window's beginning: whole windows
    const started = Date.now();
    const admittedAt: number[] = [];
    let refused = 0;
    const worker = async (hub: TestHub) => {
      while (Date.now() - started < 3 * WINDOW_S * 1000 - 100) {
        const answer = await merchantClient(hub, shop.token)('/balance');
        if (answer.status === 200) admittedAt.push(Date.now());
        else if (answer.status === 429) refused += 1;
        else throw new Error(`unexpected ${answer.status}`);
      }
    };
    const loops = [first, second, first, second, first, second, first, second];
    await Promise.all(loops.map(worker));
    const perWindow = new Map<number, number>();
    for (const at of admittedAt) perWindow.set(windowOf(at), (perWindow.get(windowOf(at)) ?? 0) + 1);
    const counts = [...perWindow.values()];
    console.log(`figures: 8 loops on 2 hubs for ${3 * WINDOW_S} s, limit ${limit} per ${WINDOW_S} s: admitted per window ${counts.join(', ')}, ${refused} refused`);
    expect(refused).toBeGreaterThan(0);
    // Counted by when the answer arrived, a little after its admission: of the calls in flight
    // at a window's end, some may count in the next. The total below is exact.
    for (const count of counts) expect(count).toBeLessThanOrEqual(limit + loops.length);
    expect(admittedAt.length).toBeLessThanOrEqual(limit * (windowOf(Date.now()) - windowOf(started) + 1));
    expect(admittedAt.length).toBeGreaterThanOrEqual((limit - 2 * Math.ceil(limit / 20)) * 2);
  });

  it('a new limit set on one hub applies on the other', async () => {
    const shop = await limitedShop(1000);
    expect((await merchantClient(second, shop.token)('/balance')).headers.get('ratelimit-limit')).toBe('1000');
    await op.ok('PUT', `/shops/${shop.shopId}/limits`, { rateLimit: 500 });
    expect(await eventually(async () => (await merchantClient(second, shop.token)('/balance')).headers.get('ratelimit-limit') === '500')).toBe(true);
  });
});

describe('the RateLimit headers', () => {
  it('are on every answer to a shop: success, errors of each kind, and the CodeGames protocol', async () => {
    const shop = await limitedShop(1000);
    const api = merchantClient(first, shop.token);
    // Windows are 2 s here: the first answers are taken early in one, so that they share it.
    await startOfWindow(1900);
    const answers = [
      await api('/balance'),
      await api('/offers/find-one', { offerId: 1 }), // 404 OFFER_NOT_FOUND
      await api('/offers/create-order', { offerId: '999' }), // 400 INVALID_REQUEST_BODY
      await api('/offers/order-status', { orderId: 1 }), // 404 ORDER_NOT_FOUND
      await call(`${first.url}/api/codegames/check`, { token: shop.token, body: { product_id: 1 } }),
      await call(`${first.url}/api/codegames/pay`, { token: shop.token, body: { product_id: 'x' } }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 404, 400, 404, 200, 400]);
    for (const answer of answers) expectRateHeaders(answer, 1000);
    const remaining = answers.map((a) => Number(a.headers.get('ratelimit-remaining')));
    expect(remaining[0]).toBeGreaterThan(remaining[1]!);
  });

  it('are absent for a shop that is not limited, and a 429 in CodeGames is its own shape', async () => {
    const unlimited = await startTestHub({ DROPGATE_RATE_LIMIT: '0' });
    try {
      const shop = await operator(unlimited).merchant();
      const answer = await merchantClient(unlimited, shop.token)('/balance');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('ratelimit-limit')).toBeNull();
      await operator(unlimited).ok('PUT', `/shops/${shop.shopId}/limits`, { rateLimit: 1 });
      const check = () => call(`${unlimited.url}/api/codegames/check`, { token: shop.token, body: { product_id: 1 } });
      await startOfWindow(1000);
      await check();
      const refused = await check();
      expect(refused.status).toBe(429);
      expect(refused.body).toEqual({ status: 'RATE_LIMITED', comment: expect.stringContaining('rate limit') });
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      await unlimited.stop();
    }
  });
});

describe('IP allowlists', () => {
  const via = (hub: TestHub, token: string, forwardedFor?: string) =>
    merchantClient(hub, token, forwardedFor === undefined ? undefined : { 'x-forwarded-for': forwardedFor })('/balance');

  it('admit and refuse IPv4 and IPv6 clients named by a trusted proxy', async () => {
    const shop = await limitedShop(1000, ['10.1.0.0/16', '2001:db8::/32', '192.0.2.7']);
    expect((await via(first, shop.token, '10.1.2.3')).status).toBe(200);
    expect((await via(first, shop.token, '192.0.2.7')).status).toBe(200);
    expect((await via(first, shop.token, '2001:db8:0:1::42')).status).toBe(200);
    expectError(await via(first, shop.token, '10.2.0.1'), 403, 'IP_NOT_ALLOWED');
    expectError(await via(first, shop.token, '192.0.2.8'), 403, 'IP_NOT_ALLOWED');
    expectError(await via(first, shop.token, '2001:db9::1'), 403, 'IP_NOT_ALLOWED');
    // The client's own X-Forwarded-For entries count only past a trusted hop: the proxy's
    // (the last) is the one that names the client.
    expectError(await via(first, shop.token, '10.1.2.3, 203.0.113.9'), 403, 'IP_NOT_ALLOWED');
    expectError(await via(first, shop.token), 403, 'IP_NOT_ALLOWED'); // the proxy itself (127.0.0.1)
  });

  it("ignore an untrusted peer's X-Forwarded-For: the socket's address is the client", async () => {
    const shop = await limitedShop(1000, ['10.1.0.0/16']);
    expectError(await via(second, shop.token, '10.1.2.3'), 403, 'IP_NOT_ALLOWED');
    await op.ok('PUT', `/shops/${shop.shopId}/limits`, { ipAllowlist: ['127.0.0.1'] });
    expect(await eventually(async () => (await via(second, shop.token, '10.9.9.9')).status === 200)).toBe(true);
    expectError(await via(first, shop.token, '10.9.9.9'), 403, 'IP_NOT_ALLOWED'); // trusted: the named client is refused
  });

  it('check a client connected over IPv6, and refuse in the CodeGames shape', async () => {
    const v6 = await startTestHub({ HOST: '::1' });
    try {
      const shop = await operator(v6).merchant();
      await operator(v6).ok('PUT', `/shops/${shop.shopId}/limits`, { ipAllowlist: ['::1'] });
      expect((await via(v6, shop.token)).status).toBe(200);
      await operator(v6).ok('PUT', `/shops/${shop.shopId}/limits`, { ipAllowlist: ['fd00::/8', '127.0.0.1'] });
      const refused = await call(`${v6.url}/api/codegames/check`, { token: shop.token, body: { product_id: 1 } });
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({ status: 'IP_NOT_ALLOWED', comment: expect.stringContaining('::1') });
    } finally {
      await v6.stop();
    }
  });

  it('a refused address is told before the rate is counted, and a bad token before the allowlist', async () => {
    const shop = await limitedShop(1000, ['10.1.0.0/16']);
    const refused = await via(first, shop.token, '10.2.0.1');
    expect(refused.headers.get('ratelimit-limit')).toBeNull();
    expectError(await merchantClient(first, 'f'.repeat(32), { 'x-forwarded-for': '10.2.0.1' })('/balance'), 401, 'INVALID_TOKEN');
  });
});

describe('the operator API', () => {
  it('reads and sets a shop\'s limits, keeping what is not sent and the canonical networks', async () => {
    const shop = await op.merchant();
    expect(await op.ok('GET', `/shops/${shop.shopId}/limits`)).toEqual({
      shopId: shop.shopId, rateLimit: null, effectiveRateLimit: 60_000, windowSeconds: WINDOW_S, ipAllowlist: [], updatedAt: null,
    });
    const set = await op.ok('PUT', `/shops/${shop.shopId}/limits`, { ipAllowlist: ['10.1.2.3/16', '2001:DB8::1', '10.1.0.0/16'] });
    expect(set).toMatchObject({ rateLimit: null, effectiveRateLimit: 60_000, ipAllowlist: ['10.1.0.0/16', '2001:db8::1/128'] });
    const limited = await op.ok('PUT', `/shops/${shop.shopId}/limits`, { rateLimit: 120 });
    expect(limited).toMatchObject({ rateLimit: 120, effectiveRateLimit: 120, ipAllowlist: ['10.1.0.0/16', '2001:db8::1/128'] });
    expect(await op.ok('PUT', `/shops/${shop.shopId}/limits`, { rateLimit: null, ipAllowlist: [] })).toMatchObject({ rateLimit: null, ipAllowlist: [] });
  });

  it('refuses what is not an address or network, naming the entry, and an unknown shop', async () => {
    const shop = await op.merchant();
    for (const bad of ['10.0.0.0/33', 'example.com', '10.0.0.0/8/1', '2001:db8::/129', '10.0.0.0/-1']) {
      expectError(await op.call('PUT', `/shops/${shop.shopId}/limits`, { ipAllowlist: ['10.0.0.1', bad] }), 400, 'INVALID_REQUEST_BODY', 'ipAllowlist.1');
    }
    expectError(await op.call('PUT', `/shops/${shop.shopId}/limits`, { rateLimit: 0 }), 400, 'INVALID_REQUEST_BODY', 'rateLimit');
    expectError(await op.call('PUT', '/shops/999999999/limits', { rateLimit: 5 }), 404, 'SHOP_NOT_FOUND');
    expectError(await op.call('GET', '/shops/999999999/limits'), 404, 'SHOP_NOT_FOUND');
  });
});

describe('the merchant cabinet', () => {
  it("shows each shop's limits, read-only", async () => {
    const shop = await limitedShop(300, ['203.0.113.0/24']);
    const other = await op.ok('POST', '/shops', { merchantId: shop.merchantId, name: 'second' });
    const accountant = await merchantUser(first, shop.merchantId, 'accountant');
    const overview = await accountant.session.get('/cabinet/v1/overview');
    expect(overview.status).toBe(200);
    expect(overview.body.shops).toEqual([
      expect.objectContaining({ id: shop.shopId, rateLimit: 300, rateLimitWindowSeconds: WINDOW_S, ipAllowlist: ['203.0.113.0/24'] }),
      expect.objectContaining({ id: other.id, rateLimit: 60_000, ipAllowlist: [] }),
    ]);
    expect((await accountant.session.call('PUT', `/cabinet/v1/shops/${shop.shopId}/limits`, { rateLimit: 1 })).status).toBe(404);
  });
});
