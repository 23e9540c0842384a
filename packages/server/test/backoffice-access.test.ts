/**
 * The back-office's doors, over real HTTP: sign-in (operator token, merchant passwords), sessions
 * in cookies, CSRF, the sign-in throttle shared by hub instances, and the walls between merchants
 * (a merchant's session never reaches another merchant's orders, entries, shops or keys) and
 * between the cabinet and the console.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession } from './support/browser-session.ts';
import { useDatabaseClient } from './support/db.ts';
import { expectError } from './support/expect.ts';
import { ADMIN_TOKEN, keysFor, merchantClient, operator, startTestHub, useTestHub } from './support/hub.ts';

const hub = useTestHub();
const op = operator(hub);
const db = useDatabaseClient();

interface Tenant {
  merchantId: number;
  shopId: number;
  token: string;
  email: string;
  password: string;
  orderId: number;
  transactionId: string;
  session: BrowserSession;
}
let a: Tenant;
let b: Tenant;

const email = (who: string) => `${who}-${randomBytes(4).toString('hex')}@example.com`;

async function tenant(offerId: number, who: string): Promise<Tenant> {
  const shop = await op.merchant(`${who} ${randomBytes(2).toString('hex')}`, '100.00');
  const user = await op.ok('POST', `/merchants/${shop.merchantId}/users`, { email: email(who) });
  const transactionId = `${who}-${randomBytes(4).toString('hex')}`;
  const bought = await merchantClient(hub, shop.token)('/offers/create-order', { offerId, price: 1, transactionId });
  expect(bought.body.status).toBe('COMPLETED');
  const session = new BrowserSession(hub.url);
  expect((await session.signInMerchant(user.email, user.password)).status).toBe(201);
  return { ...shop, email: user.email, password: user.password, orderId: bought.body.orderId, transactionId, session };
}

beforeAll(async () => {
  const offer = await op.offer({ price: '1.00', currency: 'USD' }, keysFor('ACCESS', 4));
  a = await tenant(offer.id, 'alpha');
  b = await tenant(offer.id, 'beta');
});

describe('back-office access', () => {
  describe('signing in', () => {
    it('the operator signs in with the operator token: HttpOnly, SameSite=Strict cookies; only hashes are stored', async () => {
      const browser = new BrowserSession(hub.url);
      expectError(await browser.signInOperator('not-the-operator-token'), 401, 'SIGN_IN_FAILED');
      const signed = await browser.signInOperator(ADMIN_TOKEN);
      expect(signed.status).toBe(201);
      expect(signed.body).toMatchObject({ role: 'operator', merchantId: null });
      const cookies = signed.headers['set-cookie'] as string[];
      expect(cookies.find((c) => c.startsWith('dg_session='))).toMatch(/HttpOnly/);
      expect(cookies.find((c) => c.startsWith('dg_session='))).toMatch(/SameSite=Strict/);
      expect(cookies.find((c) => c.startsWith('dg_csrf='))).toMatch(/SameSite=Strict/);
      expect(cookies.find((c) => c.startsWith('dg_csrf='))).not.toMatch(/HttpOnly/); // the page must read it
      expect((await browser.get('/console/v1/session')).body.role).toBe('operator');

      const token = browser.cookies.get('dg_session')!;
      const { rows } = await db.query("SELECT encode(token_hash, 'hex') AS h, encode(csrf_hash, 'hex') AS c FROM web_sessions");
      expect(JSON.stringify(rows)).not.toContain(Buffer.from(token).toString('hex'));
      expect(rows.length).toBeGreaterThan(0);

      expect((await browser.call('DELETE', '/console/v1/session')).status).toBe(204);
      expectError(await browser.get('/console/v1/dashboard'), 401, 'SESSION_REQUIRED');
      // The old cookie, replayed after sign-out, is dead on the hub too.
      const replay = new BrowserSession(hub.url);
      replay.cookies.set('dg_session', token);
      expectError(await replay.get('/console/v1/session'), 401, 'SESSION_REQUIRED');
    });

    it('merchant users: the operator creates one (first password shown once), stored as scrypt; wrong passwords fail alike', async () => {
      const { rows: [stored] } = await db.query('SELECT password_hash FROM web_users WHERE email = $1', [a.email]);
      expect(stored.password_hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
      expect(stored.password_hash).not.toContain(a.password);
      expect(JSON.stringify(await op.ok('GET', `/merchants/${a.merchantId}/users`))).not.toContain(a.password);
      expectError(await op.call('POST', `/merchants/${a.merchantId}/users`, { email: a.email.toUpperCase() }), 409, 'EMAIL_TAKEN');

      const browser = new BrowserSession(hub.url);
      const wrongPassword = await browser.signInMerchant(a.email, 'wrong-password-1');
      const noSuchUser = await browser.signInMerchant(email('nobody'), 'wrong-password-1');
      expectError(wrongPassword, 401, 'SIGN_IN_FAILED');
      expectError(noSuchUser, 401, 'SIGN_IN_FAILED');
      expect(wrongPassword.body.error.message).toBe(noSuchUser.body.error.message);
      expect((await browser.signInMerchant(` ${a.email.toUpperCase()} `, a.password)).body).toMatchObject({ role: 'merchant', merchantId: a.merchantId, email: a.email });
    });

    it('a password reset or change ends the user\'s sessions', async () => {
      const user = await op.ok('POST', `/merchants/${a.merchantId}/users`, { email: email('reset') });
      const first = new BrowserSession(hub.url);
      await first.signInMerchant(user.email, user.password);
      const reset = await op.ok('POST', `/users/${user.id}/reset-password`);
      expect(reset.password).not.toBe(user.password);
      expectError(await first.get('/cabinet/v1/overview'), 401, 'SESSION_REQUIRED');
      expectError(await first.signInMerchant(user.email, user.password), 401, 'SIGN_IN_FAILED');

      const second = new BrowserSession(hub.url);
      expect((await second.signInMerchant(user.email, reset.password)).status).toBe(201);
      expectError(await second.call('PUT', '/cabinet/v1/password', { currentPassword: 'wrong', newPassword: 'a-new-password-42' }), 400, 'INVALID_REQUEST_BODY', 'currentPassword');
      expectError(await second.call('PUT', '/cabinet/v1/password', { currentPassword: reset.password, newPassword: 'short' }), 400, 'INVALID_REQUEST_BODY', 'newPassword');
      expect((await second.call('PUT', '/cabinet/v1/password', { currentPassword: reset.password, newPassword: 'a-new-password-42' })).status).toBe(204);
      expectError(await second.get('/cabinet/v1/overview'), 401, 'SESSION_REQUIRED');
      expect((await new BrowserSession(hub.url).signInMerchant(user.email, 'a-new-password-42')).status).toBe(201);
    });
  });

  describe('a merchant sees only its own merchant', () => {
    it('orders: lists, filters, search and detail never show another merchant\'s order', async () => {
      const mine = await a.session.get('/cabinet/v1/orders');
      expect(mine.status).toBe(200);
      expect(mine.body.orders.map((o: { id: number }) => o.id)).toEqual([a.orderId]);
      for (const query of [`q=${b.orderId}`, `q=${b.transactionId}`, `shopId=${b.shopId}`, 'status=COMPLETED']) {
        const found = await a.session.get(`/cabinet/v1/orders?${query}`);
        expect(found.status).toBe(200);
        expect(found.body.orders.map((o: { id: number }) => o.id)).not.toContain(b.orderId);
      }
      // The merchant cannot name another merchant in the query at all.
      expectError(await a.session.get(`/cabinet/v1/orders?merchantId=${b.merchantId}`), 400, 'INVALID_REQUEST_BODY', 'merchantId');
      expectError(await a.session.get(`/cabinet/v1/orders/${b.orderId}`), 404, 'ORDER_NOT_FOUND');
      expect((await a.session.get(`/cabinet/v1/orders/${a.orderId}`)).body).toMatchObject({ id: a.orderId, status: 'COMPLETED', hasKey: true });
    });

    it('keys: an order\'s key is shown to its merchant only, and every reveal is audited', async () => {
      const before = Number((await db.query('SELECT count(*) FROM key_reveals')).rows[0].count);
      expectError(await a.session.post(`/cabinet/v1/orders/${b.orderId}/reveal-key`), 404, 'ORDER_NOT_FOUND');
      expect(Number((await db.query('SELECT count(*) FROM key_reveals')).rows[0].count)).toBe(before);
      const key = await a.session.post(`/cabinet/v1/orders/${a.orderId}/reveal-key`);
      expect(key.body).toEqual({ orderId: a.orderId, key: expect.stringMatching(/^ACCESS-/) });
      const { rows } = await db.query('SELECT actor, order_id FROM key_reveals WHERE order_id = $1', [a.orderId]);
      expect(rows).toEqual([{ actor: expect.stringMatching(/^merchant-user:\d+$/), order_id: a.orderId }]);
      // The operator's routes are not the merchant's, for stock keys or anything else.
      expectError(await a.session.post('/console/v1/stock-keys/1/reveal'), 403, 'FORBIDDEN');
    });

    it('transactions and their CSV: only its own entries', async () => {
      const page = await a.session.get('/cabinet/v1/transactions');
      expect(page.body.transactions.length).toBeGreaterThan(0);
      expect(new Set(page.body.transactions.map((t: { merchantId: number }) => t.merchantId))).toEqual(new Set([a.merchantId]));
      expect((await a.session.get(`/cabinet/v1/transactions?orderId=${b.orderId}`)).body.transactions).toEqual([]);
      const csv = await a.session.get('/cabinet/v1/transactions.csv');
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.text.split('\r\n')[0]).toBe('id,createdAt,type,amount,balanceAfter,orderId,description');
      expect(csv.text).toContain(`,${a.orderId},`);
      expect(csv.text).not.toContain(String(b.orderId));
    });

    it('shops: another merchant\'s shop cannot be seen or have its token rotated', async () => {
      const overview = await a.session.get('/cabinet/v1/overview');
      expect(overview.body.shops.map((s: { id: number }) => s.id)).toEqual([a.shopId]);
      expectError(await a.session.post(`/cabinet/v1/shops/${b.shopId}/rotate-token`), 404, 'SHOP_NOT_FOUND');
      expect((await merchantClient(hub, b.token)('/balance')).status).toBe(200); // b's token still works
    });

    it('the operator console refuses a merchant\'s session, and the cabinet the operator\'s', async () => {
      const routes: Array<[string, string, unknown?]> = [
        ['GET', '/console/v1/dashboard'], ['GET', '/console/v1/orders'], ['GET', `/console/v1/orders/${b.orderId}`],
        ['GET', `/console/v1/merchants/${b.merchantId}`], ['POST', `/console/v1/merchants/${a.merchantId}/deposits`, { amount: '1000.00' }],
        ['POST', `/console/v1/shops/${b.shopId}/rotate-token`], ['POST', `/console/v1/orders/${b.orderId}/reveal-key`],
      ];
      for (const [method, path, body] of routes) expectError(await a.session.call(method, path, body), 403, 'FORBIDDEN');
      expect((await op.ok('GET', `/merchants/${a.merchantId}`)).balance).toBe('99.00'); // no deposit happened
      // The session cookie is no operator token either.
      expectError(await a.session.call('GET', '/admin/v1/merchants', undefined), 401, 'INVALID_TOKEN');

      const operatorBrowser = new BrowserSession(hub.url);
      await operatorBrowser.signInOperator(ADMIN_TOKEN);
      expectError(await operatorBrowser.get('/cabinet/v1/overview'), 403, 'FORBIDDEN');
    });
  });

  describe('CSRF', () => {
    it('a state-changing call without the token, with a wrong one, another session\'s, or from another site fails', async () => {
      const rotate = `/cabinet/v1/shops/${a.shopId}/rotate-token`;
      expectError(await a.session.call('POST', rotate, {}, { csrf: null }), 403, 'CSRF_TOKEN_INVALID');
      expectError(await a.session.call('POST', rotate, {}, { csrf: 'forged-token' }), 403, 'CSRF_TOKEN_INVALID');
      // Double submit alone is not enough: header and cookie agree, but they are b's, not this session's.
      const planted = new Map(a.session.cookies);
      planted.set('dg_csrf', b.session.csrf!);
      expectError(await a.session.call('POST', rotate, {}, { csrf: b.session.csrf!, cookies: planted }), 403, 'CSRF_TOKEN_INVALID');
      expectError(await a.session.call('POST', rotate, {}, { origin: 'https://evil.example' }), 403, 'CSRF_TOKEN_INVALID');
      // Reads need no token (they change nothing); the untouched token still works.
      expect((await merchantClient(hub, a.token)('/balance')).status).toBe(200);
      expect((await a.session.get('/cabinet/v1/overview')).status).toBe(200);
    });

    it('a foreign, forged or missing session cookie fails before anything else', async () => {
      const stranger = new BrowserSession(hub.url);
      expectError(await stranger.get('/cabinet/v1/orders'), 401, 'SESSION_REQUIRED');
      stranger.cookies.set('dg_session', 'x'.repeat(43));
      expectError(await stranger.get('/cabinet/v1/orders'), 401, 'SESSION_REQUIRED');
      expectError(await stranger.post(`/cabinet/v1/shops/${a.shopId}/rotate-token`), 401, 'SESSION_REQUIRED');
      expect((await merchantClient(hub, a.token)('/balance')).status).toBe(200);
    });
  });

  describe('sign-in throttle', () => {
    it('per account: after 5 failures even the right password is refused, on every hub of the database', async () => {
      const user = await op.ok('POST', `/merchants/${a.merchantId}/users`, { email: email('throttle') });
      const other = await startTestHub({ DROPGATE_ADMIN_TOKEN: 'another-operator-token-0123456789' });
      try {
        const here = new BrowserSession(hub.url);
        const there = new BrowserSession(other.url);
        for (let i = 0; i < 3; i++) expectError(await here.signInMerchant(user.email, `wrong-${i}-password`), 401, 'SIGN_IN_FAILED');
        for (let i = 0; i < 2; i++) expectError(await there.signInMerchant(user.email, `wrong-${i}-password`), 401, 'SIGN_IN_FAILED');
        const refused = expectError(await there.signInMerchant(user.email, user.password), 429, 'TOO_MANY_ATTEMPTS');
        expect(refused.message).toMatch(/try again in \d+ s/);
        expectError(await here.signInMerchant(user.email, user.password), 429, 'TOO_MANY_ATTEMPTS');
        // Other accounts are not locked out.
        expect((await new BrowserSession(other.url).signInMerchant(b.email, b.password)).status).toBe(201);

        // An operator session belongs to the operator token it was opened with.
        const operatorBrowser = new BrowserSession(hub.url);
        await operatorBrowser.signInOperator(ADMIN_TOKEN);
        const elsewhere = new BrowserSession(other.url);
        elsewhere.cookies.set('dg_session', operatorBrowser.cookies.get('dg_session')!);
        expectError(await elsewhere.get('/console/v1/session'), 401, 'SESSION_REQUIRED');
      } finally {
        await other.stop();
      }
    });

    it('per address: failures from one client address stop it, and not others', async () => {
      const strict = await startTestHub({ DROPGATE_SIGNIN_MAX_PER_IP: '3' });
      try {
        // Loopback addresses of their own (any 127.x.y.z), so that no other test's failures count here.
        const loopback = () => `127.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(1, 255)}`;
        const attacker = new BrowserSession(strict.url, loopback());
        for (let i = 0; i < 3; i++) expectError(await attacker.signInMerchant(email('spray'), 'guess-password'), 401, 'SIGN_IN_FAILED');
        expectError(await attacker.signInMerchant(a.email, a.password), 429, 'TOO_MANY_ATTEMPTS');
        expect((await new BrowserSession(strict.url, loopback()).signInMerchant(a.email, a.password)).status).toBe(201);
      } finally {
        await strict.stop();
      }
    });
  });
});
