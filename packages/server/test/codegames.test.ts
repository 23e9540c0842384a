/**
 * The CodeGames-compatible merchant API, driven by the SDK's CodeGames client as a payment system
 * would: every status, commissions, a slow supplier (pay says "check later", status later OK),
 * a txn_id storm, bad input, and one Dropgate as the CodeGames supplier of another.
 */
import { CodeGamesClient, TransportError } from '@dropgate/sdk';
import { startCodeGamesSimulator, type CodeGamesSimulator } from '@dropgate/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, keysFor, merchantClient, operator, useIsolatedHub, useTestHub } from './support/hub.ts';

const hub = useTestHub({ DROPGATE_ORDER_WAIT_MS: '300', DROPGATE_WORKER_POLL_MS: '100' });
const op = operator(hub);
let shop: { token: string; merchantId: number; shopId: number };
let client: CodeGamesClient;

beforeAll(async () => {
  shop = await op.merchant(undefined, '100.00');
  client = new CodeGamesClient({ baseUrl: `${hub.url}/api/codegames`, token: shop.token, timeoutMs: 5000 });
});

const balance = async () => (await merchantClient(hub, shop.token)('/balance')).body;
let txn = 0;
const nextTxn = () => `cg-${Date.now()}-${txn++}`;

describe('CodeGames API: check', () => {
  it('answers the product with price and partner_price (price less the commission)', async () => {
    const offer = await op.offer({ price: '20.00', currency: 'USD', commission: '10' }, keysFor('cg', 3));
    const answer = await client.check(offer.id);
    expect(answer).toMatchObject({ status: 'OK', product: { id: offer.id, price: 20, partner_price: 18 } });
    expect(answer.comment).toBe('Проверка прошла успешно, продолжайте оплату');
  });

  it('a merchant override of the commission changes its partner_price only', async () => {
    const offer = await op.offer({ price: '20.00', currency: 'USD', commission: '10' }, keysFor('cg', 1));
    await op.ok('PUT', `/offers/${offer.id}/commissions/${shop.merchantId}`, { percent: '12.5' });
    expect((await client.check(offer.id)).product!.partner_price).toBe(17.5);
    const other = await op.merchant(undefined, '10.00');
    const otherClient = new CodeGamesClient({ baseUrl: `${hub.url}/api/codegames`, token: other.token });
    expect((await otherClient.check(offer.id)).product!.partner_price).toBe(18);
  });

  it('answers PRODUCT_NOT_FOUND for unknown and restricted offers, PRODUCT_OUT_OF_STOCK without stock or suppliers', async () => {
    expect((await client.check(1_999_999_999)).status).toBe('PRODUCT_NOT_FOUND');
    const other = await op.merchant();
    const restricted = await op.offer({ price: '1.00', currency: 'USD', merchants: [other.merchantId] }, keysFor('r', 1));
    expect(await client.check(restricted.id)).toMatchObject({ status: 'PRODUCT_NOT_FOUND', comment: 'Продукт не найден' });
    const empty = await op.offer({ price: '1.00', currency: 'USD' });
    expect(await client.check(empty.id)).toMatchObject({ status: 'PRODUCT_OUT_OF_STOCK', comment: 'Продукт закончился' });
  });
});

describe('CodeGames API: pay and status', () => {
  it('pays: checks price exactly, debits the partner price, answers the key; status answers OK with it', async () => {
    const keys = keysFor('pay', 1);
    const offer = await op.offer({ price: '20.00', currency: 'USD', commission: '10' }, keys);
    const before = (await balance()).balance;
    const txnId = nextTxn();
    const paid = await client.pay({ productId: offer.id, price: 20, txnId });
    expect(paid).toMatchObject({ status: 'OK', comment: 'Оплата прошла успешно', product: { id: offer.id, productKey: keys[0] } });
    expect((await balance()).balance).toBe(before - 18);
    const status = await client.status(txnId);
    expect(status).toMatchObject({ status: 'OK', partner_txn_id: paid.partner_txn_id, product: { productKey: keys[0] } });
    const shown = await op.ok('GET', `/orders?transactionId=${txnId}`);
    expect(shown.orders).toHaveLength(1);
    expect(shown.orders[0]).toMatchObject({
      id: Number(paid.partner_txn_id), protocol: 'codegames', codegames: { txnId, partnerTxnId: paid.partner_txn_id },
      price: '20.00', chargedPrice: '18.00', amountUsd: '18.00',
    });
  });

  it('refuses: TXN_DUPLICATE, WRONG_PRICE, PRODUCT_NOT_FOUND, INSUFFICIENT_BALANCE; nothing debited', async () => {
    const offer = await op.offer({ price: '5.00', currency: 'USD' }, keysFor('ref', 2));
    const txnId = nextTxn();
    expect((await client.pay({ productId: offer.id, price: 5, txnId })).status).toBe('OK');
    const before = (await balance()).balance;
    expect(await client.pay({ productId: offer.id, price: 5, txnId })).toMatchObject({ status: 'TXN_DUPLICATE', comment: 'Дубликат транзакции' });
    expect(await client.pay({ productId: offer.id, price: 5.01, txnId: nextTxn() })).toMatchObject({ status: 'WRONG_PRICE' });
    expect((await client.pay({ productId: 1_999_999_998, price: 5, txnId: nextTxn() })).status).toBe('PRODUCT_NOT_FOUND');
    const pricey = await op.offer({ price: '100000.00', currency: 'USD' }, keysFor('big', 1));
    expect((await client.pay({ productId: pricey.id, price: 100000, txnId: nextTxn() })).status).toBe('INSUFFICIENT_BALANCE');
    expect((await balance()).balance).toBe(before);
  });

  it('out of stock at pay: PRODUCT_OUT_OF_STOCK, refused before any debit; status says TXN_CANCELED', async () => {
    const offer = await op.offer({ price: '2.00', currency: 'USD' }, keysFor('oos', 1));
    expect((await client.pay({ productId: offer.id, price: 2, txnId: nextTxn() })).status).toBe('OK');
    const before = (await balance()).balance;
    const txnId = nextTxn();
    expect(await client.pay({ productId: offer.id, price: 2, txnId })).toMatchObject({ status: 'PRODUCT_OUT_OF_STOCK' });
    expect((await balance()).balance).toBe(before);
    expect(await client.status(txnId)).toMatchObject({ status: 'TXN_CANCELED', comment: 'Транзакция отменена' });
  });

  it('status: TXN_NOT_FOUND for an unknown txn, TXN_CANCELED for a refunded one', async () => {
    expect(await client.status('never-paid')).toMatchObject({ status: 'TXN_NOT_FOUND', comment: 'Транзакция не найдена' });
    const offer = await op.offer({ price: '1.00', currency: 'USD' }, keysFor('rf', 1));
    const txnId = nextTxn();
    const paid = await client.pay({ productId: offer.id, price: 1, txnId });
    await op.ok('POST', `/orders/${paid.partner_txn_id}/refund`, { reason: 'customer complaint' });
    expect((await client.status(txnId)).status).toBe('TXN_CANCELED');
  });

  it('a concurrent txn_id storm makes one payment and one debit', async () => {
    const offer = await op.offer({ price: '1.00', currency: 'USD' }, keysFor('storm', 40));
    const before = (await balance()).balance;
    const txnId = nextTxn();
    const answers = await Promise.all(Array.from({ length: 30 }, () => client.pay({ productId: offer.id, price: 1, txnId })));
    expect(answers.filter((a) => a.status === 'OK')).toHaveLength(1);
    expect(answers.filter((a) => a.status === 'TXN_DUPLICATE')).toHaveLength(29);
    expect((await balance()).balance).toBe(before - 1);
  });

  it('bad input answers a clear 4xx, never a 500', async () => {
    const post = (route: string, init: { body?: unknown; rawBody?: string; token?: string }) =>
      call(`${hub.url}/api/codegames${route}`, { token: shop.token, ...init });
    const cases = [
      await post('/check', { body: { product_id: '1' } }),
      await post('/check', { body: {} }),
      await post('/pay', { body: { product_id: 1, price: 'x', txn_id: 't' } }),
      await post('/pay', { body: { product_id: 1, price: 1.234, txn_id: 't' } }),
      await post('/status', { body: { txn_id: 1 } }),
      await post('/status', { rawBody: '{"txn_id":' }),
    ];
    for (const answer of cases) {
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ status: 'INVALID_REQUEST', comment: expect.any(String) });
    }
    expect(cases[0]!.body.comment).toMatch(/product_id/);
    const noToken = await post('/check', { body: { product_id: 1 }, token: 'nope' });
    expect(noToken).toMatchObject({ status: 401, body: { status: 'INVALID_TOKEN' } });
  });
});

describe('CodeGames API: a slow supplier', () => {
  let simulator: CodeGamesSimulator;
  beforeAll(async () => {
    simulator = await startCodeGamesSimulator({ products: [{ id: 77, name: 'Slow card', price: 10, partnerPrice: 9, keys: 5 }] });
  });
  afterAll(() => simulator?.stop());

  it('pay answers 5xx "check later"; status answers 5xx until the supplier delivers, then OK with the key', async () => {
    simulator.setFault(77, { kind: 'slow', ms: 400 });
    const supplier = await op.ok('POST', '/suppliers', { kind: 'codegames', name: `slow-${Date.now()}`, url: simulator.url, timeoutMs: 3000, statusIntervalS: 1 });
    const offer = await op.offer({ price: '12.00', currency: 'USD' });
    await op.ok('POST', `/offers/${offer.id}/sources`, { supplierId: supplier.id, product: '77', cost: '9.00' });
    const txnId = nextTxn();
    const pay = await client.pay({ productId: offer.id, price: 12, txnId }).catch((error: unknown) => error);
    expect(pay).toBeInstanceOf(TransportError);
    expect(pay).toMatchObject({ kind: 'http-status', httpStatus: 503 });
    const pending = await client.status(txnId).catch((error: unknown) => error);
    expect(pending).toMatchObject({ kind: 'http-status', httpStatus: 503 });

    let status;
    for (let i = 0; i < 40; i++) {
      status = await client.status(txnId).catch(() => undefined);
      if (status) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toMatchObject({ status: 'OK', product: { productKey: simulator.payments()[0]!.productKey } });
  });
});

describe('one Dropgate as the CodeGames supplier of another', () => {
  const upstream = useIsolatedHub();

  it('an order placed on the second is fulfilled by the first, from its stock', async () => {
    const upOp = operator(upstream);
    const keys = keysFor('up', 2);
    const upOffer = await upOp.offer({ price: '10.00', currency: 'USD', commission: '8' }, keys);
    const reseller = await upOp.merchant('reseller', '50.00');

    const supplier = await op.ok('POST', '/suppliers', { kind: 'codegames', name: `dropgate-up-${Date.now()}`, url: `${upstream.url}/api/codegames`, token: reseller.token });
    const offer = await op.offer({ price: '11.00', currency: 'USD' });
    await op.ok('POST', `/offers/${offer.id}/sources`, { supplierId: supplier.id, product: String(upOffer.id), cost: '9.20' });

    const bought = (await merchantClient(hub, shop.token)('/offers/create-order', { offerId: offer.id, price: 11, transactionId: nextTxn() })).body;
    expect(bought).toMatchObject({ status: 'COMPLETED', key: keys[0] });
    const shown = await op.order(bought.orderId);
    expect(shown.supplier).toMatchObject({ id: supplier.id, costUsd: '9.20' });
    expect(shown.marginUsd).toBe('1.80');

    const upstreamOrders = await upOp.ok('GET', `/orders?transactionId=${bought.orderId}-0`);
    expect(upstreamOrders.orders).toEqual([expect.objectContaining({ protocol: 'codegames', chargedPrice: '9.20', amountUsd: '9.20', status: 'COMPLETED' })]);
    expect((await merchantClient(upstream, reseller.token)('/balance')).body.balance).toBe(40.8);
    expect((await upOp.audit()).violations).toEqual([]);
    expect((await op.audit()).violations).toEqual([]);
  });
});
