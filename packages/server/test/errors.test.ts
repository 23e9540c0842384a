/**
 * Every error of the Partner API that a merchant can reach, over real HTTP: the code, its HTTP
 * status from the contract's table, and the one shape {"error": {"code", "message", ...}}.
 * Bad input of any kind is 400 INVALID_REQUEST_BODY naming the field (413/415 for the body
 * itself), never a 500, never a stack trace. Refused calls move no money (the audit agrees).
 */
import { randomBytes } from 'node:crypto';
import { ERROR_STATUS } from '@dropgate/contract';
import { beforeAll, describe, expect, it } from 'vitest';
import { insertInFlightOrder, useDatabaseClient } from './support/db.ts';
import { expectError } from './support/expect.ts';
import { ADMIN_TOKEN, call, keysFor, merchantClient, operator, useIsolatedHub, useTestHub } from './support/hub.ts';

const hub = useTestHub();
const op = operator(hub);
const db = useDatabaseClient();

/** An offer id no test creates (helpers use ids below 2^31). */
const NO_SUCH_ID = Number.MAX_SAFE_INTEGER;

/** Every Partner API route with a body that would pass validation. */
const ROUTES: Array<{ method: 'GET' | 'POST'; path: string; body?: unknown }> = [
  { method: 'GET', path: '/balance' },
  { method: 'POST', path: '/balance/check' },
  { method: 'GET', path: '/balance/transactions?page=1&limit=20' },
  { method: 'POST', path: '/offers/find-one', body: { offerId: 999 } },
  { method: 'POST', path: '/offers/create-order', body: { offerId: 999, price: 23.09, transactionId: 'auth-check' } },
  { method: 'POST', path: '/offers/order-status', body: { orderId: 1 } },
  { method: 'POST', path: '/offers/check-game-data', body: { offerId: 999, gameUserId: '1' } },
  { method: 'POST', path: '/offers/cancel-order', body: { orderId: 1 } },
  { method: 'POST', path: '/offers/refund-request', body: { orderId: 1 } },
];

function partner(path: string, init: Parameters<typeof call>[1] = {}) {
  return call(`${hub.url}/api/v1${path}`, init);
}

async function expectAuditClean(operatorApi: ReturnType<typeof operator>) {
  const report = await operatorApi.audit();
  expect(report.violations).toEqual([]);
  expect(report.ok).toBe(true);
}

describe('Partner API errors', () => {
  it('the contract gives each code the status these tests expect', () => {
    expect(ERROR_STATUS).toMatchObject({
      INVALID_TOKEN: 401, OFFER_NOT_FOUND: 404, TRANSACTION_DUPLICATE: 409, WRONG_PRICE: 409, ORDER_NOT_FOUND: 404,
      ORDER_NOT_PROCESSING: 409, ORDER_NOT_COMPLETED: 409, ORDER_ALREADY_CANCELED: 409, ORDER_ALREADY_REFUNDED: 409,
      SERVICE_UNAVAILABLE: 503, INVALID_REQUEST_BODY: 400, INSUFFICIENT_BALANCE: 402, BALANCE_UNAVAILABLE: 503,
    });
  });

  describe('INVALID_TOKEN (401)', () => {
    it('a missing Authorization header, on every route', async () => {
      for (const route of ROUTES) {
        const error = expectError(await partner(route.path, { method: route.method, body: route.body }), 401, 'INVALID_TOKEN');
        expect(Object.keys(error)).toEqual(['code', 'message']);
      }
    });

    it('a wrong or malformed token, on every route; "Bearer <token>" is the token', async () => {
      const { token } = await op.merchant(undefined, '10.00');
      const bad = [
        randomBytes(16).toString('hex'), // well-formed, but no shop has it
        `Token ${token}`,
        token.toUpperCase(),
        token.slice(0, 31),
        `${token}a`,
        'abc',
        'null',
        '',
        ADMIN_TOKEN, // the operator token is not a shop token
        `Bearer ${ADMIN_TOKEN}`,
      ];
      for (const route of ROUTES) {
        for (const value of bad) {
          expectError(await partner(route.path, { method: route.method, body: route.body, token: value }), 401, 'INVALID_TOKEN');
        }
      }
      // The real token works, raw (the spec) or as a bearer token (the live service), so the
      // refusals above were about the token only.
      expect((await partner('/balance', { token })).status).toBe(200);
      for (const value of [`Bearer ${token}`, `bearer ${token}`, `BEARER  ${token}`]) {
        expect((await partner('/balance', { token: value })).status).toBe(200);
      }
    });

    it('is checked before the body: a bad token with a bad body says INVALID_TOKEN', async () => {
      expectError(await partner('/offers/create-order', { token: 'nope', body: { offerId: '999' } }), 401, 'INVALID_TOKEN');
      expectError(await partner('/offers/create-order', { token: 'nope', rawBody: '{broken', contentType: 'application/json' }), 401, 'INVALID_TOKEN');
      expectError(await partner('/offers/find-one', { token: 'nope', rawBody: 'offerId=1', contentType: 'text/plain' }), 401, 'INVALID_TOKEN');
    });
  });

  describe('offers and orders', () => {
    it('OFFER_NOT_FOUND (404) for an offer that does not exist, on find-one, create-order and check-game-data', async () => {
      const { token } = await op.merchant(undefined, '10.00');
      const api = merchantClient(hub, token);
      expectError(await api('/offers/find-one', { offerId: NO_SUCH_ID }), 404, 'OFFER_NOT_FOUND');
      expectError(await api('/offers/create-order', { offerId: NO_SUCH_ID, price: 1, transactionId: 'nf-1' }), 404, 'OFFER_NOT_FOUND');
      expectError(await api('/offers/check-game-data', { offerId: NO_SUCH_ID, gameUserId: '1' }), 404, 'OFFER_NOT_FOUND');
      // An offer visible to nobody in particular (an empty list) is not found either.
      const hidden = await op.offer({ price: '1.00', currency: 'USD', merchants: [] }, keysFor('hidden', 1));
      expectError(await api('/offers/find-one', { offerId: hidden.id }), 404, 'OFFER_NOT_FOUND');
      expectError(await api('/offers/create-order', { offerId: hidden.id, price: 1, transactionId: 'nf-2' }), 404, 'OFFER_NOT_FOUND');
      expect((await api('/balance')).body.balance).toBe(10);
      expect((await api('/balance/transactions')).body.total).toBe(1);
    });

    it('TRANSACTION_DUPLICATE (409) names the existing orderId, whatever else the repeat says', async () => {
      const { token } = await op.merchant(undefined, '10.00');
      const api = merchantClient(hub, token);
      const offer = await op.offer({ price: '1.00', currency: 'USD' }, keysFor('dup', 3));
      const other = await op.offer({ price: '2.00', currency: 'USD' }, keysFor('dup2', 1));
      const created = await api('/offers/create-order', { offerId: offer.id, price: 1, transactionId: 'dup-1' });
      expect(created.status).toBe(200);
      const { orderId } = created.body;

      for (const repeat of [
        { offerId: offer.id, price: 1, transactionId: 'dup-1' },
        { offerId: other.id, price: 2, transactionId: 'dup-1' },
        { offerId: 999, price: 23.09, transactionId: 'dup-1' },
        { offerId: offer.id, price: 1.5, transactionId: 'dup-1' }, // a wrong price too: the duplicate wins
      ]) {
        const error = expectError(await api('/offers/create-order', repeat), 409, 'TRANSACTION_DUPLICATE');
        expect(error.orderId).toBe(orderId);
        expect(error.message).toContain('dup-1');
      }
      // A canceled (out of stock) order and a sandbox order keep their transactionIds too.
      const empty = await op.offer({ price: '1.00', currency: 'USD' });
      const canceled = await api('/offers/create-order', { offerId: empty.id, price: 1, transactionId: 'dup-2' });
      expect(canceled.body.status).toBe('CANCELED');
      expect(expectError(await api('/offers/create-order', { offerId: offer.id, price: 1, transactionId: 'dup-2' }), 409, 'TRANSACTION_DUPLICATE').orderId).toBe(canceled.body.orderId);
      const sandbox = await api('/offers/create-order', { offerId: 999, price: 23.09, transactionId: 'dup-3' });
      expect(sandbox.status).toBe(200);
      expect(expectError(await api('/offers/create-order', { offerId: 999, price: 23.09, transactionId: 'dup-3' }), 409, 'TRANSACTION_DUPLICATE').orderId).toBe(sandbox.body.orderId);

      expect((await api('/balance')).body.balance).toBe(9); // one debit
      expect((await op.ok('GET', `/offers/${offer.id}`)).stock).toEqual({ available: 2, sold: 1 });
    });

    it('WRONG_PRICE (409) for any price but the current one; nothing is recorded, so the transactionId stays free', async () => {
      const { token } = await op.merchant(undefined, '10.00');
      const api = merchantClient(hub, token);
      const offer = await op.offer({ price: '5.00', currency: 'USD' }, keysFor('price', 1));
      for (const price of [5.01, 4.99, 50, 0.5]) {
        expectError(await api('/offers/create-order', { offerId: offer.id, price, transactionId: 'price-1' }), 409, 'WRONG_PRICE');
      }
      for (const price of [23.1, 23.08, 23]) {
        expectError(await api('/offers/create-order', { offerId: 999, price, transactionId: 'price-2' }), 409, 'WRONG_PRICE');
      }
      expectError(await api('/offers/order-status', { transactionId: 'price-1' }), 404, 'ORDER_NOT_FOUND');
      expect((await api('/balance')).body).toMatchObject({ balance: 10, draftBalance: 0 });

      const retried = await api('/offers/create-order', { offerId: offer.id, price: 5, transactionId: 'price-1' });
      expect(retried.status).toBe(200);
      expect(retried.body.status).toBe('COMPLETED');
    });

    it('INSUFFICIENT_BALANCE (402) debits nothing and keeps the key in stock', async () => {
      const { token } = await op.merchant(undefined, '1.00');
      const api = merchantClient(hub, token);
      const offer = await op.offer({ price: '1.01', currency: 'USD' }, keysFor('poor', 1));
      expectError(await api('/offers/create-order', { offerId: offer.id, price: 1.01, transactionId: 'poor-1' }), 402, 'INSUFFICIENT_BALANCE');
      const broke = await op.merchant();
      expectError(await merchantClient(hub, broke.token)('/offers/create-order', { offerId: offer.id, price: 1.01, transactionId: 'poor-1' }), 402, 'INSUFFICIENT_BALANCE');

      expect((await api('/balance')).body).toMatchObject({ balance: 1, draftBalance: 0 });
      expect((await api('/balance/transactions')).body.total).toBe(1);
      expectError(await api('/offers/order-status', { transactionId: 'poor-1' }), 404, 'ORDER_NOT_FOUND');
      expect((await op.ok('GET', `/offers/${offer.id}`)).stock).toEqual({ available: 1, sold: 0 });
    });

    it('ORDER_NOT_FOUND (404) for unknown orders and transactionIds, on every order call', async () => {
      const { token } = await op.merchant();
      const api = merchantClient(hub, token);
      expectError(await api('/offers/order-status', { orderId: NO_SUCH_ID }), 404, 'ORDER_NOT_FOUND');
      expectError(await api('/offers/order-status', { transactionId: 'never-used' }), 404, 'ORDER_NOT_FOUND');
      expectError(await api('/offers/cancel-order', { orderId: NO_SUCH_ID }), 404, 'ORDER_NOT_FOUND');
      expectError(await api('/offers/refund-request', { orderId: NO_SUCH_ID }), 404, 'ORDER_NOT_FOUND');
    });

    it('ORDER_NOT_PROCESSING (409): cancel-order on a COMPLETED order', async () => {
      const { token } = await op.merchant(undefined, '5.00');
      const api = merchantClient(hub, token);
      const offer = await op.offer({ price: '2.00', currency: 'USD' }, keysFor('done', 1));
      const created = await api('/offers/create-order', { offerId: offer.id, price: 2, transactionId: 'done-1' });
      expect(created.body.status).toBe('COMPLETED');
      expectError(await api('/offers/cancel-order', { orderId: created.body.orderId }), 409, 'ORDER_NOT_PROCESSING');
      expect((await api('/offers/order-status', { orderId: created.body.orderId })).body).toEqual(created.body);
      expect((await api('/balance')).body.balance).toBe(3);
    });

    it('ORDER_ALREADY_CANCELED (409): cancel-order and refund-request on a CANCELED order (and the operator refund)', async () => {
      const { token } = await op.merchant(undefined, '5.00');
      const api = merchantClient(hub, token);
      const empty = await op.offer({ price: '2.00', currency: 'USD' });
      const canceled = await api('/offers/create-order', { offerId: empty.id, price: 2, transactionId: 'gone-1' });
      expect(canceled.body.status).toBe('CANCELED');
      expectError(await api('/offers/cancel-order', { orderId: canceled.body.orderId }), 409, 'ORDER_ALREADY_CANCELED');
      expectError(await api('/offers/refund-request', { orderId: canceled.body.orderId }), 409, 'ORDER_ALREADY_CANCELED');
      expectError(await op.call('POST', `/orders/${canceled.body.orderId}/refund`, { reason: 'again' }), 409, 'ORDER_ALREADY_CANCELED');
      expect((await api('/balance')).body.balance).toBe(5); // refused before any debit: nothing to refund
      expect((await api('/balance/transactions')).body.total).toBe(1); // the deposit only
    });

    it('ORDER_ALREADY_REFUNDED (409): refund-request and cancel-order on a refunded order (and a second operator refund)', async () => {
      const { token } = await op.merchant(undefined, '5.00');
      const api = merchantClient(hub, token);
      const offer = await op.offer({ price: '2.00', currency: 'USD' }, keysFor('refunded', 1));
      const created = await api('/offers/create-order', { offerId: offer.id, price: 2, transactionId: 'refunded-1' });
      expect((await op.call('POST', `/orders/${created.body.orderId}/refund`, { reason: 'approved' })).status).toBe(200);

      expectError(await api('/offers/refund-request', { orderId: created.body.orderId }), 409, 'ORDER_ALREADY_REFUNDED');
      expectError(await api('/offers/cancel-order', { orderId: created.body.orderId }), 409, 'ORDER_ALREADY_REFUNDED');
      expectError(await op.call('POST', `/orders/${created.body.orderId}/refund`, { reason: 'twice' }), 409, 'ORDER_ALREADY_REFUNDED');
      expect((await api('/balance')).body.balance).toBe(5); // refunded exactly once
    });

    it('ORDER_NOT_COMPLETED (409): refund-request (and the operator refund) on an order still in flight', async () => {
      const { token, merchantId, shopId } = await op.merchant(undefined, '5.00');
      const api = merchantClient(hub, token);
      const offer = await op.offer({ price: '2.00', currency: 'USD' });
      const { orderId } = await insertInFlightOrder(db, { shopId, merchantId, offerId: offer.id, transactionId: 'flight-1' });

      expectError(await api('/offers/refund-request', { orderId }), 409, 'ORDER_NOT_COMPLETED');
      expectError(await op.call('POST', `/orders/${orderId}/refund`, { reason: 'too early' }), 409, 'ORDER_NOT_COMPLETED');
      expect((await api('/offers/order-status', { orderId })).body.status).toBe('PROCESSING');
      expect((await api('/balance')).body).toMatchObject({ balance: 3, draftBalance: 2 });
      expect((await op.order(orderId)).refundRequestedAt).toBeNull();
    });

    it('ORDER_IN_PROGRESS (409, extension): cancel-order on an order already sent to a supplier', async () => {
      const { token, merchantId, shopId } = await op.merchant(undefined, '5.00');
      const api = merchantClient(hub, token);
      const offer = await op.offer({ price: '2.00', currency: 'USD' });
      const { orderId } = await insertInFlightOrder(db, { shopId, merchantId, offerId: offer.id, transactionId: 'flight-2', stage: 'sent' });

      expectError(await api('/offers/cancel-order', { orderId }), 409, 'ORDER_IN_PROGRESS');
      expect((await api('/offers/order-status', { orderId })).body.status).toBe('PROCESSING');
      expect((await api('/balance')).body).toMatchObject({ balance: 3, draftBalance: 2 });
    });
  });

  describe('INVALID_REQUEST_BODY (400, 413, 415)', () => {
    let api: ReturnType<typeof merchantClient>;
    let token: string;
    let offerId: number;
    let valid: { offerId: number; price: number; transactionId: string };

    beforeAll(async () => {
      // A funded merchant and a stocked offer: a bad request that slipped through would show as an order.
      ({ token } = await op.merchant(undefined, '100.00'));
      api = merchantClient(hub, token);
      offerId = (await op.offer({ price: '1.00', currency: 'USD' }, keysFor('bad', 5))).id;
      valid = { offerId, price: 1, transactionId: 'bad-input' };
    });

    it('create-order: wrong types, bad amounts, missing fields, terms this hub does not sell, each naming the field', async () => {
      const { offerId: _o, ...noOffer } = valid;
      const { price: _p, ...noPrice } = valid;
      const { transactionId: _t, ...noTransaction } = valid;
      const cases: Array<[unknown, string]> = [
        [{ ...valid, offerId: '999' }, 'offerId'],
        [{ ...valid, offerId: String(offerId) }, 'offerId'],
        [{ ...valid, offerId: 1.5 }, 'offerId'],
        [{ ...valid, offerId: 0 }, 'offerId'],
        [{ ...valid, offerId: -1 }, 'offerId'],
        [{ ...valid, offerId: null }, 'offerId'],
        [{ ...valid, offerId: 2 ** 53 }, 'offerId'],
        [{ ...valid, offerId: [offerId] }, 'offerId'],
        [{ ...valid, price: '1.00' }, 'price'],
        [{ ...valid, price: true }, 'price'],
        [{ ...valid, price: null }, 'price'],
        [{ ...valid, price: -1 }, 'price'],
        [{ ...valid, price: 0 }, 'price'],
        [{ ...valid, price: 1.001 }, 'price'],
        [{ ...valid, price: 23.091 }, 'price'],
        [{ ...valid, price: 1e-7 }, 'price'],
        [{ ...valid, price: 1e21 }, 'price'],
        [{ ...valid, transactionId: 123 }, 'transactionId'],
        [{ ...valid, transactionId: '' }, 'transactionId'],
        [{ ...valid, transactionId: 'x'.repeat(129) }, 'transactionId'],
        [noOffer, 'offerId'],
        [noPrice, 'price'],
        [noTransaction, 'transactionId'],
        [{ ...valid, keyFormat: 'image' }, 'keyFormat'],
        [{ ...valid, keyFormat: 'jpeg' }, 'keyFormat'],
        [{ ...valid, useBalance: false }, 'useBalance'],
        [{ ...valid, useBalance: 'yes' }, 'useBalance'],
        [{ ...valid, countryCode: 'KAZ' }, 'countryCode'],
        [{ ...valid, countryCode: 7 }, 'countryCode'],
        [{ ...valid, customer: 'bob' }, 'customer'],
        [{ ...valid, customer: null }, 'customer'],
        [{ ...valid, customer: [] }, 'customer'],
        [{ ...valid, customer: { gameUserId: 52357322414 } }, 'customer.gameUserId'],
        [{ ...valid, customer: { gameUserId: '' } }, 'customer.gameUserId'],
        [{ ...valid, customer: { email: 42 } }, 'customer.email'],
        [{}, 'offerId'],
        [[], 'body'],
        [[valid], 'body'],
        ['text', 'body'],
        [42, 'body'],
        [true, 'body'],
      ];
      for (const [body, field] of cases) {
        expectError(await api('/offers/create-order', body), 400, 'INVALID_REQUEST_BODY', field);
      }
      // A JSON null body is not an object either.
      expectError(await partner('/offers/create-order', { token, rawBody: 'null' }), 400, 'INVALID_REQUEST_BODY', 'body');
      // Error messages say what was wrong, in words.
      expect(expectError(await api('/offers/create-order', { ...valid, offerId: '999' }), 400, 'INVALID_REQUEST_BODY', 'offerId').message)
        .toBe('offerId: must be a whole number, not a string');
      expect(expectError(await api('/offers/create-order', { ...valid, price: 23.091 }), 400, 'INVALID_REQUEST_BODY', 'price').message)
        .toBe('price: "23.091" is not an amount with at most 2 decimals');

      expectError(await api('/offers/order-status', { transactionId: 'bad-input' }), 404, 'ORDER_NOT_FOUND');
      expect((await api('/balance/transactions')).body.total).toBe(1);
    });

    it('the other calls: wrong types and missing fields (unknown ones are ignored)', async () => {
      const cases: Array<[string, unknown, string]> = [
        ['/offers/find-one', { offerId: '999' }, 'offerId'],
        ['/offers/find-one', {}, 'offerId'],
        ['/offers/find-one', { offerId: 999, countryCode: 'Kazakhstan' }, 'countryCode'],
        ['/offers/find-one', [999], 'body'],
        ['/offers/check-game-data', { offerId: 999 }, 'gameUserId'],
        ['/offers/check-game-data', { offerId: '999', gameUserId: '1' }, 'offerId'],
        ['/offers/check-game-data', { offerId: 999, gameUserId: 52357322414 }, 'gameUserId'],
        ['/offers/check-game-data', { offerId: 999, gameUserId: '1', gameServerId: 1234 }, 'gameServerId'],
        ['/offers/check-game-data', { offerId: 999, gameUserId: 'x'.repeat(65) }, 'gameUserId'],
        ['/offers/order-status', {}, 'orderId'],
        ['/offers/order-status', { orderId: 1, transactionId: 'both' }, 'orderId'],
        ['/offers/order-status', { orderId: '10000001' }, 'orderId'],
        ['/offers/order-status', { transactionId: 5 }, 'transactionId'],
        ['/offers/order-status', { orderID: 1 }, 'orderId'], // an unknown field is ignored: neither id was sent
        ['/offers/cancel-order', {}, 'orderId'],
        ['/offers/cancel-order', { orderId: 'x' }, 'orderId'],
        ['/offers/cancel-order', { orderId: 1, reason: 'r'.repeat(501) }, 'reason'],
        ['/offers/refund-request', { orderId: 1, reason: 5 }, 'reason'],
        ['/offers/refund-request', { orderId: 1.5 }, 'orderId'],
      ];
      for (const [path, body, field] of cases) {
        expectError(await api(path, body), 400, 'INVALID_REQUEST_BODY', field);
      }
    });

    it('bodies that are not JSON objects: broken, empty, huge (413), not JSON (415), prototype pollution', async () => {
      const json = 'application/json';
      for (const rawBody of ['{broken', '{"offerId": 999,}', "{'offerId': 999}", '{"offerId": 999', 'undefined', 'NaN']) {
        expectError(await partner('/offers/find-one', { token, rawBody, contentType: json }), 400, 'INVALID_REQUEST_BODY');
      }
      expectError(await partner('/offers/find-one', { token, rawBody: '', contentType: json }), 400, 'INVALID_REQUEST_BODY');
      expectError(await partner('/offers/create-order', { token, method: 'POST', contentType: json, rawBody: '' }), 400, 'INVALID_REQUEST_BODY');
      expectError(
        await partner('/offers/find-one', { token, rawBody: '{"offerId": 999, "__proto__": {"admin": true}}', contentType: json }),
        400, 'INVALID_REQUEST_BODY',
      );
      expectError(
        await partner('/offers/find-one', { token, rawBody: '{"offerId": 999, "constructor": {"prototype": {"admin": true}}}', contentType: json }),
        400, 'INVALID_REQUEST_BODY',
      );

      const huge = JSON.stringify({ ...valid, transactionId: 'huge', pad: 'x'.repeat(1024 * 1024) });
      expectError(await partner('/offers/create-order', { token, rawBody: huge, contentType: json }), 413, 'INVALID_REQUEST_BODY');

      const body = JSON.stringify({ offerId: 999 });
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
        expectError(await partner('/offers/find-one', { token, rawBody: body, contentType }), 415, 'INVALID_REQUEST_BODY');
      }
      // JSON with a charset is JSON.
      expect((await partner('/offers/find-one', { token, rawBody: body, contentType: 'application/json; charset=utf-8' })).status).toBe(200);
      expect((await api('/balance/transactions')).body.total).toBe(1);
    });

    it('a bad query: page and limit out of range or not numbers (unknown parameters are ignored)', async () => {
      const cases: Array<[string, string]> = [
        ['page=0', 'page'],
        ['page=-1', 'page'],
        ['page=1.5', 'page'],
        ['page=abc', 'page'],
        ['page=1000001', 'page'],
        ['limit=0', 'limit'],
        ['limit=101', 'limit'],
        ['limit=1000', 'limit'],
        ['limit=abc', 'limit'],
        ['limit=-5', 'limit'],
        ['limit=1e3', 'limit'],
      ];
      for (const [query, field] of cases) {
        expectError(await api(`/balance/transactions?${query}`), 400, 'INVALID_REQUEST_BODY', field);
      }
      // The edges themselves are fine.
      expect((await api('/balance/transactions?page=1&limit=100')).status).toBe(200);
      expect((await api('/balance/transactions?page=1000000&limit=1')).body).toEqual({ transactions: [], total: 1 });
    });
  });

  describe('unknown routes', () => {
    it('answer 404 with the same shape', async () => {
      const { token } = await op.merchant();
      for (const [method, path] of [
        ['GET', '/api/v1/nope'], ['POST', '/api/v1/offers/nope'], ['GET', '/api/v1/offers/find-one'], ['PUT', '/api/v1/balance'],
        ['DELETE', '/api/v1/balance'], ['GET', '/api/v2/balance'], ['GET', '/admin/v1/nope'], ['GET', '/console/v1/nope'],
        ['POST', '/cabinet/v1/nope'], ['POST', '/'],
      ] as const) {
        const error = expectError(await call(`${hub.url}${path}`, { method, token }), 404, 'NOT_FOUND');
        expect(error.message).toContain(path);
      }
      // GET / is the back-office app (docs/backoffice.md); API paths never fall back to it.
      const page = await fetch(`${hub.url}/`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="app">');
      expectError(await call(`${hub.url}/api/v1/nope`, { token }), 404, 'NOT_FOUND');
    });
  });

  it('refused calls moved no money (audit)', async () => {
    await expectAuditClean(op);
  });
});

describe('the hub unable to serve (a deployment of its own)', () => {
  const own = useIsolatedHub();
  const ownOp = operator(own);
  let token: string;

  beforeAll(async () => {
    ({ token } = await ownOp.merchant(undefined, '50.00'));
  });

  it('SERVICE_UNAVAILABLE (503) for an offer in a currency with no FX rate yet; nothing is recorded', async () => {
    // A fresh deployment: only USD has a rate until the operator sets the others.
    expect((await ownOp.ok('GET', '/fx')).rates.map((r: { currency: string }) => r.currency)).toEqual(['USD']);
    const api = merchantClient(own, token);
    const offer = await ownOp.offer({ productName: 'Steam Wallet KZ', offerName: '5000 KZT', price: '5000.00', currency: 'KZT' }, keysFor('kzt', 1));

    expectError(await api('/offers/create-order', { offerId: offer.id, price: 5000, transactionId: 'kzt-1' }), 503, 'SERVICE_UNAVAILABLE');
    expectError(await api('/offers/order-status', { transactionId: 'kzt-1' }), 404, 'ORDER_NOT_FOUND');
    expect((await api('/balance')).body).toMatchObject({ balance: 50, draftBalance: 0 });
    // Reading the offer needs no rate (its price is in its own currency), nor does the sandbox offer.
    expect((await api('/offers/find-one', { offerId: offer.id })).body).toMatchObject({ price: 5000, currency: 'KZT' });
    expect((await api('/offers/create-order', { offerId: 999, price: 23.09, transactionId: 'sandbox-1' })).body.status).toBe('COMPLETED');

    // Once the operator sets the rate, the same transactionId goes through.
    await ownOp.rate('KZT', '0.0019');
    const retried = await api('/offers/create-order', { offerId: offer.id, price: 5000, transactionId: 'kzt-1' });
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe('COMPLETED');
    expect((await api('/balance')).body.balance).toBe(40.5);
    await expectAuditClean(ownOp);
  });

  it('BALANCE_UNAVAILABLE (503) on the balance calls and SERVICE_UNAVAILABLE (503) elsewhere when the database is gone', async () => {
    const api = merchantClient(own, token);
    expect((await api('/balance')).status).toBe(200);

    // The database disappears under the running hub (every connection to it is cut).
    await own.database.drop();

    expectError(await api('/balance'), 503, 'BALANCE_UNAVAILABLE');
    expectError(await api('/balance/check', {}), 503, 'BALANCE_UNAVAILABLE');
    expectError(await api('/balance/transactions?page=1&limit=5'), 503, 'BALANCE_UNAVAILABLE');
    expectError(await api('/offers/find-one', { offerId: 999 }), 503, 'SERVICE_UNAVAILABLE');
    expectError(await api('/offers/create-order', { offerId: 999, price: 23.09, transactionId: 'down-1' }), 503, 'SERVICE_UNAVAILABLE');
    expectError(await api('/offers/order-status', { orderId: 1 }), 503, 'SERVICE_UNAVAILABLE');
    const error = expectError(await api('/offers/check-game-data', { offerId: 999, gameUserId: '1' }), 503, 'SERVICE_UNAVAILABLE');
    expect(error.message).toMatch(/retry later/i);
    // Still the hub's own answer, not a crash: it keeps serving what needs no database.
    expect((await call(`${own.url}/health`)).status).toBe(200);
  });
});
