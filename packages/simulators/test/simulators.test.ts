/**
 * What the SDK tests cannot see: the simulators' raw HTTP behaviour (bad requests, routes),
 * their bounds, a clean stop with requests still held, and their fault arguments.
 * The protocol behaviour itself is tested through the SDK in packages/sdk/test.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CODEGAMES_GENERATED_FIRST_ID, GAMESDROP_GENERATED_FIRST_ID, startCodeGamesSimulator, startGamesDropSimulator } from '../src/index.ts';
import { parseFaultArg } from '../src/fault-arg.ts';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

async function post(url: string, body: unknown, raw?: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw ?? JSON.stringify(body) });
  return read(response);
}

async function get(url: string): Promise<{ status: number; body: any }> {
  return read(await fetch(url));
}

async function read(response: Response): Promise<{ status: number; body: any }> {
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

/** Four offers of three products, one with servers and excluded countries. */
const CATALOG = [
  { offerId: 12, productName: 'PUBG MOBILE', offerName: '325 UC', price: 4.99, currency: 'USD' as const, category: 'Top Up' },
  { offerId: 11, productName: 'PUBG MOBILE', offerName: '60 UC', price: 0.99, currency: 'USD' as const, category: 'Top Up' },
  { offerId: 21, productName: 'Steam Wallet', offerName: '100 USD', price: 100, currency: 'USD' as const, category: 'Gift Card' },
  {
    offerId: 31, productName: 'Mobile Legends', offerName: '86 Diamonds', price: 1.5, currency: 'USD' as const, category: 'Top Up',
    platformCode: 'mobile', platformName: 'Mobile', regionCode: 'GLB', regionName: 'Global', regionalLimitations: 'Not in Belarus',
    excludedCountryCodes: ['ru', 'BY'], servers: { 2010: 'Asia', 2011: 'Europe' },
  },
];

describe('CodeGames simulator', () => {
  it('hands out the given keys in order, and answers bad requests with 400 and a comment', async () => {
    const sim = await startCodeGamesSimulator({ products: [{ id: 7, name: 'Seven', price: 1, partnerPrice: 0.9, keys: ['K-1', 'K-2'] }] });
    stops.push(sim.stop);
    expect((await post(`${sim.url}/pay`, { product_id: 7, price: 1, txn_id: 'a' })).body.product.productKey).toBe('K-1');
    expect((await post(`${sim.url}/pay`, { product_id: 7, price: 1, txn_id: 'b' })).body.product.productKey).toBe('K-2');

    const stringId = await post(`${sim.url}/check`, { product_id: '7' });
    expect(stringId.status).toBe(400);
    expect(stringId.body.comment).toMatch(/^product_id/);
    expect((await post(`${sim.url}/pay`, undefined, 'not json')).status).toBe(400);
    expect((await post(`${sim.url}/nope`, {})).status).toBe(404);
    expect((await fetch(`${sim.url}/check`)).status).toBe(405);
  });

  it('remembers at most maxPayments: the oldest is forgotten', async () => {
    const sim = await startCodeGamesSimulator({ maxPayments: 2 });
    stops.push(sim.stop);
    for (const txn of ['t1', 't2', 't3']) {
      expect((await post(`${sim.url}/pay`, { product_id: 1234567890, price: 50000, txn_id: txn })).body.status).toBe('OK');
    }
    expect(sim.payments().map((p) => p.txnId)).toEqual(['t2', 't3']);
    expect((await post(`${sim.url}/status`, { txn_id: 't1' })).body.status).toBe('TXN_NOT_FOUND');
    expect((await post(`${sim.url}/status`, { txn_id: 't3' })).body.status).toBe('OK');
  });

  it('generates n keys on demand and then runs out', async () => {
    const sim = await startCodeGamesSimulator({ products: [{ id: 9, name: 'Nine', price: 2, partnerPrice: 1, keys: 1 }] });
    stops.push(sim.stop);
    expect(sim.catalog()).toEqual([{ id: 9, name: 'Nine', price: 2, partnerPrice: 1, keysLeft: 1 }]);
    expect((await post(`${sim.url}/pay`, { product_id: 9, price: 2, txn_id: 'x' })).body.product.productKey).toMatch(/^CG-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$/);
    expect((await post(`${sim.url}/pay`, { product_id: 9, price: 2, txn_id: 'y' })).body.status).toBe('PRODUCT_OUT_OF_STOCK');
  });

  it('stops promptly with a request held by the timeout fault; the caller sees the connection close', async () => {
    const sim = await startCodeGamesSimulator();
    sim.setFault('all', { kind: 'timeout' });
    const held = fetch(`${sim.url}/check`, { method: 'POST', body: '{"product_id":1234567890}' }).then(
      () => 'answered',
      () => 'closed',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sim.calls.check).toBe(1);
    const started = performance.now();
    await sim.stop();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await held).toBe('closed');
  });
});

describe('CodeGames simulator: a generated catalog and scripted changes', () => {
  const C = CODEGAMES_GENERATED_FIRST_ID;

  it('generates N products after the given ones: the same for the same N, checked and paid like any other', async () => {
    const [a, b] = await Promise.all([startCodeGamesSimulator({ generatedProducts: 100_000 }), startCodeGamesSimulator({ generatedProducts: 100_000 })]);
    stops.push(a.stop, b.stop);
    const catalog = a.catalog();
    expect(catalog).toHaveLength(100_002);
    expect(catalog.slice(2)).toEqual(b.catalog().slice(2));
    const last = await post(`${a.url}/check`, { product_id: C + 99_999 });
    expect(last.body).toMatchObject({ status: 'OK', product: { id: C + 99_999, price: catalog.at(-1)!.price, partner_price: catalog.at(-1)!.partnerPrice } });
    expect((await post(`${a.url}/check`, { product_id: C + 100_000 })).body.status).toBe('PRODUCT_NOT_FOUND');
    expect(catalog[44]!.id).toBe(C + 42); // after the two given
    const paid = await post(`${a.url}/pay`, { product_id: C + 42, price: catalog[44]!.price, txn_id: 't-1' });
    expect(paid.body).toMatchObject({ status: 'OK', product: { id: C + 42, productKey: expect.stringMatching(/^CG-/) } });
    expect(a.catalog()[44]!.keysLeft).toBe(99);
  });

  it('applies a script one step at a time, from code or its admin call; a script naming an unknown id is refused', async () => {
    const sim = await startCodeGamesSimulator({
      token: 'T', generatedProducts: 10,
      script: [[{ id: C + 1, price: 7, partnerPrice: 6 }, { id: C + 2, listed: false }], [{ id: C + 2, listed: true }]],
    });
    stops.push(sim.stop);
    const check = async (id: number) => (await fetch(`${sim.url}/check`, { method: 'POST', headers: { authorization: 'T' }, body: JSON.stringify({ product_id: id }) })).json();
    expect(sim.step()).toEqual({ applied: 1, remaining: 1 });
    expect(await check(C + 1)).toMatchObject({ status: 'OK', product: { price: 7, partner_price: 6 } });
    expect((await check(C + 2)).status).toBe('PRODUCT_NOT_FOUND');
    expect((await fetch(`${sim.url}/_simulator/script/step`, { method: 'POST' })).status).toBe(401);
    const stepped = await fetch(`${sim.url}/_simulator/script/step`, { method: 'POST', headers: { authorization: 'T' } });
    expect(await stepped.json()).toEqual({ applied: 2, remaining: 0 });
    expect((await check(C + 2)).status).toBe('OK');
    await expect(startCodeGamesSimulator({ script: [[{ id: 77, keys: 0 }]] })).rejects.toThrow(/no offer or product 77/);
  });
});

describe('GamesDrop simulator: Telegram Stars and scripted changes', () => {
  it('sells telegram_stars_<N> as the live service: the quote, its tolerance, a numeric user id, the fulfillmentData', async () => {
    const sim = await startGamesDropSimulator({ starsUsdPerTon: 2.58 });
    stops.push(sim.stop);
    const quote = await post(`${sim.url}/api/v1/offers/find-one`, { offerId: 'telegram_stars_100' });
    expect(quote.body).toEqual({ offerId: 'telegram_stars_100', productName: 'Telegram Stars', offerName: '100 Stars', count: 1, price: 0.77, currency: 'USD', isReturnDataForCustomer: true });
    expect((await post(`${sim.url}/api/v1/offers/find-one`, { offerId: 'telegram_stars_2501' })).body.error.code).toBe('OFFER_NOT_FOUND');
    const order = (price: number, transactionId: string, gameUserId?: string) =>
      post(`${sim.url}/api/v1/offers/create-order`, { offerId: 'telegram_stars_100', price, transactionId, ...(gameUserId && { customer: { gameUserId } }) });
    expect((await order(0.77, 'no-user')).body.error).toMatchObject({ code: 'INVALID_REQUEST_BODY', field: 'customer.gameUserId' });
    expect((await order(0.75, 'far', '143594291')).body.error.code).toBe('WRONG_PRICE');
    const done = await order(0.78, 'near', '143594291'); // within a cent: charged the quote
    expect(done.body).toMatchObject({
      status: 'COMPLETED', price: 0.77, offerId: 'telegram_stars_100',
      fulfillmentData: { telegram_user_id: 143594291, stars_amount: 100, delivery_status: 'completed', transaction_id: expect.stringMatching(/^tg_tx_/) },
    });
    sim.setFault('all', { kind: 'stars-delivery-failed', error: 'bot was blocked by user' });
    expect((await order(0.77, 'failed', '143594291')).body).toMatchObject({
      status: 'CANCELED', message: 'Failed to deliver Stars: bot was blocked by user',
      fulfillmentData: { delivery_status: 'failed', error_message: 'bot was blocked by user' },
    });
  });

  it('a script moves generated offers too: the feed and find-one see each step', async () => {
    const G = GAMESDROP_GENERATED_FIRST_ID;
    const sim = await startGamesDropSimulator({
      offers: [], generatedOffers: 20,
      script: [[{ id: G + 3, price: 1.23 }, { id: G, listed: false }, { id: G + 19, listed: false }], [{ id: G, listed: true }]],
    });
    stops.push(sim.stop);
    sim.step();
    const page = await post(`${sim.url}/api/v1/offers/sync`, { limit: 5, page: 1 });
    expect(page.body.count).toBe(18);
    expect(page.body.rows.map((r: any) => r.offerId)).toEqual([G + 1, G + 2, G + 3, G + 4, G + 5]);
    expect(page.body.rows[2].price).toBe(1.23);
    const lastPage = await post(`${sim.url}/api/v1/offers/sync`, { limit: 5, page: 4 });
    expect(lastPage.body.rows.map((r: any) => r.offerId)).toEqual([G + 16, G + 17, G + 18]);
    expect((await post(`${sim.url}/api/v1/offers/find-one`, { offerId: G })).body.error.code).toBe('OFFER_NOT_FOUND');
    sim.step();
    expect((await post(`${sim.url}/api/v1/offers/sync`, {})).body.count).toBe(19);
    expect((await post(`${sim.url}/api/v1/offers/find-one`, { offerId: G })).status).toBe(200);
  });
});

describe('GamesDrop simulator', () => {
  it('answers bad input as INVALID_REQUEST_BODY in the error shape, and serves the balance alias', async () => {
    const sim = await startGamesDropSimulator({ balance: 12.5 });
    stops.push(sim.stop);
    const base = `${sim.url}/api/v1`;
    const bad = await post(`${base}/offers/create-order`, { offerId: 1001, price: 560.1 });
    expect(bad).toEqual({ status: 400, body: { error: { code: 'INVALID_REQUEST_BODY', message: expect.stringContaining('transactionId'), field: 'transactionId' } } });
    expect((await post(`${base}/offers/find-one`, undefined, '{oops')).body.error.code).toBe('INVALID_REQUEST_BODY');
    expect((await post(`${base}/offers/order-status`, { orderId: 1, transactionId: 'a' })).body.error.code).toBe('INVALID_REQUEST_BODY');
    const balance = { balance: 12.5, draftBalance: 0, currency: { id: 3, code: 'USD' }, shopId: 1, shopName: 'Simulated shop', partnerId: 1, isPostpaid: false, balanceProfile: 'FIAT' };
    expect((await post(`${base}/balance/check`, {})).body).toEqual(balance);
    for (const alias of ['/partner/balance', '/offers/balance']) expect((await get(`${base}${alias}`)).body).toEqual(balance);
    expect((await post(`${base}/unknown`, {})).status).toBe(404);
  });

  it('sync pages the catalog in offerId order; count is the same on every page, past the end too', async () => {
    const sim = await startGamesDropSimulator({ offers: CATALOG });
    stops.push(sim.stop);
    const sync = (body?: unknown) => post(`${sim.url}/api/v1/offers/sync`, body, body === undefined ? '' : undefined);
    const ids = (answer: { body: any }) => answer.body.rows.map((row: { offerId: number }) => row.offerId);

    // No body, or {}: the first page of everything (at most 1000 rows).
    expect(ids(await sync())).toEqual([11, 12, 21, 31]);
    expect((await sync({})).body.count).toBe(4);
    expect(await sync({ limit: 3, page: 1 })).toMatchObject({ status: 200, body: { count: 4 } });
    expect(ids(await sync({ limit: 3, page: 2 }))).toEqual([31]);
    expect((await sync({ limit: 3, page: 3 })).body).toEqual({ count: 4, rows: [] });
    // Filters: category equal, search in product or offer name, any case; unknown fields ignored.
    expect(ids(await sync({ category: 'top up', countryCode: 'KZ', updatedSince: 'not a date' }))).toEqual([11, 12, 31]);
    expect(ids(await sync({ search: 'pubg MOBILE' }))).toEqual([11, 12]);
    expect(ids(await sync({ search: '100 usd' }))).toEqual([21]);
    expect((await sync({ search: 'nothing like it' })).body).toEqual({ count: 0, rows: [] });
    for (const limit of [0, 1001]) expect((await sync({ limit })).body.error).toMatchObject({ code: 'INVALID_REQUEST_BODY', field: 'limit' });
    expect(sim.calls.sync).toBe(11);
  });

  it('a sync row carries the product, its servers as a requirement, and the country check', async () => {
    const sim = await startGamesDropSimulator({ offers: CATALOG });
    stops.push(sim.stop);
    const [row] = (await post(`${sim.url}/api/v1/offers/sync`, { search: 'Mobile Legends', countryCode: 'by' })).body.rows;
    expect(row).toEqual({
      offerId: 31, offerGroupId: 31, offerGroupName: '86 Diamonds', offerName: '86 Diamonds', productId: 3, productName: 'Mobile Legends', category: 'Top Up',
      count: 1, price: 1.5, currency: 'USD', isReturnDataForCustomer: true, isRequiredGameUserId: false, isRequiredGameServerId: true, inStock: true,
      platformCode: 'mobile', platformName: 'Mobile', regionCode: 'GLB', regionName: 'Global', regionalLimitations: 'Not in Belarus',
      excludedCountryCodes: ['BY', 'RU'], countryCompatibility: 'blocked',
      priceBreakdown: {
        providerPrice: 1.5, providerCurrency: 'USD', addedPercent: 0, fxRate: 1, price: 1.5, currency: 'USD', isPriceFresh: true,
        debitAmount: null, debitCurrency: 'USD', debitFxRate: null,
      },
    });
    const order = { offerId: 31, price: 1.5, transactionId: 'by-1' };
    expect((await post(`${sim.url}/api/v1/offers/create-order`, { ...order, countryCode: 'BY' })).body.error.code).toBe('COUNTRY_NOT_ALLOWED');
    expect((await post(`${sim.url}/api/v1/offers/create-order`, { ...order, countryCode: 'KZ' })).body.status).toBe('COMPLETED');
  });

  it("servers answers an offer's servers, {} for none, at both paths", async () => {
    const sim = await startGamesDropSimulator({ offers: CATALOG });
    stops.push(sim.stop);
    for (const path of ['/api/v1/partner/product-offer/servers', '/api/v1/offers/servers']) {
      expect((await post(`${sim.url}${path}`, { offerId: 31 })).body).toEqual({ 2010: 'Asia', 2011: 'Europe' });
      expect((await post(`${sim.url}${path}`, { offerId: 11, countryCode: 'KZ' })).body).toEqual({});
      expect(await post(`${sim.url}${path}`, { offerId: 5 })).toMatchObject({ status: 404, body: { error: { code: 'OFFER_NOT_FOUND' } } });
      expect((await post(`${sim.url}${path}`, { offerId: '31' })).body.error).toMatchObject({ code: 'INVALID_REQUEST_BODY', field: 'offerId' });
    }
    expect(sim.calls.servers).toBe(8);
  });

  it('generates a catalog of N offers after the given ones: the same for the same N, sold like any other', async () => {
    const [a, b] = await Promise.all([startGamesDropSimulator({ generatedOffers: 100_000 }), startGamesDropSimulator({ generatedOffers: 100_000 })]);
    stops.push(a.stop, b.stop);
    const page = (sim: typeof a, body: unknown) => post(`${sim.url}/api/v1/offers/sync`, body).then((answer) => answer.body);
    const first = await page(a, { limit: 4 });
    expect(first.count).toBe(100_002);
    expect(first.rows.map((r: { offerId: number }) => r.offerId)).toEqual([1001, 1002, 1_000_001, 1_000_002]);
    expect(await page(b, { limit: 4 })).toEqual(first);
    const last = await page(a, { limit: 1000, page: 101 });
    expect(last.rows.map((r: { offerId: number }) => r.offerId)).toEqual([1_099_999, 1_100_000]);
    expect(await page(a, { limit: 1000, page: 101 })).toEqual(await page(b, { limit: 1000, page: 101 }));

    const topUps = await page(a, { category: 'Top Up', limit: 1 });
    expect(topUps.count).toBeGreaterThan(30_000);
    expect(topUps.count).toBeLessThan(40_000);
    const generated = first.rows[2];
    expect(generated).toMatchObject({ productId: 1_000_001, currency: expect.any(String), inStock: true });
    expect(Math.round(generated.price * 100)).toBeGreaterThanOrEqual(100);

    const bought = await post(`${a.url}/api/v1/offers/create-order`, { offerId: generated.offerId, price: generated.price, transactionId: 'gen-1' });
    expect(bought.body).toMatchObject({ status: 'COMPLETED', key: expect.stringMatching(/^GD-/) });
    expect((await page(a, { limit: 1, page: 3 })).rows[0].offerId).toBe(generated.offerId);
    expect(a.catalog()).toHaveLength(100_002);
    expect(a.catalog().find((o) => o.offerId === generated.offerId)!.keysLeft).toBe(99);
    expect(() => a.setFault(1_100_001, { kind: 'timeout' })).toThrow(/no offer 1100001/);
    await expect(startGamesDropSimulator({ generatedOffers: 1, offers: [{ offerId: 1_000_001, productName: 'P', offerName: 'O', price: 1, currency: 'USD' }] }))
      .rejects.toThrow(/generated catalog/);
  });

  it('remembers at most maxOrders: a forgotten order frees its transactionId', async () => {
    const sim = await startGamesDropSimulator({ maxOrders: 1 });
    stops.push(sim.stop);
    const order = (transactionId: string) => post(`${sim.url}/api/v1/offers/create-order`, { offerId: 1002, price: 10, transactionId });
    const first = await order('a');
    expect((await order('a')).body.error).toEqual({ code: 'TRANSACTION_DUPLICATE', message: expect.any(String), orderId: first.body.orderId });
    await order('b');
    expect(sim.orders().map((o) => o.transactionId)).toEqual(['b']);
    expect((await order('a')).status).toBe(200);
  });

  it('refuses faults of unknown kinds, bad values, or for unknown offers', async () => {
    const sim = await startGamesDropSimulator();
    stops.push(sim.stop);
    expect(() => sim.setFault(1001, { kind: 'processing-then-complete', afterStatusCalls: 1.5 })).toThrow(/afterStatusCalls/);
    expect(() => sim.setFault('all', { kind: 'http-500', status: 404 })).toThrow(/500\.\.599/);
    expect(() => sim.setFault(5, { kind: 'timeout' })).toThrow(/no offer 5/);
    expect(() => sim.setFault('all', { kind: 'duplicate' } as never)).toThrow(/unknown fault kind/);
  });
});

describe('--fault arguments', () => {
  it('parse TARGET=KIND[:VALUE] into the fault objects', () => {
    expect(parseFaultArg('all=timeout')).toEqual({ target: 'all', fault: { kind: 'timeout' } });
    expect(parseFaultArg('1001=slow:2000')).toEqual({ target: 1001, fault: { kind: 'slow', ms: 2000 } });
    expect(parseFaultArg('1234567890=pay-fails-then-ok:3')).toEqual({ target: 1234567890, fault: { kind: 'pay-fails-then-ok', okAfterStatusCalls: 3 } });
    expect(parseFaultArg('all=http-500:503')).toEqual({ target: 'all', fault: { kind: 'http-500', status: 503 } });
    expect(parseFaultArg('all=garbage:{"a":1}')).toEqual({ target: 'all', fault: { kind: 'garbage', body: '{"a":1}' } });
    expect(() => parseFaultArg('all=slow')).toThrow(/needs a value/);
    expect(() => parseFaultArg('all=timeout:5')).toThrow(/takes no value/);
    expect(() => parseFaultArg('x=timeout')).toThrow(/TARGET=KIND/);
  });
});
