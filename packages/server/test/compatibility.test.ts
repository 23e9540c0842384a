/**
 * The compatibility suite: what public GamesDrop clients send, call by call (their headers, their
 * bodies with the fields they add, their paths and aliases), against a real hub. Each case names
 * the client it replays (docs/compatibility.md lists them): C1 a TypeScript reseller hub, C2 a
 * shop that recorded live answers, C3 a Python shop, C4 a Next.js shop, C5 a catalog importer,
 * C6 an aiogram Telegram bot. Its own database: the catalog counts are exact.
 */
import { request as httpRequest } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { cents, expectError } from './support/expect.ts';
import { call, keysFor, operator, useIsolatedHub } from './support/hub.ts';

const hub = useIsolatedHub();
const op = operator(hub);

let token: string;
let merchantId: number;
let shopId: number;
/** PUBG MOBILE GIFT 60 UC, 560.10 RUB, a player id required: the spec's 1001. */
const PUBG = 1001;
/** A top-up on a game with servers. */
const SERVERED = 2001;
/** Not sold to Nigeria. */
const REGIONAL = 2002;
/** No stock, no supplier: its orders cancel. */
const EMPTY = 2003;
/** Sold to one other merchant only. */
const PRIVATE = 2004;

const api = (path: string, body?: unknown, init: { method?: string; authorization?: string; headers?: Record<string, string> } = {}) =>
  call(`${hub.url}${path}`, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), token: init.authorization ?? token, body, headers: init.headers });
const balance = async () => cents((await api('/api/v1/balance')).body.balance);

/** A GET with a JSON body, as C3's httpx client sends every call (fetch refuses to). */
function getWithBody(path: string, body: string): Promise<{ status: number; body: any }> {
  const url = new URL(path, hub.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'GET', headers: { authorization: token, 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  await op.rate('RUB', '0.0108');
  const pubg = await op.ok('POST', '/products', { name: 'PUBG MOBILE GIFT', category: 'Top Up', platformCode: 'mobile', platformName: 'Mobile', regionCode: 'GLB', regionName: 'Global' });
  const mlbb = await op.ok('POST', '/products', { name: 'Mobile Legends', category: 'Top Up', regionCode: 'SEA', regionName: 'South-East Asia', excludedCountryCodes: ['ng'] });
  const cards = await op.ok('POST', '/products', { name: 'Steam Wallet', category: 'Gift Cards', platformCode: 'steam', platformName: 'Steam' });
  const offer = (id: number, productId: number, fields: Record<string, unknown>, keys = 0) =>
    op.ok('PUT', `/offers/${id}`, { productId, returnsKey: true, ...fields }).then(async () => keys > 0 && op.ok('POST', `/offers/${id}/stock`, { keys: keysFor(`c${id}`, keys) }));
  await offer(PUBG, pubg.id, { offerName: '60 UC', price: '560.10', currency: 'RUB', requiresGameUserId: true }, 10);
  await offer(SERVERED, mlbb.id, { offerName: '86 Diamonds', price: '1.50', currency: 'USD', requiresGameUserId: true }, 10);
  await op.ok('PUT', `/offers/${SERVERED}/servers`, { servers: { 2010: 'Asia', 2011: 'Europe' } });
  await offer(REGIONAL, mlbb.id, { offerName: '172 Diamonds', price: '3.00', currency: 'USD' }, 5);
  await offer(EMPTY, cards.id, { offerName: '5 USD', price: '5.00', currency: 'USD' });
  const other = await op.merchant('other');
  await offer(PRIVATE, cards.id, { offerName: '10 USD', price: '10.00', currency: 'USD', merchants: [other.merchantId] }, 3);
  ({ token, merchantId, shopId } = await op.merchant('reseller', '100.00'));
});

describe('balance, as clients check it', () => {
  it('C1, C2: GET /api/v1/balance with Accept: the spec fields and the live service fields clients read', async () => {
    const answer = await api('/api/v1/balance', undefined, { headers: { accept: 'application/json' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      balance: 100, draftBalance: 0, currency: { id: 3, code: 'USD' },
      shopId, shopName: 'reseller-shop', partnerId: merchantId, isPostpaid: false, balanceProfile: 'FIAT',
    });
  });

  it('C1 and C5: GET /api/v1/partner/balance; C4, C6: GET /api/v1/offers/balance; C3: the same with a {} body', async () => {
    const spec = (await api('/api/v1/balance')).body;
    expect((await api('/api/v1/partner/balance')).body).toEqual(spec);
    expect((await api('/api/v1/offers/balance')).body).toEqual(spec);
    expect(await getWithBody('/api/v1/offers/balance', '{}')).toEqual({ status: 200, body: spec });
  });

  it('the English edition: POST /api/v1/balance/check with no body, an empty JSON body, or {}', async () => {
    const spec = (await api('/api/v1/balance')).body;
    expect((await call(`${hub.url}/api/v1/balance/check`, { method: 'POST', token })).body).toEqual(spec);
    expect((await call(`${hub.url}/api/v1/balance/check`, { method: 'POST', token, rawBody: '', contentType: 'application/json' })).body).toEqual(spec);
    expect((await api('/api/v1/balance/check', {})).body).toEqual(spec);
  });

  it('Authorization: Bearer <token> is the token, on every merchant call; a wrong one is 401 in the live shape', async () => {
    const bearer = `Bearer ${token}`;
    expect((await api('/api/v1/balance', undefined, { authorization: bearer })).status).toBe(200);
    expect((await api('/api/v1/offers/find-one', { offerId: 999 }, { authorization: bearer })).status).toBe(200);
    expect((await api('/api/v1/offers/sync', { limit: 1 }, { authorization: bearer })).status).toBe(200);
    expect((await api('/api/codegames/check', { product_id: 999 }, { authorization: bearer })).body.status).toBe('OK');
    expectError(await api('/api/v1/balance', undefined, { authorization: 'Bearer 0123456789abcdef0123456789abcdef' }), 401, 'INVALID_TOKEN');
  });
});

describe('find-one and the catalog feed, as resellers import', () => {
  it('C1: find-one with countryCode: the spec fields, then the catalog fields, the debit in USD before buying', async () => {
    const answer = await api('/api/v1/offers/find-one', { offerId: PUBG, countryCode: 'KZ' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      offerId: PUBG, productName: 'PUBG MOBILE GIFT', offerName: '60 UC', count: 1, price: 560.1, currency: 'RUB', isReturnDataForCustomer: true,
      offerGroupId: PUBG, isRequiredGameUserId: true, isRequiredGameServerId: false, inStock: true,
      platformCode: 'mobile', platformName: 'Mobile', regionCode: 'GLB', regionName: 'Global', regionalLimitations: null,
      excludedCountryCodes: [], countryCompatibility: 'allowed',
      priceBreakdown: {
        providerPrice: 560.1, providerCurrency: 'RUB', addedPercent: 0, fxRate: 1, price: 560.1, currency: 'RUB', isPriceFresh: true,
        // 560.10 RUB at 0.0108 = 6.04908 → 6.05, what create-order debits.
        debitAmount: 6.05, debitCurrency: 'USD', debitFxRate: 0.0108,
      },
    });
  });

  it('countryCompatibility: blocked for an excluded country (any case), allowed otherwise, not_checked without one', async () => {
    const compat = async (countryCode?: string) => (await api('/api/v1/offers/find-one', { offerId: REGIONAL, ...(countryCode && { countryCode }) })).body;
    expect(await compat('NG')).toMatchObject({ countryCompatibility: 'blocked', excludedCountryCodes: ['NG'] });
    expect((await compat('ng')).countryCompatibility).toBe('blocked');
    expect((await compat('KZ')).countryCompatibility).toBe('allowed');
    expect((await compat()).countryCompatibility).toBe('not_checked');
  });

  it('C1: sync by category, page after page, until a short page has brought exactly count rows', async () => {
    const rows: any[] = [];
    let count: number | undefined;
    for (let page = 1; ; page++) {
      const answer = await api('/api/v1/offers/sync', { limit: 2, page, category: 'Top Up' });
      expect(answer.status).toBe(200);
      count ??= answer.body.count;
      expect(answer.body.count).toBe(count); // the same on every page
      rows.push(...answer.body.rows);
      if (answer.body.rows.length < 2) break;
    }
    expect(rows.map((r) => r.offerGroupId)).toEqual([PUBG, SERVERED, REGIONAL]);
    expect(count).toBe(3);
    for (const row of rows) {
      expect(row.offerId).toBe(row.offerGroupId);
      expect(Number.isInteger(row.productId)).toBe(true);
      expect(row.productName.length).toBeGreaterThan(0);
      expect(row.offerGroupName.length).toBeGreaterThan(0);
      expect(row.price).toBeGreaterThan(0);
      expect(row.available).toBe(true);
    }
    expect(rows[1]).toMatchObject({ offerGroupName: '86 Diamonds', productName: 'Mobile Legends', category: 'Top Up', isRequiredGameServerId: true, inStock: true });
    // Past the end: no rows, the same count.
    expect((await api('/api/v1/offers/sync', { limit: 2, page: 9, category: 'Top Up' })).body).toEqual({ count: 3, rows: [] });
  });

  it('C3: sync with {}; C5: a page of one for a country; C6: {limit: 2, page: 1}; only what this merchant may buy', async () => {
    const all = await api('/api/v1/offers/sync', {});
    expect(all.status).toBe(200);
    const ids = all.body.rows.map((r: { offerId: number }) => r.offerId);
    expect(ids).toEqual([999, PUBG, SERVERED, REGIONAL, EMPTY]); // id order; PRIVATE is another merchant's
    expect(all.body.count).toBe(5);
    expect(all.body.rows.find((r: { offerId: number }) => r.offerId === EMPTY).inStock).toBe(false);

    const nigeria = await api('/api/v1/offers/sync', { page: 1, limit: 1, countryCode: 'NG' });
    expect(nigeria.body.count).toBe(5);
    expect(nigeria.body.rows).toHaveLength(1);
    const blocked = (await api('/api/v1/offers/sync', { countryCode: 'NG', search: '172' })).body.rows;
    expect(blocked.map((r: { offerId: number; countryCompatibility: string }) => [r.offerId, r.countryCompatibility])).toEqual([[REGIONAL, 'blocked']]);

    const bot = await api('/api/v1/offers/sync', { limit: 2, page: 1 });
    expect(bot.status).toBe(200);
    expect(bot.body.rows.map((r: { offerGroupName: string; currency: string }) => [r.offerGroupName, r.currency])).toEqual([['TEST OFFER GROUP', 'KZT'], ['60 UC', 'RUB']]);
  });

  it('search narrows count and rows, in product and offer names, any case; nonsense finds nothing', async () => {
    expect((await api('/api/v1/offers/sync', { search: 'mobile legends' })).body.count).toBe(2);
    expect((await api('/api/v1/offers/sync', { search: 'DIAMONDS' })).body.rows.map((r: { offerId: number }) => r.offerId)).toEqual([SERVERED, REGIONAL]);
    expect((await api('/api/v1/offers/sync', { search: 'no such game at all' })).body).toEqual({ count: 0, rows: [] });
  });

  it('updatedSince (extension): what changed since, and an offer this merchant lost, marked unavailable', async () => {
    const before = new Date().toISOString();
    expect((await api('/api/v1/offers/sync', { updatedSince: before })).body).toEqual({ count: 0, rows: [] });
    expectError(await api('/api/v1/offers/sync', { updatedSince: 'yesterday' }), 400, 'INVALID_REQUEST_BODY', 'updatedSince');
    await op.ok('PUT', `/offers/${EMPTY}`, { productName: 'Steam Wallet', offerName: '5 USD', price: '5.50', currency: 'USD' });
    const changed = (await api('/api/v1/offers/sync', { updatedSince: before })).body;
    expect(changed.rows.map((r: { offerId: number; price: number }) => [r.offerId, r.price])).toEqual([[EMPTY, 5.5]]);
    expect(Date.parse(changed.rows[0].updatedAt)).toBeGreaterThan(Date.parse(before));

    // Access taken away: the merchant sees the offer once more, unavailable; nobody else learns of it.
    const lost = await op.merchant('lost', '5.00');
    await op.ok('PUT', `/offers/${REGIONAL}/access/${lost.merchantId}`, { allowed: true });
    const since = new Date().toISOString();
    await op.ok('PUT', `/offers/${REGIONAL}/access/${lost.merchantId}`, { allowed: false });
    const feed = (token: string) => call(`${hub.url}/api/v1/offers/sync`, { token, body: { updatedSince: since } });
    expect((await feed(lost.token)).body.rows.map((r: { offerId: number; available: boolean }) => [r.offerId, r.available])).toEqual([[REGIONAL, false]]);
    expect((await feed(token)).body.rows.map((r: { offerId: number; available: boolean }) => [r.offerId, r.available])).toEqual([[REGIONAL, true]]);
    expect((await call(`${hub.url}/api/v1/offers/sync`, { token: lost.token, body: {} })).body.rows.map((r: { offerId: number }) => r.offerId)).not.toContain(REGIONAL);
  });

  it('selling the last key shows in updatedSince as inStock: false, and new keys as inStock: true', async () => {
    const id = 2005;
    await op.ok('PUT', `/offers/${id}`, { productName: 'Steam Wallet', offerName: '1 USD', price: '1.00', currency: 'USD' });
    await op.ok('POST', `/offers/${id}/stock`, { keys: keysFor('last', 1) });
    const since = new Date().toISOString();
    expect((await api('/api/v1/offers/create-order', { offerId: id, price: 1, transactionId: 'last-key' })).body.status).toBe('COMPLETED');
    const rows = (await api('/api/v1/offers/sync', { updatedSince: since })).body.rows;
    expect(rows.map((r: { offerId: number; inStock: boolean }) => [r.offerId, r.inStock])).toEqual([[id, false]]);
    // And back: new keys show it in stock again.
    const restocked = rows[0].updatedAt;
    await op.ok('POST', `/offers/${id}/stock`, { keys: keysFor('again', 1) });
    const back = (await api('/api/v1/offers/sync', { updatedSince: restocked })).body.rows;
    expect(back.map((r: { offerId: number; inStock: boolean }) => [r.offerId, r.inStock])).toEqual([[id, true]]);
  });

  it('C1: servers of an offer as an id → name map ({} for none); C3 calls the same at /api/v1/offers/servers', async () => {
    expect((await api('/api/v1/partner/product-offer/servers', { offerId: SERVERED })).body).toEqual({ 2010: 'Asia', 2011: 'Europe' });
    expect((await api('/api/v1/offers/servers', { offerId: SERVERED })).body).toEqual({ 2010: 'Asia', 2011: 'Europe' });
    expect((await api('/api/v1/partner/product-offer/servers', { offerId: PUBG })).body).toEqual({});
    expectError(await api('/api/v1/partner/product-offer/servers', { offerId: PRIVATE }), 404, 'OFFER_NOT_FOUND');
  });

  it('a trailing slash is the same path; unknown calls (C6 complete-order, C4 offers/list) are 404 in the error shape', async () => {
    expect((await api('/api/v1/offers/find-one/', { offerId: 999 })).status).toBe(200);
    expect((await api('/api/v1/balance/')).status).toBe(200);
    expectError(await api('/api/v1/offers/complete-order', { orderId: 1, gameUserId: '1' }), 404, 'NOT_FOUND');
    expectError(await api('/api/v1/offers/list'), 404, 'NOT_FOUND');
  });
});

describe('create-order and order-status, as clients buy', () => {
  it('C1: its fields beside the spec\'s are honoured or ignored; a retry is TRANSACTION_DUPLICATE with one debit', async () => {
    const before = await balance();
    const body = {
      offerId: PUBG, price: 560.1, transactionId: 'KIROPRO-3f0c9a1e-8d1b-4c55-9a40-0c1d2e3f4a5b',
      countryCode: 'KZ', keyFormat: 'text', useBalance: true,
      customer: { email: 'buyer@example.com', gameUserId: '52357322414' },
    };
    const created = await api('/api/v1/offers/create-order', body);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ orderId: expect.any(Number), status: 'COMPLETED', key: expect.any(String), offerId: PUBG });
    const again = expectError(await api('/api/v1/offers/create-order', body), 409, 'TRANSACTION_DUPLICATE');
    expect(again.orderId).toBe(created.body.orderId);
    expect(before - (await balance())).toBe(605);
  });

  it('C3: a Python float price, a customer without email; C6: paymentMethod and returnUrl: exactly 200', async () => {
    expect((await api('/api/v1/offers/create-order', { offerId: PUBG, price: 560.1, transactionId: 'TY-1-1-1', customer: { gameUserId: '777' } })).status).toBe(200);
    const bot = await api('/api/v1/offers/create-order', {
      offerId: SERVERED, price: 1.5, transactionId: 'tg_143594291_1767225600',
      customer: { gameUserId: '52357322414', gameServerId: '2010', email: 'user_1@example.com' }, paymentMethod: 'card', returnUrl: 'https://t.me/example_bot',
    });
    expect(bot.status).toBe(200);
    expect(bot.body.status).toBe('COMPLETED');
  });

  it('refusals before any debit: no player id (C6), a flat C4 body, a server off the list, an excluded country, terms not sold', async () => {
    const before = await balance();
    expectError(await api('/api/v1/offers/create-order', { offerId: PUBG, price: 560.1, transactionId: 'c6-1', customer: { email: 'user@example.com' } }), 400, 'INVALID_REQUEST_BODY', 'customer.gameUserId');
    expectError(await api('/api/v1/offers/create-order', { offerId: PUBG, gameUserId: '1', idempotencyKey: 'DELIVERY-1', customerEmail: 'a@example.com' }), 400, 'INVALID_REQUEST_BODY', 'price');
    expectError(await api('/api/v1/offers/create-order', { offerId: SERVERED, price: 1.5, transactionId: 's-1', customer: { gameUserId: '1', gameServerId: '9999' } }), 400, 'INVALID_REQUEST_BODY', 'customer.gameServerId');
    expectError(await api('/api/v1/offers/create-order', { offerId: SERVERED, price: 1.5, transactionId: 's-2', customer: { gameUserId: '1' } }), 400, 'INVALID_REQUEST_BODY', 'customer.gameServerId');
    expectError(await api('/api/v1/offers/create-order', { offerId: REGIONAL, price: 3, transactionId: 'ng-1', countryCode: 'NG' }), 403, 'COUNTRY_NOT_ALLOWED');
    expectError(await api('/api/v1/offers/create-order', { offerId: REGIONAL, price: 3, transactionId: 'img-1', keyFormat: 'image' }), 400, 'INVALID_REQUEST_BODY', 'keyFormat');
    expectError(await api('/api/v1/offers/create-order', { offerId: REGIONAL, price: 3, transactionId: 'post-1', useBalance: false }), 400, 'INVALID_REQUEST_BODY', 'useBalance');
    expectError(await api('/api/v1/offers/create-order', { offerId: REGIONAL, price: 2.9, transactionId: 'stale-1' }), 409, 'WRONG_PRICE');
    expect(await balance()).toBe(before);
    // None of those transactionIds was used: each can still buy.
    expect((await api('/api/v1/offers/create-order', { offerId: REGIONAL, price: 3, transactionId: 'ng-1', countryCode: 'KZ' })).body.status).toBe('COMPLETED');
  });

  it('check-game-data: a server on the list is VALID, off it INVALID (200 both); C4-style ids are accepted', async () => {
    expect((await api('/api/v1/offers/check-game-data', { offerId: SERVERED, gameUserId: '52357322414', gameServerId: '2011' })).body)
      .toEqual({ status: 'VALID', gameUserLogin: '52357322414' });
    const off = await api('/api/v1/offers/check-game-data', { offerId: SERVERED, gameUserId: '52357322414', gameServerId: '1' });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ status: 'INVALID' });
    for (const gameUserId of ['63314139102725674019', 'baki_x_yosi']) {
      expect((await api('/api/v1/offers/check-game-data', { offerId: PUBG, gameUserId })).body.status).toBe('VALID');
    }
  });

  it('C1, C6: order-status by orderId (CANCELED carries message); C3: by transactionId; an unknown one is ORDER_NOT_FOUND', async () => {
    const canceled = await api('/api/v1/offers/create-order', { offerId: EMPTY, price: 5.5, transactionId: 'empty-1' });
    expect(canceled.body.status).toBe('CANCELED');
    const byId = await api('/api/v1/offers/order-status', { orderId: canceled.body.orderId });
    expect(byId.body).toMatchObject({ status: 'CANCELED', message: 'Out of stock' });
    expect(byId.body.key).toBeUndefined();
    expect((await api('/api/v1/offers/order-status', { transactionId: 'empty-1' })).body).toEqual(byId.body);
    expectError(await api('/api/v1/offers/order-status', { transactionId: 'TY-never' }), 404, 'ORDER_NOT_FOUND');
  });

  it('C1: Telegram user-info with "@name" answers the spec shape', async () => {
    const answer = await api('/api/aggregator/a6/telegram/user-info', { username: '@durov_example' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ valid: true, username: 'durov_example', message: expect.any(String) });
  });

  it('the books balance after every call above', async () => {
    expect(await op.audit()).toMatchObject({ ok: true, violations: [] });
  });
});
