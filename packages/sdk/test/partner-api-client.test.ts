/**
 * PartnerApiClient against the GamesDrop simulator over real HTTP: the calls a supplier adapter
 * makes, the spec's error answers as PartnerApiError, and every fault sorted into its outcome.
 */
import { randomUUID } from 'node:crypto';
import { startGamesDropSimulator, type GamesDropSimulator } from '@dropgate/simulators';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PartnerApiClient, type Order } from '../src/index.ts';
import { partnerApiError, transportError } from './support/outcome.ts';

const TOKEN = 'abcdef1234567890abcdef1234567890';
const PUBG = 1001; // 560.10 RUB
const STEAM = 1002; // 10 USD, a single key
const PRICE = 560.1;

let sim: GamesDropSimulator;
let client: PartnerApiClient;

beforeAll(async () => {
  sim = await startGamesDropSimulator({
    token: TOKEN,
    balance: 500,
    offers: [
      { offerId: PUBG, productName: 'PUBG MOBILE GIFT', offerName: '60 UC', price: PRICE, currency: 'RUB', keys: 50 },
      { offerId: STEAM, productName: 'Steam Wallet', offerName: '10 USD', price: 10, currency: 'USD', keys: ['STEAM-KEY-1'] },
    ],
  });
  client = new PartnerApiClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 2000 });
});
afterEach(() => sim.clearFaults());
afterAll(() => sim.stop());

const txn = () => `txn-${randomUUID()}`;
const buy = (transactionId = txn(), offerId = PUBG, price = PRICE) => client.createOrder({ offerId, price, transactionId });

describe('answers', () => {
  it('balance answers the spec shape', async () => {
    expect(await client.balance()).toEqual({ balance: 500, draftBalance: 0, currency: { id: 3, code: 'USD' } });
  });

  it('findOne answers the offer; an unknown one is PartnerApiError OFFER_NOT_FOUND (404)', async () => {
    expect(await client.findOne(PUBG)).toEqual({
      offerId: PUBG, productName: 'PUBG MOBILE GIFT', offerName: '60 UC', count: 1, price: PRICE, currency: 'RUB', isReturnDataForCustomer: true,
    });
    const error = await partnerApiError(client.findOne(4242), 'OFFER_NOT_FOUND');
    expect(error.httpStatus).toBe(404);
  });

  it('createOrder completes with a key, as the live service answers (no transactionId echo)', async () => {
    const transactionId = txn();
    const order = await buy(transactionId);
    expect(order).toMatchObject({ offerId: PUBG, status: 'COMPLETED', price: PRICE, currency: 'RUB', isReturnDataForCustomer: true });
    expect(order.transactionId).toBeUndefined();
    expect(order.key).toMatch(/^GD-/);
    expect(order.createdAt).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\+00$/);
    expect(sim.orders().find((o) => o.transactionId === transactionId)).toMatchObject({ orderId: order.orderId, key: order.key });
  });

  it('createOrder is idempotent: a repeated transactionId is TRANSACTION_DUPLICATE (409) naming the order', async () => {
    const transactionId = txn();
    const first = await buy(transactionId);
    const error = await partnerApiError(buy(transactionId), 'TRANSACTION_DUPLICATE');
    expect(error.httpStatus).toBe(409);
    expect(error.details.orderId).toBe(first.orderId);
    expect(sim.orders().filter((o) => o.transactionId === transactionId)).toHaveLength(1);
  });

  it('orderStatus finds the order by orderId and by transactionId; an unknown one is ORDER_NOT_FOUND', async () => {
    const transactionId = txn();
    const order = await buy(transactionId);
    expect(await client.orderStatus({ orderId: order.orderId })).toEqual(order);
    expect(await client.orderStatus({ transactionId })).toEqual(order);
    await partnerApiError(client.orderStatus({ orderId: 1 }), 'ORDER_NOT_FOUND');
    await partnerApiError(client.orderStatus({ transactionId: txn() }), 'ORDER_NOT_FOUND');
  });

  it('a wrong price is WRONG_PRICE and records nothing', async () => {
    const transactionId = txn();
    await partnerApiError(buy(transactionId, PUBG, 560), 'WRONG_PRICE');
    expect(sim.orders().some((o) => o.transactionId === transactionId)).toBe(false);
  });

  it('out of keys, an order is answered CANCELED (an answer, not an error)', async () => {
    expect(await buy(txn(), STEAM, 10)).toMatchObject({ status: 'COMPLETED', key: 'STEAM-KEY-1' });
    const canceled = await buy(txn(), STEAM, 10);
    expect(canceled).toMatchObject({ status: 'CANCELED', message: 'Out of stock' });
    expect(canceled.key).toBeUndefined();
  });

  it('a wrong token is INVALID_TOKEN (401)', async () => {
    const stranger = new PartnerApiClient({ baseUrl: sim.url, token: 'not-the-token' });
    expect((await partnerApiError(stranger.balance(), 'INVALID_TOKEN')).httpStatus).toBe(401);
    // A supplier configured without a token fails as an answer, not as a crash at construction.
    const tokenless = new PartnerApiClient({ baseUrl: sim.url, token: '' });
    await partnerApiError(tokenless.balance(), 'INVALID_TOKEN');
  });

  it('a body the server refuses is INVALID_REQUEST_BODY naming the field', async () => {
    const error = await partnerApiError(client.findOne('1001' as unknown as number), 'INVALID_REQUEST_BODY');
    expect(error.details.field).toBe('offerId');
  });
});

describe('faults', () => {
  it('processing-then-complete: PROCESSING, then COMPLETED with the key after n status calls', async () => {
    sim.setFault(PUBG, { kind: 'processing-then-complete', afterStatusCalls: 2 });
    const order = await buy();
    expect(order.status).toBe('PROCESSING');
    expect(order.key).toBeUndefined();
    sim.setFault(PUBG, null); // the order keeps its script
    const seen: Order[] = [];
    for (let i = 0; i < 3; i++) seen.push(await client.orderStatus({ orderId: order.orderId }));
    expect(seen.map((o) => o.status)).toEqual(['PROCESSING', 'PROCESSING', 'COMPLETED']);
    expect(seen[2]!.key).toMatch(/^GD-/);
  });

  it('processing-then-cancel: PROCESSING, then CANCELED without a key', async () => {
    sim.setFault(PUBG, { kind: 'processing-then-cancel', afterStatusCalls: 1 });
    const order = await buy();
    expect(order.status).toBe('PROCESSING');
    expect((await client.orderStatus({ orderId: order.orderId })).status).toBe('PROCESSING');
    const final = await client.orderStatus({ orderId: order.orderId });
    expect(final.status).toBe('CANCELED');
    expect(final.key).toBeUndefined();
  });

  it('out-of-stock: an order is answered CANCELED while keys remain', async () => {
    sim.setFault(PUBG, { kind: 'out-of-stock' });
    expect(await buy()).toMatchObject({ status: 'CANCELED', message: 'Out of stock' });
    expect(sim.catalog().find((o) => o.offerId === PUBG)!.keysLeft).toBeGreaterThan(0);
  });

  it('wrong-price: the right price is WRONG_PRICE', async () => {
    sim.setFault(PUBG, { kind: 'wrong-price' });
    await partnerApiError(buy(), 'WRONG_PRICE');
  });

  it('http-500 is a TransportError http-status: 5xx without the error shape; nothing was ordered', async () => {
    sim.setFault(PUBG, { kind: 'http-500', status: 503 });
    const transactionId = txn();
    const error = await transportError(buy(transactionId), 'http-status');
    expect(error.httpStatus).toBe(503);
    expect(error.operation).toBe('POST /api/v1/offers/create-order');
    sim.setFault(PUBG, null);
    await partnerApiError(client.orderStatus({ transactionId }), 'ORDER_NOT_FOUND');
  });

  it('service-unavailable: a 5xx in the error shape is PartnerApiError SERVICE_UNAVAILABLE (503)', async () => {
    sim.setFault('all', { kind: 'service-unavailable' });
    expect((await partnerApiError(client.balance(), 'SERVICE_UNAVAILABLE')).httpStatus).toBe(503);
  });

  it('timeout is a TransportError timeout after timeoutMs', async () => {
    sim.setFault(PUBG, { kind: 'timeout' });
    const quick = new PartnerApiClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 150 });
    await transportError(quick.findOne(PUBG), 'timeout');
  });

  it('slow past the timeout: a timeout, yet the order exists and is found by transactionId', async () => {
    sim.setFault(PUBG, { kind: 'slow', ms: 1000 });
    const quick = new PartnerApiClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 100 });
    const transactionId = txn();
    await transportError(quick.createOrder({ offerId: PUBG, price: PRICE, transactionId }), 'timeout');
    sim.setFault(PUBG, null);
    expect(await client.orderStatus({ transactionId })).toMatchObject({ status: 'COMPLETED' });
  });

  it('slow within the timeout is an answer', async () => {
    sim.setFault(PUBG, { kind: 'slow', ms: 50 });
    expect((await client.findOne(PUBG)).offerId).toBe(PUBG);
  });

  it('garbage is a TransportError bad-body; so is JSON of the wrong shape', async () => {
    sim.setFault(PUBG, { kind: 'garbage' });
    await transportError(client.findOne(PUBG), 'bad-body');
    sim.setFault(PUBG, { kind: 'garbage', body: '{"orderId":1,"status":"DONE","key":"SECRET-GD"}' });
    const error = await transportError(buy(), 'bad-body');
    expect(error.body).not.toContain('SECRET-GD');
  });

  it("balance follows only the fault for all, not an offer's", async () => {
    sim.setFault(PUBG, { kind: 'http-500' });
    expect((await client.balance()).balance).toBe(500);
    sim.setFault('all', { kind: 'http-500' });
    await transportError(client.balance(), 'http-status');
  });

  it('order-status follows the fault of the order\'s offer', async () => {
    const order = await buy();
    sim.setFault(PUBG, { kind: 'garbage' });
    await transportError(client.orderStatus({ orderId: order.orderId }), 'bad-body');
    sim.setFault(PUBG, null);
    expect((await client.orderStatus({ orderId: order.orderId })).status).toBe('COMPLETED');
  });
});
