/**
 * PartnerApiClient against the GamesDrop simulator over real HTTP: the calls a supplier adapter
 * makes, the spec's error answers as PartnerApiError, and every fault sorted into its outcome.
 */
import { randomUUID } from 'node:crypto';
import { startGamesDropSimulator, type GamesDropSimulator } from '@dropgate/simulators';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CatalogChangedError, PartnerApiClient, type Order, type SyncOffer } from '../src/index.ts';
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
  it("balance answers the spec shape, with the live service's shop fields", async () => {
    expect(await client.balance()).toEqual({
      balance: 500, draftBalance: 0, currency: { id: 3, code: 'USD' }, shopId: 1, shopName: 'Simulated shop', partnerId: 1, isPostpaid: false, balanceProfile: 'FIAT',
    });
  });

  it('findOne answers the offer with its catalog fields; an unknown one is PartnerApiError OFFER_NOT_FOUND (404)', async () => {
    expect(await client.findOne(PUBG)).toEqual({
      offerId: PUBG, productName: 'PUBG MOBILE GIFT', offerName: '60 UC', count: 1, price: PRICE, currency: 'RUB', isReturnDataForCustomer: true,
      offerGroupId: PUBG, isRequiredGameUserId: false, isRequiredGameServerId: false, inStock: true,
      platformCode: null, platformName: null, regionCode: null, regionName: null, regionalLimitations: null, excludedCountryCodes: [],
      countryCompatibility: 'not_checked',
      priceBreakdown: {
        providerPrice: PRICE, providerCurrency: 'RUB', addedPercent: 0, fxRate: 1, price: PRICE, currency: 'RUB', isPriceFresh: true,
        debitAmount: null, debitCurrency: 'USD', debitFxRate: null,
      },
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

describe('the catalog: sync, syncAll, servers', () => {
  let catalog: GamesDropSimulator;
  let reader: PartnerApiClient;
  const offer = (offerId: number, productName: string, category: string) =>
    ({ offerId, productName, offerName: `Offer ${offerId}`, price: 1.25, currency: 'USD' as const, category });

  beforeAll(async () => {
    catalog = await startGamesDropSimulator({
      offers: [
        { ...offer(3, 'Mobile Legends', 'Top Up'), servers: { 2010: 'Asia', 2011: 'Europe' }, excludedCountryCodes: ['RU'] },
        offer(1, 'PUBG MOBILE', 'Top Up'), offer(2, 'PUBG MOBILE', 'Top Up'), offer(4, 'Steam Wallet', 'Gift Card'), offer(5, 'Steam Wallet', 'Gift Card'),
      ],
      generatedOffers: 2495,
    });
    reader = new PartnerApiClient({ baseUrl: catalog.url, token: '', timeoutMs: 10_000 });
  });
  afterEach(() => catalog.clearFaults());
  afterAll(() => catalog.stop());

  const ids = (rows: SyncOffer[]) => rows.map((row) => row.offerId);
  async function collect(iterable: AsyncIterable<SyncOffer>): Promise<SyncOffer[]> {
    const rows: SyncOffer[] = [];
    for await (const row of iterable) rows.push(row);
    return rows;
  }

  it('sync answers one page and the count for the filters; a page past the end is empty with the same count', async () => {
    const topUps = await collect(reader.syncAll({ category: 'top up', countryCode: 'RU' }));
    expect(topUps.every((row) => row.category === 'Top Up')).toBe(true);
    const page = await reader.sync({ limit: 2, page: 2, category: 'Top Up', countryCode: 'RU' });
    expect(page.count).toBe(topUps.length);
    expect(ids(page.rows)).toEqual([3, 1_000_001]);
    expect(page.rows[0]).toMatchObject({
      offerGroupId: 3, offerGroupName: 'Offer 3', productName: 'Mobile Legends', isRequiredGameServerId: true, excludedCountryCodes: ['RU'], countryCompatibility: 'blocked',
    });
    expect((await reader.sync({ search: 'steam wallet', countryCode: 'RU' })).rows.slice(0, 2)).toMatchObject([
      { offerId: 4, countryCompatibility: 'allowed' }, { offerId: 5, countryCompatibility: 'allowed' },
    ]);
    expect(await reader.sync({ limit: 1000, page: 4 })).toEqual({ count: 2500, rows: [] });
  });

  it('syncAll reads every page of 1000 until the short one: each offer once, exactly count', async () => {
    let before = catalog.calls.sync;
    const rows = await collect(reader.syncAll());
    expect(rows).toHaveLength(2500);
    expect(new Set(ids(rows)).size).toBe(2500);
    expect(ids(rows).slice(0, 6)).toEqual([1, 2, 3, 4, 5, 1_000_001]);
    expect(catalog.calls.sync - before).toBe(3);

    before = catalog.calls.sync;
    expect(ids(await collect(reader.syncAll({ search: 'offer', limit: 2 })))).toEqual([1, 2, 3, 4, 5]);
    expect(catalog.calls.sync - before).toBe(3);
    // A count that fills the last page ends there, without asking for an empty one.
    before = catalog.calls.sync;
    expect(await collect(reader.syncAll({ search: 'offer', limit: 5 }))).toHaveLength(5);
    expect(catalog.calls.sync - before).toBe(1);
  });

  it('syncAll ends in CatalogChangedError when the pages stop adding up', async () => {
    const first = await reader.sync({ limit: 1, page: 1 });
    const pageOne = JSON.stringify(first);
    const changed = async (body: string) => {
      const pages = reader.syncAll({ limit: 1 });
      expect((await pages.next()).value).toEqual(first.rows[0]);
      catalog.setFault('all', { kind: 'garbage', body });
      const error = await pages.next().then(() => expect.fail('expected CatalogChangedError'), (e: unknown) => e);
      catalog.clearFaults();
      expect(error).toBeInstanceOf(CatalogChangedError);
      expect((error as CatalogChangedError).page).toBe(2);
      return (error as Error).message;
    };
    expect(await changed(JSON.stringify({ count: 2501, rows: [] }))).toMatch(/page 2 counts 2501 offers, page 1 counted 2500/);
    expect(await changed(pageOne)).toMatch(/offer 1 is on two pages/); // a server that ignores page
    expect(await changed(JSON.stringify({ count: 2500, rows: [] }))).toMatch(/1 offers received, 2500 counted/);
  });

  it("servers answers an offer's servers, {} for none; an unknown offer is OFFER_NOT_FOUND", async () => {
    expect(await reader.servers(3)).toEqual({ 2010: 'Asia', 2011: 'Europe' });
    expect(await reader.servers(1)).toEqual({});
    expect((await partnerApiError(reader.servers(4242), 'OFFER_NOT_FOUND')).httpStatus).toBe(404);
  });

  it('faults: sync sees the fault for all (5xx, garbage), servers its offer\'s', async () => {
    catalog.setFault('all', { kind: 'http-500' });
    await transportError(reader.sync(), 'http-status');
    catalog.setFault('all', { kind: 'service-unavailable' });
    await partnerApiError(collect(reader.syncAll()), 'SERVICE_UNAVAILABLE');
    catalog.setFault('all', { kind: 'garbage', body: '{"count":1,"rows":[{"offerId":1}]}' });
    await transportError(reader.sync(), 'bad-body');
    catalog.clearFaults();
    catalog.setFault(3, { kind: 'timeout' });
    const quick = new PartnerApiClient({ baseUrl: catalog.url, token: '', timeoutMs: 150 });
    await transportError(quick.servers(3), 'timeout');
    expect(await quick.sync({ limit: 1 })).toMatchObject({ count: 2500 });
  });
});

describe('a server that answers the spec fields only', () => {
  it('balance and findOne accept the spec shape; the live service fields are optional', async () => {
    const { createServer } = await import('node:http');
    const spec = {
      'GET /api/v1/balance': { balance: 12.5, draftBalance: 0, currency: { id: 3, code: 'USD' } },
      'POST /api/v1/offers/find-one': { offerId: PUBG, productName: 'PUBG MOBILE GIFT', offerName: '60 UC', count: 1, price: PRICE, currency: 'RUB', isReturnDataForCustomer: true },
    } as Record<string, unknown>;
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(spec[`${request.method} ${request.url}`])));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const plain = new PartnerApiClient({ baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`, token: TOKEN, timeoutMs: 2000 });
      expect(await plain.balance()).toEqual(spec['GET /api/v1/balance']);
      expect(await plain.findOne(PUBG)).toEqual(spec['POST /api/v1/offers/find-one']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
