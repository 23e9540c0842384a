/**
 * The operator API under /admin/v1, over real HTTP: auth, merchants, shops, deposits, offers,
 * stock, FX, orders and the audit, with their validation and not-found codes; the keys at rest
 * (read back from PostgreSQL: never in clear); the OpenAPI document and the health check.
 */
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { useDatabaseClient } from './support/db.ts';
import { expectError, ISO_UTC_MS } from './support/expect.ts';
import { ADMIN_TOKEN, call, keysFor, merchantClient, operator, uniqueOfferId, useIsolatedHub, useTestHub } from './support/hub.ts';

const hub = useTestHub();
const op = operator(hub);
const db = useDatabaseClient();

const NO_SUCH_ID = Number.MAX_SAFE_INTEGER;

function admin(path: string, init: Parameters<typeof call>[1] = {}) {
  return call(`${hub.url}/admin/v1${path}`, init);
}

function offerBody(fields: Record<string, unknown> = {}) {
  return { productName: 'PUBG MOBILE GIFT', offerName: '60 UC', price: '560.10', currency: 'RUB', ...fields };
}

describe('operator API', () => {
  describe('auth', () => {
    it('no bearer, a wrong one, the token without "Bearer", or a shop token: 401 INVALID_TOKEN, before anything else', async () => {
      const shop = await op.merchant();
      const routes: Array<[string, string, unknown?]> = [
        ['GET', '/merchants'],
        ['POST', '/merchants', { name: 'intruder' }],
        ['GET', `/merchants/${shop.merchantId}`],
        ['POST', `/merchants/${shop.merchantId}/deposits`, { amount: '1000.00' }],
        ['POST', `/shops/${shop.shopId}/rotate-token`],
        ['PUT', '/offers/123', offerBody()],
        ['GET', '/offers'],
        ['PUT', '/fx/RUB', { usdPerUnit: '1' }],
        ['GET', '/fx'],
        ['GET', '/orders/1'],
        ['GET', '/audit'],
      ];
      const headers: Array<Record<string, string>> = [
        {},
        { authorization: 'Bearer wrong-token-wrong-token-wrong' },
        { authorization: ADMIN_TOKEN },
        { authorization: `Bearer ${shop.token}` },
        { authorization: shop.token },
        { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` },
        { authorization: 'Bearer ' },
      ];
      for (const [method, path, body] of routes) {
        for (const header of headers) {
          const answer = await call(`${hub.url}/admin/v1${path}`, { method, token: header.authorization, body });
          expect(Object.keys(expectError(answer, 401, 'INVALID_TOKEN'))).toEqual(['code', 'message']);
        }
      }
      // Nothing the refused calls asked for happened.
      expect((await op.ok('GET', '/merchants')).merchants.map((m: { name: string }) => m.name)).not.toContain('intruder');
      expect((await op.ok('GET', `/merchants/${shop.merchantId}`)).balance).toBe('0.00');
      expect((await call(`${hub.url}/api/v1/balance`, { token: shop.token })).status).toBe(200); // not rotated
      // A bad body without auth is still INVALID_TOKEN: auth comes first.
      expectError(await admin('/merchants', { body: { name: 5 } }), 401, 'INVALID_TOKEN');
    });
  });

  describe('merchants, shops and deposits', () => {
    it('creates a merchant and a shop (token shown once), deposits, and reads them back', async () => {
      const name = `Acme ${uniqueOfferId()}`;
      const created = await op.call('POST', '/merchants', { name });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: expect.any(Number), name, createdAt: expect.stringMatching(ISO_UTC_MS) });
      const id = created.body.id;

      expect(await op.ok('GET', `/merchants/${id}`)).toEqual({ id, name, balance: '0.00', draftBalance: '0.00', shops: [], createdAt: created.body.createdAt });
      expect((await op.ok('GET', '/merchants')).merchants).toContainEqual({ id, name, createdAt: created.body.createdAt });

      const shop = await op.call('POST', '/shops', { merchantId: id, name: 'Main shop' });
      expect(shop.status).toBe(201);
      expect(shop.body).toEqual({ id: expect.any(Number), merchantId: id, name: 'Main shop', token: expect.stringMatching(/^[0-9a-f]{32}$/) });

      const deposit = await op.call('POST', `/merchants/${id}/deposits`, { amount: '100.00' });
      expect(deposit.status).toBe(201);
      expect(deposit.body).toEqual({
        merchantId: id,
        balance: '100.00',
        entry: { id: expect.any(Number), merchantId: id, type: 'DEPOSIT', amount: '100.00', balanceAfter: '100.00', orderId: null, description: 'Deposit', createdAt: expect.stringMatching(ISO_UTC_MS) },
      });
      const second = await op.call('POST', `/merchants/${id}/deposits`, { amount: '0.5', description: 'Wire 42' });
      expect(second.status).toBe(201);
      expect(second.body).toMatchObject({ balance: '100.50', entry: { amount: '0.50', balanceAfter: '100.50', description: 'Wire 42' } });

      const read = await op.ok('GET', `/merchants/${id}`);
      expect(read).toEqual({
        id, name, balance: '100.50', draftBalance: '0.00', createdAt: created.body.createdAt,
        shops: [{ id: shop.body.id, name: 'Main shop', tokenRotatedAt: expect.stringMatching(ISO_UTC_MS) }],
      });
      expect(JSON.stringify(read)).not.toContain(shop.body.token); // shown once, at creation
      expect(JSON.stringify(await op.ok('GET', '/merchants'))).not.toContain(shop.body.token);

      // The merchant sees the same money through the Partner API.
      const api = merchantClient(hub, shop.body.token);
      expect((await api('/balance')).body).toMatchObject({ balance: 100.5, draftBalance: 0, currency: { id: 3, code: 'USD' } });
      expect((await api('/balance/transactions')).body.transactions.map((t: { description: string; amount: number }) => [t.description, t.amount]))
        .toEqual([['Wire 42', 0.5], ['Deposit', 100]]);

      // Rotation: a new token, recorded time moves, the old token is dead.
      const rotated = await op.ok('POST', `/shops/${shop.body.id}/rotate-token`);
      expect(rotated).toEqual({ id: shop.body.id, token: expect.stringMatching(/^[0-9a-f]{32}$/) });
      expectError(await api('/balance'), 401, 'INVALID_TOKEN');
      expect((await merchantClient(hub, rotated.token)('/balance')).status).toBe(200);
      const after = (await op.ok('GET', `/merchants/${id}`)).shops[0].tokenRotatedAt;
      expect(Date.parse(after)).toBeGreaterThanOrEqual(Date.parse(read.shops[0].tokenRotatedAt));
    });

    it('validates merchant, shop and deposit input, naming the field', async () => {
      const { merchantId } = await op.merchant();
      const cases: Array<[string, string, unknown, string]> = [
        ['POST', '/merchants', {}, 'name'],
        ['POST', '/merchants', { name: '' }, 'name'],
        ['POST', '/merchants', { name: 'x'.repeat(201) }, 'name'],
        ['POST', '/merchants', { name: 5 }, 'name'],
        ['POST', '/merchants', { name: 'ok', extra: true }, 'extra'],
        ['POST', '/shops', { merchantId: String(merchantId), name: 'shop' }, 'merchantId'],
        ['POST', '/shops', { merchantId }, 'name'],
        ['POST', `/merchants/${merchantId}/deposits`, { amount: '1.234' }, 'amount'],
        ['POST', `/merchants/${merchantId}/deposits`, { amount: '0' }, 'amount'],
        ['POST', `/merchants/${merchantId}/deposits`, { amount: '0.00' }, 'amount'],
        ['POST', `/merchants/${merchantId}/deposits`, { amount: '-5.00' }, 'amount'],
        ['POST', `/merchants/${merchantId}/deposits`, { amount: '1e3' }, 'amount'],
        ['POST', `/merchants/${merchantId}/deposits`, { amount: ' 1.00' }, 'amount'],
        ['POST', `/merchants/${merchantId}/deposits`, { amount: '' }, 'amount'],
        ['POST', `/merchants/${merchantId}/deposits`, { amount: 100 }, 'amount'],
        ['POST', `/merchants/${merchantId}/deposits`, {}, 'amount'],
        ['POST', `/merchants/${merchantId}/deposits`, { amount: '1.00', description: '' }, 'description'],
        ['POST', '/merchants/abc/deposits', { amount: '1.00' }, 'id'],
        ['POST', '/merchants/0/deposits', { amount: '1.00' }, 'id'],
        ['GET', '/merchants/-1', undefined, 'id'],
      ];
      for (const [method, path, body, field] of cases) {
        expectError(await op.call(method, path, body), 400, 'INVALID_REQUEST_BODY', field);
      }
      expect(await op.ok('GET', `/merchants/${merchantId}`)).toMatchObject({ balance: '0.00' });
    });

    it('MERCHANT_NOT_FOUND and SHOP_NOT_FOUND (404)', async () => {
      expectError(await op.call('GET', `/merchants/${NO_SUCH_ID}`), 404, 'MERCHANT_NOT_FOUND');
      expectError(await op.call('POST', `/merchants/${NO_SUCH_ID}/deposits`, { amount: '1.00' }), 404, 'MERCHANT_NOT_FOUND');
      expectError(await op.call('POST', '/shops', { merchantId: NO_SUCH_ID, name: 'ghost' }), 404, 'MERCHANT_NOT_FOUND');
      expectError(await op.call('POST', `/shops/${NO_SUCH_ID}/rotate-token`), 404, 'SHOP_NOT_FOUND');
    });
  });

  describe('offers and stock', () => {
    it('lists offers a keyset page at a time, searched by id or name, or one product\'s', async () => {
      const tag = `Paged ${Date.now().toString(36)}`;
      const ids = [uniqueOfferId(), uniqueOfferId(), uniqueOfferId()].sort((x, y) => x - y);
      for (const [i, id] of ids.entries()) await op.ok('PUT', `/offers/${id}`, offerBody({ productName: `${tag} Card`, offerName: `${i + 1}0 USD` }));
      const first = await op.ok('GET', `/offers?q=${encodeURIComponent(tag.toLowerCase())}&limit=2`);
      expect(first.offers.map((o: { id: number }) => o.id)).toEqual(ids.slice(0, 2));
      expect(first.nextAfter).toBe(ids[1]);
      const second = await op.ok('GET', `/offers?q=${encodeURIComponent(tag)}&limit=2&after=${first.nextAfter}`);
      expect(second).toMatchObject({ offers: [{ id: ids[2], offerName: '30 USD', stock: { available: 0, sold: 0 } }], nextAfter: null });
      expect((await op.ok('GET', `/offers?q=${ids[1]}`)).offers.map((o: { id: number }) => o.id)).toEqual([ids[1]]);
      const productId = second.offers[0].productId;
      expect((await op.ok('GET', `/offers?productId=${productId}`)).offers.map((o: { id: number }) => o.id)).toEqual(ids);
      expectError(await op.call('GET', '/offers?limit=501'), 400, 'INVALID_REQUEST_BODY');
    });

    it('creates, reads, lists and replaces an offer; who may buy it is kept unless given', async () => {
      const a = await op.merchant();
      const b = await op.merchant();
      const id = uniqueOfferId();
      const created = await op.call('PUT', `/offers/${id}`, offerBody());
      expect(created.status).toBe(200);
      const expected = {
        id, productName: 'PUBG MOBILE GIFT', offerName: '60 UC', count: 1, price: '560.10', currency: 'RUB', returnsKey: true,
        requiresGameUserId: false, gameUserIdPattern: null, gameServerIdPattern: null, sandbox: false, merchants: 'all',
        updatedAt: expect.stringMatching(ISO_UTC_MS),
      };
      expect(created.body).toMatchObject(expected);
      expect(created.body).not.toHaveProperty('stock');

      expect(await op.ok('GET', `/offers/${id}`)).toMatchObject({ ...expected, stock: { available: 0, sold: 0 } });
      expect((await op.ok('GET', '/offers')).offers.find((o: { id: number }) => o.id === id)).toMatchObject({ ...expected, stock: { available: 0, sold: 0 } });

      const restricted = await op.ok('PUT', `/offers/${id}`, offerBody({
        offerName: '325 UC', price: '2800', count: 5, returnsKey: false, requiresGameUserId: true,
        gameUserIdPattern: '\\d{6,12}', gameServerIdPattern: null, merchants: [b.merchantId, a.merchantId],
      }));
      expect(restricted).toMatchObject({
        id, offerName: '325 UC', price: '2800.00', count: 5, returnsKey: false, requiresGameUserId: true,
        gameUserIdPattern: '\\d{6,12}', gameServerIdPattern: null, merchants: [a.merchantId, b.merchantId].sort((x, y) => x - y),
      });
      expect(Date.parse(restricted.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.body.updatedAt));
      // Replacing without "merchants" keeps the list; "all" and [] set it.
      expect((await op.ok('PUT', `/offers/${id}`, offerBody())).merchants).toEqual([a.merchantId, b.merchantId].sort((x, y) => x - y));
      expect((await op.ok('PUT', `/offers/${id}`, offerBody({ merchants: [] }))).merchants).toEqual([]);
      expect((await op.ok('PUT', `/offers/${id}`, offerBody({ merchants: 'all' }))).merchants).toBe('all');
    });

    it('validates offers: amounts, currencies, patterns, access lists; the sandbox offer cannot be changed', async () => {
      const id = uniqueOfferId();
      const cases: Array<[string, unknown, string]> = [
        [`/offers/${id}`, offerBody({ price: '1.234' }), 'price'],
        [`/offers/${id}`, offerBody({ price: '0' }), 'price'],
        [`/offers/${id}`, offerBody({ price: '-1.00' }), 'price'],
        [`/offers/${id}`, offerBody({ price: 560.1 }), 'price'],
        [`/offers/${id}`, offerBody({ currency: 'GBP' }), 'currency'],
        [`/offers/${id}`, offerBody({ currency: 'rub' }), 'currency'],
        [`/offers/${id}`, offerBody({ count: 0 }), 'count'],
        [`/offers/${id}`, offerBody({ productName: '' }), 'productName'],
        [`/offers/${id}`, offerBody({ gameUserIdPattern: '(' }), 'gameUserIdPattern'],
        [`/offers/${id}`, offerBody({ gameServerIdPattern: '[a-' }), 'gameServerIdPattern'],
        [`/offers/${id}`, offerBody({ merchants: 'some' }), 'merchants'],
        [`/offers/${id}`, offerBody({ merchants: ['1'] }), 'merchants'],
        [`/offers/${id}`, offerBody({ sandbox: true }), 'sandbox'],
        [`/offers/${id}`, { productName: 'x', offerName: 'y', price: '1.00' }, 'currency'],
        ['/offers/abc', offerBody(), 'id'],
        ['/offers/0', offerBody(), 'id'],
        ['/offers/999', offerBody(), 'id'],
      ];
      for (const [path, body, field] of cases) {
        expectError(await op.call('PUT', path, body), 400, 'INVALID_REQUEST_BODY', field);
      }
      expectError(await op.call('GET', `/offers/${id}`), 404, 'OFFER_NOT_FOUND'); // nothing was created
      // An access list naming a merchant that does not exist.
      expectError(await op.call('PUT', `/offers/${id}`, offerBody({ merchants: [NO_SUCH_ID] })), 404, 'MERCHANT_NOT_FOUND');
      expectError(await op.call('GET', `/offers/${id}`), 404, 'OFFER_NOT_FOUND');

      // The sandbox offer is untouched and takes no stock.
      expect(await op.ok('GET', '/offers/999')).toMatchObject({
        id: 999, productName: 'Steam US', offerName: 'TEST OFFER GROUP', price: '23.09', currency: 'KZT', sandbox: true, merchants: 'all',
      });
      expectError(await op.call('POST', '/offers/999/stock', { keys: ['K-1'] }), 400, 'INVALID_REQUEST_BODY', 'id');
      expect((await op.ok('GET', '/offers/999')).stock).toEqual({ available: 0, sold: 0 });
    });

    it('OFFER_NOT_FOUND (404) for an offer that does not exist', async () => {
      expectError(await op.call('GET', `/offers/${NO_SUCH_ID}`), 404, 'OFFER_NOT_FOUND');
      expectError(await op.call('POST', `/offers/${NO_SUCH_ID}/stock`, { keys: ['K-1'] }), 404, 'OFFER_NOT_FOUND');
    });

    it('adds stock and counts duplicates: re-sent, repeated within a call, and equal after trimming', async () => {
      const offer = await op.offer({ price: '1.00', currency: 'USD' });
      const [k1, k2, k3, k4] = keysFor('stock', 4);
      expect(await op.ok('POST', `/offers/${offer.id}/stock`, { keys: [k1, k2, k3] })).toEqual({ added: 3, duplicates: 0 });
      expect(await op.ok('POST', `/offers/${offer.id}/stock`, { keys: [k1, k4, k4] })).toEqual({ added: 1, duplicates: 2 });
      expect(await op.ok('POST', `/offers/${offer.id}/stock`, { keys: [` ${k2} `, '', '   '] })).toEqual({ added: 0, duplicates: 1 });
      expect((await op.ok('GET', `/offers/${offer.id}`)).stock).toEqual({ available: 4, sold: 0 });

      // The same key on another offer is a different item.
      const other = await op.offer({ price: '1.00', currency: 'USD' });
      expect(await op.ok('POST', `/offers/${other.id}/stock`, { keys: [k1] })).toEqual({ added: 1, duplicates: 0 });

      const { token } = await op.merchant(undefined, '5.00');
      const sold = await merchantClient(hub, token)('/offers/create-order', { offerId: offer.id, price: 1, transactionId: 'stock-1' });
      expect([k1, k2, k3, k4]).toContain(sold.body.key);
      expect((await op.ok('GET', `/offers/${offer.id}`)).stock).toEqual({ available: 3, sold: 1 });
      // A sold key re-sent is still a duplicate: it is never sold twice.
      expect(await op.ok('POST', `/offers/${offer.id}/stock`, { keys: [sold.body.key] })).toEqual({ added: 0, duplicates: 1 });

      for (const [body, field] of [
        [{ keys: [] }, 'keys'],
        [{ keys: 'K-1' }, 'keys'],
        [{ keys: [1] }, 'keys.0'],
        [{ keys: ['x'.repeat(1001)] }, 'keys.0'],
        [{ keys: Array.from({ length: 5001 }, (_, i) => `K-${i}`) }, 'keys'],
        [{}, 'keys'],
      ] as const) {
        expectError(await op.call('POST', `/offers/${offer.id}/stock`, body), 400, 'INVALID_REQUEST_BODY', field);
      }
      expect((await op.ok('GET', `/offers/${offer.id}`)).stock).toEqual({ available: 3, sold: 1 });
    });

    it('keeps keys encrypted at rest: the plaintext never appears in stock_keys or in the sold order', async () => {
      const keys = keysFor('SECRET-KEY-PLAINTEXT', 3);
      const offer = await op.offer({ price: '1.00', currency: 'USD' }, keys);
      const { rows } = await db.query<{ sealed: Buffer; fingerprint: Buffer }>('SELECT sealed, fingerprint FROM stock_keys WHERE offer_id = $1', [offer.id]);
      expect(rows).toHaveLength(3);
      const forms = keys.flatMap((k) => [Buffer.from(k, 'utf8'), Buffer.from(k, 'utf16le'), Buffer.from(Buffer.from(k).toString('base64')), Buffer.from(Buffer.from(k).toString('hex'))]);
      for (const row of rows) {
        expect(Buffer.isBuffer(row.sealed)).toBe(true);
        expect(row.sealed.length).toBeGreaterThan(28); // iv || tag || ciphertext
        for (const form of forms) {
          expect(row.sealed.includes(form)).toBe(false);
          expect(row.fingerprint.includes(form)).toBe(false);
        }
        expect(row.sealed.includes(Buffer.from('SECRET-KEY-PLAINTEXT'))).toBe(false);
      }
      // Sealing is randomised: the same key sealed twice (on two offers) gives different bytes.
      const twin = await op.offer({ price: '1.00', currency: 'USD' }, [keys[0]!]);
      const { rows: [twinRow] } = await db.query<{ sealed: Buffer }>('SELECT sealed FROM stock_keys WHERE offer_id = $1', [twin.id]);
      expect(rows.some((r) => r.sealed.equals(twinRow!.sealed))).toBe(false);

      // Sold, the key is delivered in clear to the merchant only, and stays sealed in the order row.
      const { token } = await op.merchant(undefined, '5.00');
      const sold = await merchantClient(hub, token)('/offers/create-order', { offerId: offer.id, price: 1, transactionId: 'sealed-1' });
      expect(keys).toContain(sold.body.key);
      const { rows: [order] } = await db.query<{ delivered_key: Buffer }>('SELECT delivered_key FROM orders WHERE id = $1', [sold.body.orderId]);
      expect(order!.delivered_key.includes(Buffer.from(sold.body.key))).toBe(false);
      const dump = await db.query<{ text: string }>('SELECT row_to_json(k)::text AS text FROM stock_keys k WHERE offer_id = $1', [offer.id]);
      for (const { text } of dump.rows) expect(text).not.toContain('SECRET-KEY-PLAINTEXT');
      // The operator's view of the order never carries the key.
      const view = await op.order(sold.body.orderId);
      expect(view.hasKey).toBe(true);
      expect(JSON.stringify(view)).not.toContain(sold.body.key);
    });
  });

  describe('orders', () => {
    it('an order with its history (never its key); the refund; ORDER_NOT_FOUND', async () => {
      const { token, merchantId, shopId } = await op.merchant(undefined, '10.00');
      const offer = await op.offer({ productName: 'Razer Gold', offerName: '5 USD', price: '5.00', currency: 'USD' }, keysFor('adm', 1));
      const sold = await merchantClient(hub, token)('/offers/create-order', {
        offerId: offer.id, price: 5, transactionId: 'adm-1', customer: { email: 'user@example.com', gameUserId: '42', gameServerId: 'eu-1' },
      });
      expect(sold.body.status).toBe('COMPLETED');

      const order = await op.call('GET', `/orders/${sold.body.orderId}`);
      expect(order.status).toBe(200);
      expect(order.body).toMatchObject({
        id: sold.body.orderId, shopId, merchantId, transactionId: 'adm-1', offerId: offer.id, productName: 'Razer Gold', offerName: '5 USD',
        count: 1, price: '5.00', currency: 'USD', usdPerUnit: '1', amountUsd: '5.00', sandbox: false, status: 'COMPLETED', message: null,
        hasKey: true, customer: { email: 'user@example.com', gameUserId: '42', gameServerId: 'eu-1' },
        refundRequestedAt: null, refundRequestReason: null, createdAt: sold.body.createdAt, updatedAt: expect.stringMatching(ISO_UTC_MS),
        events: [
          { from: null, to: 'SUBMITTED', actor: `shop:${shopId}`, reason: null, at: expect.stringMatching(ISO_UTC_MS) },
          { from: 'SUBMITTED', to: 'COMPLETED', actor: 'system', reason: 'stock key assigned', at: expect.stringMatching(ISO_UTC_MS) },
        ],
      });
      expect(JSON.stringify(order.body)).not.toContain(sold.body.key);

      for (const body of [{}, { reason: '' }, { reason: 5 }, { reason: 'ok', amount: '1.00' }]) {
        expectError(await op.call('POST', `/orders/${sold.body.orderId}/refund`, body), 400, 'INVALID_REQUEST_BODY');
      }
      const refunded = await op.call('POST', `/orders/${sold.body.orderId}/refund`, { reason: 'key did not work' });
      expect(refunded.status).toBe(200);
      expect(refunded.body).toMatchObject({ id: sold.body.orderId, status: 'REFUND', hasKey: true });
      expect(refunded.body.events.at(-1)).toMatchObject({ from: 'COMPLETED', to: 'REFUND', actor: 'operator', reason: 'key did not work' });
      expect(await op.ok('GET', `/merchants/${merchantId}`)).toMatchObject({ balance: '10.00', draftBalance: '0.00' });
      expectError(await op.call('POST', `/orders/${sold.body.orderId}/refund`, { reason: 'again' }), 409, 'ORDER_ALREADY_REFUNDED');

      expectError(await op.call('GET', `/orders/${NO_SUCH_ID}`), 404, 'ORDER_NOT_FOUND');
      expectError(await op.call('POST', `/orders/${NO_SUCH_ID}/refund`, { reason: 'x' }), 404, 'ORDER_NOT_FOUND');
      expectError(await op.call('GET', '/orders/abc'), 400, 'INVALID_REQUEST_BODY', 'id');
    });
  });

  describe('FX rates (a deployment of its own: rates are global)', () => {
    const fxHub = useIsolatedHub();
    const fxOp = operator(fxHub);

    it('lists and sets USD per unit; USD is fixed; bad rates are refused naming usdPerUnit', async () => {
      expect(await fxOp.ok('GET', '/fx')).toEqual({ rates: [{ currency: 'USD', usdPerUnit: '1', updatedAt: expect.stringMatching(ISO_UTC_MS) }] });

      const set = await fxOp.call('PUT', '/fx/RUB', { usdPerUnit: '0.0108' });
      expect(set.status).toBe(200);
      expect(set.body).toEqual({ currency: 'RUB', usdPerUnit: '0.0108', updatedAt: expect.stringMatching(ISO_UTC_MS) });
      expect(await fxOp.rate('RUB', '0.011000')).toMatchObject({ usdPerUnit: '0.011' });
      expect(await fxOp.rate('EUR', '1.123456789012')).toMatchObject({ usdPerUnit: '1.123456789012' });
      expect(await fxOp.rate('KZT', '0.0019')).toMatchObject({ usdPerUnit: '0.0019' });
      expect((await fxOp.ok('GET', '/fx')).rates.map((r: { currency: string; usdPerUnit: string }) => [r.currency, r.usdPerUnit])).toEqual([
        ['EUR', '1.123456789012'], ['KZT', '0.0019'], ['RUB', '0.011'], ['USD', '1'],
      ]);

      expectError(await fxOp.call('PUT', '/fx/USD', { usdPerUnit: '2' }), 400, 'INVALID_REQUEST_BODY', 'currency');
      expectError(await fxOp.call('PUT', '/fx/GBP', { usdPerUnit: '1.27' }), 400, 'INVALID_REQUEST_BODY', 'currency');
      expectError(await fxOp.call('PUT', '/fx/rub', { usdPerUnit: '0.01' }), 400, 'INVALID_REQUEST_BODY', 'currency');
      for (const usdPerUnit of ['0', '0.000000000000', '-1', 'abc', '', '1e-3', '1.1234567890123', '01.5', ' 1']) {
        expectError(await fxOp.call('PUT', '/fx/EUR', { usdPerUnit }), 400, 'INVALID_REQUEST_BODY', 'usdPerUnit');
      }
      expectError(await fxOp.call('PUT', '/fx/EUR', { usdPerUnit: 1.08 }), 400, 'INVALID_REQUEST_BODY', 'usdPerUnit');
      expectError(await fxOp.call('PUT', '/fx/EUR', {}), 400, 'INVALID_REQUEST_BODY', 'usdPerUnit');
      // None of the refusals changed a rate.
      expect((await fxOp.ok('GET', '/fx')).rates.map((r: { usdPerUnit: string }) => r.usdPerUnit)).toEqual(['1.123456789012', '0.0019', '0.011', '1']);
    });
  });

  it('the audit answers ok with no violations', async () => {
    const report = await op.call('GET', '/audit');
    expect(report.status).toBe(200);
    expect(report.body).toEqual({ ok: true, checks: expect.any(Number), violations: [] });
    expect(report.body.checks).toBeGreaterThanOrEqual(8);
  });
});

describe('documents and health', () => {
  it('GET /health answers 200', async () => {
    const health = await call(`${hub.url}/health`);
    expect([health.status, health.body]).toEqual([200, { status: 'ok' }]);
  });

  it('GET /docs/json is an OpenAPI 3 document of the Partner API; its schemas are valid and describe the real answers', async () => {
    const doc = await call(`${hub.url}/docs/json`);
    expect(doc.status).toBe(200);
    const spec = doc.body;
    expect(spec.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(spec.info).toMatchObject({ title: 'Dropgate', version: expect.any(String) });
    expect(spec.components.securitySchemes.shopToken).toEqual(expect.objectContaining({ type: 'apiKey', in: 'header', name: 'Authorization' }));
    expect(spec.components.securitySchemes.operatorToken).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));

    const partner: Array<[string, string]> = [
      ['/api/v1/balance', 'get'], ['/api/v1/balance/check', 'post'], ['/api/v1/balance/transactions', 'get'],
      ['/api/v1/offers/find-one', 'post'], ['/api/v1/offers/create-order', 'post'], ['/api/v1/offers/order-status', 'post'],
      ['/api/v1/offers/check-game-data', 'post'], ['/api/v1/offers/cancel-order', 'post'], ['/api/v1/offers/refund-request', 'post'],
      ['/api/aggregator/a6/telegram/user-info', 'post'],
    ];
    for (const [path, method] of partner) {
      const operation = spec.paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      expect(operation.security).toEqual([{ shopToken: [] }]);
      expect(operation.responses['200'].content['application/json'].schema, `${method} ${path}`).toBeDefined();
    }
    expect(spec.paths['/health']).toBeUndefined(); // hidden
    const transactionParams = spec.paths['/api/v1/balance/transactions'].get.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`);
    expect(transactionParams.sort()).toEqual(['query:limit', 'query:page']);
    const createOrder = spec.paths['/api/v1/offers/create-order'].post.requestBody.content['application/json'].schema;
    expect(createOrder.required.sort()).toEqual(['offerId', 'price', 'transactionId']);
    // A number, or (Telegram Stars, the one exception) a "telegram_stars_<N>" string.
    expect(createOrder.properties.offerId.anyOf.map((s: { type: string }) => s.type)).toEqual(['integer', 'string']);

    // Every operation is well-formed, and every schema in it compiles as JSON Schema.
    const ajv = new Ajv({ strict: false, allErrors: true });
    const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
    for (const [path, item] of Object.entries<Record<string, any>>(spec.paths)) {
      expect(path.startsWith('/')).toBe(true);
      for (const [method, operation] of Object.entries<any>(item)) {
        expect(methods, `${path}: ${method}`).toContain(method);
        expect(Object.keys(operation.responses ?? {}).length, `${method} ${path}`).toBeGreaterThan(0);
        const schemas = [
          operation.requestBody?.content?.['application/json']?.schema,
          ...Object.values<any>(operation.responses).map((r) => r.content?.['application/json']?.schema),
          ...(operation.parameters ?? []).map((p: { schema: unknown }) => p.schema),
        ].filter(Boolean);
        for (const schema of schemas) expect(() => ajv.compile(schema), `${method} ${path}`).not.toThrow();
      }
    }

    // The documented response schemas accept what the hub really answers.
    const { token } = await op.merchant(undefined, '10.00');
    const api = merchantClient(hub, token);
    const offer = await op.offer({ price: '1.00', currency: 'USD' }, keysFor('doc', 1));
    const real: Array<[string, string, { status: number; body: unknown }]> = [
      ['/api/v1/balance', 'get', await api('/balance')],
      ['/api/v1/balance/transactions', 'get', await api('/balance/transactions')],
      ['/api/v1/offers/find-one', 'post', await api('/offers/find-one', { offerId: offer.id })],
      ['/api/v1/offers/create-order', 'post', await api('/offers/create-order', { offerId: offer.id, price: 1, transactionId: 'doc-1' })],
      ['/api/v1/offers/check-game-data', 'post', await api('/offers/check-game-data', { offerId: offer.id, gameUserId: '1' })],
    ];
    for (const [path, method, response] of real) {
      expect(response.status).toBe(200);
      const validate = ajv.compile(spec.paths[path][method].responses['200'].content['application/json'].schema);
      expect(validate(response.body), `${path}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    const errorSchema = ajv.compile(spec.paths['/api/v1/offers/find-one'].post.responses['4XX'].content['application/json'].schema);
    expect(errorSchema((await api('/offers/find-one', { offerId: '1' })).body)).toBe(true);

    // The interactive page is served too.
    expect((await call(`${hub.url}/docs`)).status).toBe(200);
  });
});
