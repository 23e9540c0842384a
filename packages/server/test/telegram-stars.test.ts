/**
 * Telegram Stars through the Partner API, over real HTTP, against a real PostgreSQL and the rate
 * source and stars provider simulators: live pricing to the cent, the tolerance edges, a stale
 * rate, the fallback rate, delivery and each delivery failure with its one refund, unknown
 * outcomes (never refunded automatically), and duplicate transactionIds under concurrency.
 *
 * The hub runs on a database of its own: the stars provider is one row per deployment, and other
 * files' hubs must not repoint it. The clock is manual, so rate caching and staleness run in
 * seconds.
 */
import { startStarsProviderSimulator, startTonRateSimulator, type StarsProviderSimulator, type TonRateSimulator } from '@dropgate/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from './support/clock.ts';
import { useIsolatedDatabase } from './support/db.ts';
import { cents, expectError } from './support/expect.ts';
import { merchantClient, operator, startTestHub, useTestHub } from './support/hub.ts';

const PROVIDER_TOKEN = 'stars-provider-secret-token';
const CACHE_MS = 30_000;
const MAX_AGE_MS = 300_000;
const STATUS_INTERVAL_MS = 30_000;

const database = useIsolatedDatabase();
let rate: TonRateSimulator;
let provider: StarsProviderSimulator;
const clock = new ManualClock();

function starsEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: database.url,
    DROPGATE_STARS_PROVIDER_URL: provider.url,
    DROPGATE_STARS_PROVIDER_TOKEN: PROVIDER_TOKEN,
    DROPGATE_STARS_PROVIDER_TIMEOUT_MS: '1000',
    DROPGATE_STARS_STATUS_INTERVAL_S: String(STATUS_INTERVAL_MS / 1000),
    DROPGATE_STARS_STATUS_ATTEMPTS: '3',
    DROPGATE_STARS_MARGIN_PERCENT: '1',
    DROPGATE_STARS_PRICE_TOLERANCE_PERCENT: '1',
    DROPGATE_TON_RATE_URL: rate.rateUrl,
    DROPGATE_TON_RATE_CACHE_S: String(CACHE_MS / 1000),
    DROPGATE_TON_RATE_MAX_AGE_S: String(MAX_AGE_MS / 1000),
    // A fast provider answers inside create-order; the worker is driven by the tests (runDue).
    DROPGATE_ORDER_WAIT_MS: '8000',
    DROPGATE_WORKER_POLL_MS: '60000',
    ...extra,
  };
}

beforeAll(async () => {
  rate = await startTonRateSimulator({ usdPerTon: '2.58' });
  provider = await startStarsProviderSimulator({ token: PROVIDER_TOKEN });
});

afterAll(async () => {
  await rate?.stop();
  await provider?.stop();
});

const hub = useTestHub(() => starsEnv(), { clock });
const op = operator(hub);

/** Sets the source's rate and lets the hub's cached rate expire, so the next call fetches it. */
function rateIs(usdPerTon: string) {
  rate.setRate(usdPerTon);
  clock.advance(CACHE_MS + 1000);
}

let txn = 0;
const nextTxn = () => `tg-${Date.now()}-${txn++}`;

async function funded(amount = '100.00') {
  const merchant = await op.merchant(undefined, amount);
  return { ...merchant, api: merchantClient(hub, merchant.token) };
}

type Api = ReturnType<typeof merchantClient>;

/** Polls order-status (running due fulfilment work) until the order leaves PROCESSING. */
async function settled(api: Api, orderId: number) {
  for (let i = 0; i < 100; i++) {
    const order = (await api('/offers/order-status', { orderId })).body;
    if (order.status !== 'PROCESSING') return order;
    await hub.running.hub.worker.runDue();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`order ${orderId} is still PROCESSING`);
}

async function orderLedger(api: Api, orderId: number) {
  const entries = (await api('/balance/transactions?limit=100')).body.transactions as Array<{ type: string; amount: number; description: string }>;
  return entries.filter((e) => e.description.includes(`order ${orderId}`));
}

async function expectAuditClean() {
  const report = await op.audit();
  expect(report.violations).toEqual([]);
}

describe('Telegram Stars: find-one and live pricing', () => {
  it('answers the spec example shape, priced from the TON rate with the margin, exact to the cent', async () => {
    const { api } = await funded();
    rateIs('2.58');
    const answer = await api('/offers/find-one', { offerId: 'telegram_stars_100' });
    expect(answer.status).toBe(200);
    // 100/100 × 0.3 TON × 2.58 = 0.774 USD, + 1 % = 0.78174 → 0.78
    expect(answer.body).toMatchObject({
      offerId: 'telegram_stars_100', productName: 'Telegram Stars', offerName: '100 Stars', count: 1,
      price: 0.78, currency: 'USD', isReturnDataForCustomer: true,
      // The catalog fields: a numeric Telegram user id is required, the debit is the quote.
      offerGroupId: 'telegram_stars_100', isRequiredGameUserId: true, inStock: true, priceBreakdown: { debitAmount: 0.78 },
    });
    expect(Object.keys(answer.body).slice(0, 7)).toEqual(['offerId', 'productName', 'offerName', 'count', 'price', 'currency', 'isReturnDataForCustomer']);
  });

  it('the catalog feed lists the four listed amounts first, priced now; a page they fill still counts everything', async () => {
    const { api } = await funded();
    rateIs('2.58');
    const first = (await api('/offers/sync', { limit: 4, page: 1 })).body;
    expect(first.rows.map((r: { offerId: string; price: number }) => [r.offerId, r.price])).toEqual([
      ['telegram_stars_50', 0.39], ['telegram_stars_100', 0.78], ['telegram_stars_500', 3.91], ['telegram_stars_1000', 7.82],
    ]);
    expect(first.rows[0]).toMatchObject({ offerGroupId: 'telegram_stars_50', productName: 'Telegram Stars', category: 'Telegram', isRequiredGameUserId: true, inStock: true });
    const all = (await api('/offers/sync', {})).body;
    expect(first.count).toBe(all.count);
    expect(all.count).toBeGreaterThan(4); // the sandbox offer and the catalog come after
    expect((await api('/offers/sync', { search: 'stars', limit: 2, page: 2 })).body.rows.map((r: { offerId: string }) => r.offerId))
      .toEqual(['telegram_stars_500', 'telegram_stars_1000']);
  });

  it('the operator sees the rate in use and the listed offers (50, 100, 500, 1000) at their current price', async () => {
    rateIs('2.58');
    expect(await op.ok('GET', '/telegram/stars')).toEqual({
      enabled: true, bot: null, marginPercent: '1.00', tolerancePercent: '1.00',
      rate: { usdPerTon: '2.58', source: 'live', fetchedAt: expect.any(String) },
      offers: [
        { offerId: 'telegram_stars_50', price: '0.39', currency: 'USD' },
        { offerId: 'telegram_stars_100', price: '0.78', currency: 'USD' },
        { offerId: 'telegram_stars_500', price: '3.91', currency: 'USD' },
        { offerId: 'telegram_stars_1000', price: '7.82', currency: 'USD' },
      ],
    });
  });

  it('prices any N from 1 to 2500 at several rates, rounding half-up without floats', async () => {
    const { api } = await funded();
    const cases: Array<[string, number, number]> = [
      // rate, stars, expected USD (1 % margin)
      ['2.55', 100, 0.77], // 0.765 × 1.01 = 0.77265
      ['3.1234', 50, 0.47], // 0.15 × 3.1234 × 1.01 = 0.4731951
      ['3', 500, 4.55], // 1.5 × 3 × 1.01 = 4.545 exactly: half-up (a float computes 4.544999… and would say 4.54)
      ['5', 2500, 37.88], // 7.5 × 5 × 1.01 = 37.875
      ['1.99', 1, 0.01], // 0.0060297: never below one cent
      ['6.421337', 1000, 19.46], // 3 × 6.421337 × 1.01 = 19.45665111
    ];
    for (const [usdPerTon, stars, expected] of cases) {
      rateIs(usdPerTon);
      const answer = await api('/offers/find-one', { offerId: `telegram_stars_${stars}` });
      expect(answer.body, `${stars} stars at ${usdPerTon}`).toMatchObject({ offerId: `telegram_stars_${stars}`, offerName: `${stars} Stars`, price: expected });
    }
  });

  it('keeps the rate for its cache time, then fetches it again', async () => {
    const { api } = await funded();
    rateIs('2.58');
    expect((await api('/offers/find-one', { offerId: 'telegram_stars_1000' })).body.price).toBe(7.82);
    const fetches = rate.calls.rate;
    rate.setRate('3.00');
    clock.advance(CACHE_MS - 5000);
    expect((await api('/offers/find-one', { offerId: 'telegram_stars_1000' })).body.price).toBe(7.82);
    expect(rate.calls.rate).toBe(fetches);
    clock.advance(6000);
    expect((await api('/offers/find-one', { offerId: 'telegram_stars_1000' })).body.price).toBe(9.09); // 3 × 3 × 1.01
    expect(rate.calls.rate).toBe(fetches + 1);
  });

  it('a failing source keeps the last rate until it is stale, then answers SERVICE_UNAVAILABLE (find-one and create-order)', async () => {
    const { api } = await funded();
    rateIs('2.58');
    expect((await api('/offers/find-one', { offerId: 'telegram_stars_100' })).body.price).toBe(0.78);
    rate.setFault({ kind: 'http-500' });
    try {
      clock.advance(MAX_AGE_MS - 10_000); // the source fails, the last rate is still fresh enough
      expect((await api('/offers/find-one', { offerId: 'telegram_stars_100' })).body.price).toBe(0.78);
      clock.advance(20_000); // now it is older than the staleness limit
      expectError(await api('/offers/find-one', { offerId: 'telegram_stars_100' }), 503, 'SERVICE_UNAVAILABLE');
      const before = (await api('/balance')).body;
      expectError(await api('/offers/create-order', {
        offerId: 'telegram_stars_100', price: 0.78, transactionId: nextTxn(), customer: { gameUserId: '143594291' },
      }), 503, 'SERVICE_UNAVAILABLE');
      expect((await api('/balance')).body).toEqual(before);
      // Garbage answers are failures too.
      rate.setFault({ kind: 'garbage', body: '{"price": "not a number"}' });
      clock.advance(CACHE_MS);
      expectError(await api('/offers/find-one', { offerId: 'telegram_stars_100' }), 503, 'SERVICE_UNAVAILABLE');
    } finally {
      rate.setFault(null);
    }
    clock.advance(CACHE_MS);
    expect((await api('/offers/find-one', { offerId: 'telegram_stars_100' })).body.price).toBe(0.78);
  });

  it('with a fallback rate configured, a stale source falls back to it instead of refusing', async () => {
    const fallbackHub = await startTestHub(starsEnv({ DROPGATE_TON_RATE_FALLBACK: '3.00' }), { clock });
    try {
      const { token } = await funded();
      const api = merchantClient(fallbackHub, token);
      rateIs('2.58');
      expect((await api('/offers/find-one', { offerId: 'telegram_stars_100' })).body.price).toBe(0.78); // the live rate wins while fresh
      rate.setFault({ kind: 'timeout' });
      clock.advance(MAX_AGE_MS + 1000);
      expect((await api('/offers/find-one', { offerId: 'telegram_stars_100' })).body.price).toBe(0.91); // 0.9 × 1.01 = 0.909
      const order = await api('/offers/create-order', { offerId: 'telegram_stars_100', price: 0.91, transactionId: nextTxn(), customer: { gameUserId: '143594291' } });
      expect(order.status).toBe(200);
      expect(order.body.price).toBe(0.91);
      expect((await op.order(order.body.orderId)).usdPerUnit).toBe('1');
    } finally {
      rate.setFault(null);
      await fallbackHub.stop();
    }
    clock.advance(CACHE_MS);
  });
});

describe('Telegram Stars: create-order', () => {
  it('the spec example: 0.77 submitted, 0.78 charged, COMPLETED in one call with fulfillmentData', async () => {
    const { api, merchantId } = await funded('10.00');
    rateIs('2.58');
    const transactionId = nextTxn();
    const answer = await api('/offers/create-order', {
      offerId: 'telegram_stars_100', price: 0.77, transactionId, customer: { email: 'user@example.com', gameUserId: '143594291' },
    });
    expect(answer.status).toBe(200);
    const transfer = provider.transfers().find((t) => t.request_id === `${answer.body.orderId}-0`)!;
    expect(transfer).toMatchObject({ telegram_user_id: 143594291, amount: 100, status: 'completed' });
    expect(answer.body).toEqual({
      orderId: expect.any(Number), transactionId, count: 1, price: 0.78, currency: 'USD', offerId: 'telegram_stars_100',
      productName: 'Telegram Stars', offerName: '100 Stars', status: 'COMPLETED', isReturnDataForCustomer: true,
      fulfillmentData: { telegram_user_id: 143594291, stars_amount: 100, transaction_id: transfer.transaction_id, delivery_status: 'completed' },
      createdAt: expect.any(String),
    });
    expect((await api('/offers/order-status', { orderId: answer.body.orderId })).body).toEqual(answer.body);
    expect((await api('/balance')).body).toMatchObject({ balance: 9.22, draftBalance: 0 });
    const entries = await orderLedger(api, answer.body.orderId);
    expect(entries.map((e) => [e.type, e.amount])).toEqual([['PURCHASE', -0.78]]);
    // The operator sees the rate, the cost at that rate and the margin.
    const shown = await op.order(answer.body.orderId);
    expect(shown).toMatchObject({
      merchantId, chargedPrice: '0.78', amountUsd: '0.78', supplier: { cost: '0.77', costCurrency: 'USD', upstreamRef: transfer.transaction_id }, marginUsd: '0.01',
      telegramStars: { stars: 100, usdPerTon: '2.58', fulfillmentData: answer.body.fulfillmentData },
    });
    await expectAuditClean();
  });

  it('accepts a price exactly at the tolerance edge and refuses one cent beyond, charging the quote', async () => {
    const { api } = await funded('100.00');
    rateIs('2.58'); // 1000 stars: 7.82; 1 % of it rounds down to 7 cents
    const order = (price: number) => api('/offers/create-order', { offerId: 'telegram_stars_1000', price, transactionId: nextTxn(), customer: { gameUserId: '200000001' } });
    for (const price of [7.75, 7.89]) {
      const accepted = await order(price);
      expect(accepted.status, `${price}`).toBe(200);
      expect(accepted.body).toMatchObject({ price: 7.82, status: 'COMPLETED' });
    }
    for (const price of [7.74, 7.9]) {
      const refused = expectError(await order(price), 409, 'WRONG_PRICE');
      expect(refused.message).toContain('7.82');
    }
    // A small quote: the tolerance is at least one cent (0.78 ± 0.01).
    const small = (price: number) => api('/offers/create-order', { offerId: 'telegram_stars_100', price, transactionId: nextTxn(), customer: { gameUserId: '200000001' } });
    expect((await small(0.79)).body.price).toBe(0.78);
    expectError(await small(0.76), 409, 'WRONG_PRICE');
    expectError(await small(0.8), 409, 'WRONG_PRICE');
    expect((await api('/balance')).body).toMatchObject({ balance: cents(100 - 7.82 * 2 - 0.78) / 100, draftBalance: 0 });
    await expectAuditClean();
  });

  for (const [fault, error] of [
    ['user-not-found', 'user not found'],
    ['stargift-invalid', 'STARGIFT_INVALID'],
    ['bot-blocked', 'bot was blocked by user'],
  ] as const) {
    it(`"${error}": CANCELED with the spec's message and fulfillmentData, refunded exactly once`, async () => {
      const { api } = await funded('10.00');
      rateIs('2.58');
      const userId = 300_000_000 + txn;
      provider.setFault(userId, { kind: fault });
      const answer = await api('/offers/create-order', { offerId: 'telegram_stars_100', price: 0.78, transactionId: nextTxn(), customer: { gameUserId: String(userId) } });
      expect(answer.status).toBe(200);
      const order = answer.body.status === 'PROCESSING' ? await settled(api, answer.body.orderId) : answer.body;
      expect(order).toMatchObject({
        status: 'CANCELED',
        message: `Failed to deliver Stars: ${error}`,
        fulfillmentData: { telegram_user_id: userId, stars_amount: 100, delivery_status: 'failed', error_message: error },
      });
      expect(order.fulfillmentData.transaction_id).toBeUndefined();
      expect((await api('/offers/order-status', { orderId: order.orderId })).body).toMatchObject({ status: 'CANCELED', fulfillmentData: order.fulfillmentData });
      // More worker passes change nothing: one purchase, one refund, the balance whole again.
      await hub.running.hub.worker.runDue();
      expect((await orderLedger(api, order.orderId)).map((e) => [e.type, e.amount]).sort()).toEqual([['PURCHASE', -0.78], ['REFUND', 0.78]]);
      expect((await api('/balance')).body).toMatchObject({ balance: 10, draftBalance: 0 });
      expect(provider.transfers().filter((t) => t.request_id === `${order.orderId}-0`)).toHaveLength(1);
      await expectAuditClean();
    });
  }

  it('unknown outcomes (timeouts, 5xx, pending) are polled, then go to manual review, never refunded automatically', async () => {
    const { api } = await funded('10.00');
    rateIs('2.58');
    const userId = 400_000_001;
    provider.setFault(userId, { kind: 'timeout' });
    const placed = await api('/offers/create-order', { offerId: 'telegram_stars_100', price: 0.78, transactionId: nextTxn(), customer: { gameUserId: String(userId) } });
    expect(placed.body.status).toBe('PROCESSING');
    expect(placed.body.fulfillmentData).toBeUndefined();
    expect((await api('/balance')).body).toMatchObject({ balance: 9.22, draftBalance: 0.78 });
    provider.setFault(userId, { kind: 'http-500', status: 502 });
    for (let check = 1; check <= 3; check++) {
      clock.advance(STATUS_INTERVAL_MS);
      await hub.running.hub.worker.runDue();
      expect((await api('/offers/order-status', { orderId: placed.body.orderId })).body.status).toBe('PROCESSING');
    }
    const review = await op.ok('GET', '/orders?review=true');
    expect(review.orders.find((o: { id: number }) => o.id === placed.body.orderId).reviewReason).toMatch(/after 3 status checks/);
    expect((await api('/balance')).body).toMatchObject({ balance: 9.22, draftBalance: 0.78 });
    expect(await orderLedger(api, placed.body.orderId)).toHaveLength(1);
    // The operator confirms the delivery with the provider and completes it with its transfer id.
    provider.setFault(userId, null);
    expectError(await op.call('POST', `/orders/${placed.body.orderId}/complete`, {}), 400, 'INVALID_REQUEST_BODY', 'key');
    await op.ok('POST', `/orders/${placed.body.orderId}/complete`, { key: 'tg_tx_confirmed', reason: 'confirmed with the provider' });
    expect((await api('/offers/order-status', { orderId: placed.body.orderId })).body).toMatchObject({
      status: 'COMPLETED', fulfillmentData: { telegram_user_id: userId, stars_amount: 100, transaction_id: 'tg_tx_confirmed', delivery_status: 'completed' },
    });
    expect((await api('/balance')).body).toMatchObject({ balance: 9.22, draftBalance: 0 });

    // A pending transfer is asked again (the same request_id) until it completes.
    const pendingUser = 400_000_002;
    provider.setFault(pendingUser, { kind: 'pending-then-complete', afterCalls: 1 });
    const pending = await api('/offers/create-order', { offerId: 'telegram_stars_50', price: 0.39, transactionId: nextTxn(), customer: { gameUserId: String(pendingUser) } });
    expect(pending.body.status).toBe('PROCESSING');
    for (let i = 0; i < 2; i++) {
      clock.advance(STATUS_INTERVAL_MS);
      await hub.running.hub.worker.runDue();
    }
    const done = (await api('/offers/order-status', { orderId: pending.body.orderId })).body;
    expect(done).toMatchObject({ status: 'COMPLETED', fulfillmentData: { telegram_user_id: pendingUser, stars_amount: 50, delivery_status: 'completed' } });
    expect(provider.transfers().filter((t) => t.request_id === `${pending.body.orderId}-0`)).toHaveLength(1);
    await expectAuditClean();
  });

  it('a provider that answers 429 defers the step (nothing was sent): it runs again later, uncounted, and may still be canceled', async () => {
    const { api } = await funded('10.00');
    rateIs('2.58');
    const userId = 450_000_001;
    provider.setFault(userId, { kind: 'rate-limited' });
    const order = (transactionId: string) => api('/offers/create-order', { offerId: 'telegram_stars_100', price: 0.78, transactionId, customer: { gameUserId: String(userId) } });
    const later = (await order(nextTxn())).body;
    const canceled = (await order(nextTxn())).body;
    expect([later.status, canceled.status]).toEqual(['PROCESSING', 'PROCESSING']);
    // Still queued, not sent: the merchant may cancel it, and is refunded.
    expect((await api('/offers/cancel-order', { orderId: canceled.orderId })).body).toMatchObject({ status: 'CANCELED' });
    provider.setFault(userId, null);
    clock.advance(2000); // the provider's retry_after (1 s) has passed
    await hub.running.hub.worker.runDue();
    expect(await settled(api, later.orderId)).toMatchObject({ status: 'COMPLETED', fulfillmentData: { telegram_user_id: userId, delivery_status: 'completed' } });
    expect((await op.order(later.orderId)).reviewReason).toBeNull();
    expect((await api('/balance')).body).toMatchObject({ balance: 9.22, draftBalance: 0 });
    await expectAuditClean();
  });

  it('a duplicate transactionId under concurrency is still one order, one debit, one transfer', async () => {
    const { api } = await funded('10.00');
    rateIs('2.58');
    const body = { offerId: 'telegram_stars_100', price: 0.78, transactionId: nextTxn(), customer: { gameUserId: '500000001' } };
    const answers = await Promise.all(Array.from({ length: 30 }, () => api('/offers/create-order', body)));
    const created = answers.filter((a) => a.status === 200);
    expect(created).toHaveLength(1);
    const orderId = created[0]!.body.orderId;
    for (const duplicate of answers.filter((a) => a.status !== 200)) expect(expectError(duplicate, 409, 'TRANSACTION_DUPLICATE').orderId).toBe(orderId);
    await settled(api, orderId);
    expect(await orderLedger(api, orderId)).toHaveLength(1);
    expect(provider.transfers().filter((t) => t.telegram_user_id === 500_000_001)).toHaveLength(1);
    // The duplicate wins over everything else, even a rate that has gone stale meanwhile.
    rate.setFault({ kind: 'http-500' });
    try {
      clock.advance(MAX_AGE_MS + 1000);
      expect(expectError(await api('/offers/create-order', body), 409, 'TRANSACTION_DUPLICATE').orderId).toBe(orderId);
    } finally {
      rate.setFault(null);
    }
    await expectAuditClean();
  });
});

describe('Telegram Stars: bad input', () => {
  it('offer ids: malformed is INVALID_REQUEST_BODY naming offerId, N outside 1-2500 is OFFER_NOT_FOUND', async () => {
    const { api } = await funded();
    rateIs('2.58');
    const customer = { gameUserId: '143594291' };
    for (const offerId of ['telegram_stars_abc', 'telegram_stars_', 'telegram_stars_0100', 'telegram_stars_1.5', 'telegram_stars_-5', 'telegram_stars_100 ']) {
      expectError(await api('/offers/find-one', { offerId }), 400, 'INVALID_REQUEST_BODY', 'offerId');
      expectError(await api('/offers/create-order', { offerId, price: 1, transactionId: nextTxn(), customer }), 400, 'INVALID_REQUEST_BODY', 'offerId');
    }
    for (const offerId of ['telegram_stars_0', 'telegram_stars_2501', 'telegram_stars_99999']) {
      expectError(await api('/offers/find-one', { offerId }), 404, 'OFFER_NOT_FOUND');
      expectError(await api('/offers/create-order', { offerId, price: 1, transactionId: nextTxn(), customer }), 404, 'OFFER_NOT_FOUND');
    }
    // Other strings stay what they were: a number is expected.
    expect(expectError(await api('/offers/find-one', { offerId: '999' }), 400, 'INVALID_REQUEST_BODY', 'offerId').message).toBe('offerId: must be a whole number, not a string');
    expectError(await api('/offers/find-one', { offerId: 'TELEGRAM_STARS_100' }), 400, 'INVALID_REQUEST_BODY', 'offerId');
    expect((await api('/offers/find-one', { offerId: 'telegram_stars_1' })).body.price).toBe(0.01);
    expect((await api('/offers/find-one', { offerId: 'telegram_stars_2500' })).body.price).toBe(19.54); // 7.5 × 2.58 × 1.01 = 19.5435
  });

  it('gameUserId must be a numeric Telegram user id: a @username or nothing is INVALID_REQUEST_BODY', async () => {
    const { api } = await funded();
    rateIs('2.58');
    const order = (customer?: Record<string, string>) => api('/offers/create-order', { offerId: 'telegram_stars_100', price: 0.78, transactionId: nextTxn(), ...(customer && { customer }) });
    for (const gameUserId of ['@igoryan34', 'igoryan34', '0143594291', '12.5', '-143594291', '99999999999999999']) {
      const error = expectError(await order({ gameUserId }), 400, 'INVALID_REQUEST_BODY', 'customer.gameUserId');
      expect(error.message).toContain('numeric Telegram user id');
    }
    expectError(await order(), 400, 'INVALID_REQUEST_BODY', 'customer.gameUserId');
    expectError(await order({ email: 'a@b.c' }), 400, 'INVALID_REQUEST_BODY', 'customer.gameUserId');
    expect((await api('/balance/transactions')).body.total).toBe(1); // the deposit only
  });

  it('a hub with no stars provider sells no Stars: OFFER_NOT_FOUND', async () => {
    const plain = await startTestHub();
    try {
      const { token } = await operator(plain).merchant(undefined, '5.00');
      const api = merchantClient(plain, token);
      expectError(await api('/offers/find-one', { offerId: 'telegram_stars_100' }), 404, 'OFFER_NOT_FOUND');
      expectError(await api('/offers/create-order', { offerId: 'telegram_stars_100', price: 0.78, transactionId: 'no-stars', customer: { gameUserId: '1' } }), 404, 'OFFER_NOT_FOUND');
    } finally {
      await plain.stop();
    }
  });
});
