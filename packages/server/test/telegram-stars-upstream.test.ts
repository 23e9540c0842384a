/**
 * Telegram Stars through a GamesDrop-compatible upstream, over real HTTP against the GamesDrop,
 * stars provider and TON rate simulators: a GamesDrop supplier marked as a Stars source delivers
 * telegram_stars_<N> at the upstream's quote; a final failure at one source goes to the next, in
 * the configured order, both ways; both failing cancels and refunds once.
 *
 * The hub runs on a database of its own: the stars provider is one row per deployment.
 */
import { startGamesDropSimulator, startStarsProviderSimulator, startTonRateSimulator, type GamesDropSimulator, type StarsProviderSimulator, type TonRateSimulator } from '@dropgate/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useIsolatedDatabase } from './support/db.ts';
import { expectError } from './support/expect.ts';
import { eventually } from './support/wait.ts';
import { merchantClient, operator, useTestHub } from './support/hub.ts';

const GD_TOKEN = 'gd-stars-upstream-token';
const USER = '143594291';

const database = useIsolatedDatabase();
let rate: TonRateSimulator;
let provider: StarsProviderSimulator;
let gd: GamesDropSimulator;

beforeAll(async () => {
  rate = await startTonRateSimulator({ usdPerTon: '2.58' });
  provider = await startStarsProviderSimulator();
  gd = await startGamesDropSimulator({ token: GD_TOKEN, starsUsdPerTon: 2.58 });
});

afterAll(async () => {
  await Promise.all([rate?.stop(), provider?.stop(), gd?.stop()]);
});

const hub = useTestHub(() => ({
  DATABASE_URL: database.url,
  DROPGATE_STARS_PROVIDER_URL: provider.url,
  DROPGATE_STARS_MARGIN_PERCENT: '1',
  DROPGATE_TON_RATE_URL: rate.rateUrl,
  DROPGATE_ORDER_WAIT_MS: '8000',
}));
const op = operator(hub);

let txn = 0;
const nextTxn = () => `tgu-${Date.now()}-${txn++}`;

async function funded() {
  const merchant = await op.merchant(undefined, '20.00');
  return merchantClient(hub, merchant.token);
}

type Api = Awaited<ReturnType<typeof funded>>;

/** 100 stars to USER at the hub's quote (2.58 USD/TON, 1 %: 0.78), settled. */
async function buyStars(api: Api, user = USER) {
  const created = await api('/offers/create-order', {
    offerId: 'telegram_stars_100', price: 0.78, transactionId: nextTxn(), customer: { gameUserId: user },
  });
  expect(created.status).toBe(200);
  for (let i = 0; i < 100 && created.body.status === 'PROCESSING'; i++) {
    await hub.running.hub.worker.runDue();
    const now = (await api('/offers/order-status', { orderId: created.body.orderId })).body;
    if (now.status !== 'PROCESSING') return now;
    await new Promise((r) => setTimeout(r, 50));
  }
  return created.body;
}

async function ledgerOf(api: Api, orderId: number) {
  const entries = (await api('/balance/transactions?limit=100')).body.transactions as Array<{ type: string; amount: number; description: string }>;
  return entries.filter((e) => e.description.includes(`order ${orderId}`)).map((e) => [e.type, e.amount]);
}

const upstreamOrder = (transactionId: string) => gd.orders().find((o) => o.transactionId === transactionId);
const transfer = (requestId: string) => provider.transfers().find((t) => t.request_id === requestId);

describe('Telegram Stars through a GamesDrop upstream', () => {
  let supplierId: number;

  it('only a gamesdrop supplier can be a Stars source', async () => {
    const refused = await op.call('POST', '/suppliers', { kind: 'codegames', name: 'cg-stars', url: gd.url, starsSource: 'before-provider' });
    expectError(refused, 400, 'INVALID_REQUEST_BODY', 'starsSource');
    expectError(await op.call('POST', '/suppliers', { kind: 'gamesdrop', name: 'gd-bad', url: gd.url, starsSource: 'sometimes' }), 400, 'INVALID_REQUEST_BODY');
  });

  it('a GamesDrop supplier marked before the provider delivers telegram_stars_<N> at its own quote', async () => {
    const added = await op.ok('POST', '/suppliers', { kind: 'gamesdrop', name: 'gd-stars', url: gd.url, token: GD_TOKEN, starsSource: 'before-provider' });
    supplierId = added.id;
    expect(added.starsSource).toBe('before-provider');
    const api = await funded();
    const order = await buyStars(api);
    expect(order).toMatchObject({
      status: 'COMPLETED', offerId: 'telegram_stars_100', price: 0.78,
      fulfillmentData: { telegram_user_id: 143594291, stars_amount: 100, delivery_status: 'completed', transaction_id: expect.stringMatching(/^tg_tx_/) },
    });
    const upstream = upstreamOrder(`${order.orderId}-0`);
    expect(upstream).toMatchObject({ offerId: 'telegram_stars_100', status: 'COMPLETED', price: 0.77 }); // 100 / 100 × 0.3 × 2.58
    expect(upstream!.fulfillmentData!.transaction_id).toBe(order.fulfillmentData.transaction_id);
    expect(transfer(`${order.orderId}-0`)).toBeUndefined();
    expect(transfer(`${order.orderId}-1`)).toBeUndefined();
    expect(await ledgerOf(api, order.orderId)).toEqual([['PURCHASE', -0.78]]);
    expect(await op.order(order.orderId)).toMatchObject({ supplier: { id: supplierId, product: 'telegram_stars', txnId: `${order.orderId}-0`, cost: '0.78' } });
  });

  it('the upstream failing finally: the stars provider delivers', async () => {
    gd.setFault('all', { kind: 'stars-delivery-failed', error: 'STARGIFT_INVALID' });
    try {
      const api = await funded();
      const order = await buyStars(api);
      expect(order).toMatchObject({ status: 'COMPLETED', fulfillmentData: { delivery_status: 'completed', stars_amount: 100 } });
      expect(upstreamOrder(`${order.orderId}-0`)).toMatchObject({ status: 'CANCELED', message: 'Failed to deliver Stars: STARGIFT_INVALID' });
      expect(transfer(`${order.orderId}-1`)).toMatchObject({ status: 'completed', amount: 100, telegram_user_id: 143594291 });
      expect(await ledgerOf(api, order.orderId)).toEqual([['PURCHASE', -0.78]]);
    } finally {
      gd.clearFaults();
    }
  });

  it('an upstream quote above what the merchant was charged is not bought: the provider delivers', async () => {
    gd.setStarsRate(3); // 100 stars: 0.90 upstream, the order was charged 0.78
    try {
      const order = await buyStars(await funded());
      expect(order.status).toBe('COMPLETED');
      expect(upstreamOrder(`${order.orderId}-0`)).toBeUndefined();
      expect(transfer(`${order.orderId}-1`)).toMatchObject({ status: 'completed' });
    } finally {
      gd.setStarsRate(2.58);
    }
  });

  it('marked after the provider: the provider failing finally, the upstream delivers', async () => {
    expect((await op.ok('PATCH', `/suppliers/${supplierId}`, { starsSource: 'after-provider' })).starsSource).toBe('after-provider');
    const user = '555000111';
    provider.setFault(Number(user), { kind: 'user-not-found' });
    try {
      const api = await funded();
      const order = await buyStars(api, user);
      expect(order).toMatchObject({ status: 'COMPLETED', fulfillmentData: { telegram_user_id: 555000111, delivery_status: 'completed' } });
      expect(transfer(`${order.orderId}-0`)).toMatchObject({ status: 'failed', error: 'user not found' });
      expect(upstreamOrder(`${order.orderId}-1`)).toMatchObject({ offerId: 'telegram_stars_100', status: 'COMPLETED' });
      expect(await ledgerOf(api, order.orderId)).toEqual([['PURCHASE', -0.78]]);
    } finally {
      provider.clearFaults();
    }
  });

  it('both failing finally: canceled with the last failure in the spec\'s words, refunded once', async () => {
    const user = '555000222';
    provider.setFault(Number(user), { kind: 'bot-blocked' });
    gd.setFault('all', { kind: 'stars-delivery-failed', error: 'user not found' });
    try {
      const api = await funded();
      const order = await buyStars(api, user);
      expect(order).toMatchObject({
        status: 'CANCELED', message: 'Failed to deliver Stars: user not found',
        fulfillmentData: { telegram_user_id: 555000222, stars_amount: 100, delivery_status: 'failed', error_message: 'user not found' },
      });
      expect(await ledgerOf(api, order.orderId)).toEqual([['REFUND', 0.78], ['PURCHASE', -0.78]]);
    } finally {
      provider.clearFaults();
      gd.clearFaults();
    }
  });

  it('a mark moved while the upstream holds an order: the worker asks no other supplier about it, a person looks', async () => {
    await op.ok('PATCH', `/suppliers/${supplierId}`, { starsSource: 'before-provider', statusIntervalS: 1 });
    gd.setFault('all', { kind: 'processing-then-complete', afterStatusCalls: 5 });
    try {
      const api = await funded();
      const placed = await api('/offers/create-order', { offerId: 'telegram_stars_100', price: 0.78, transactionId: nextTxn(), customer: { gameUserId: USER } });
      expect(placed.body.status).toBe('PROCESSING');
      const { orderId } = placed.body;
      expect(upstreamOrder(`${orderId}-0`)).toMatchObject({ status: 'PROCESSING' });
      await op.ok('PATCH', `/suppliers/${supplierId}`, { starsSource: 'after-provider' }); // the provider is source 0 now
      await new Promise((r) => setTimeout(r, 1200));
      // The hub's own polling may have claimed the check a moment before: runDue then finds none, and the review lands when that run ends.
      expect(await eventually(async () => {
        await hub.running.hub.worker.runDue();
        return (await op.order(orderId)).reviewReason !== null;
      }, 5_000)).toBe(true);
      const order = await op.order(orderId);
      expect(order).toMatchObject({ status: 'PROCESSING', reviewReason: expect.stringMatching(/sources changed/) });
      expect(transfer(`${orderId}-0`)).toBeUndefined();
      expect((await op.ok('GET', '/orders?review=true')).orders.map((o: { id: number }) => o.id)).toContain(orderId);
    } finally {
      gd.clearFaults();
    }
  });

  it('unmarked, the upstream is no longer a Stars source', async () => {
    expect((await op.ok('PATCH', `/suppliers/${supplierId}`, { starsSource: null })).starsSource).toBeNull();
    const user = '555000333';
    provider.setFault(Number(user), { kind: 'user-not-found' });
    try {
      const order = await buyStars(await funded(), user);
      expect(order).toMatchObject({ status: 'CANCELED', message: 'Failed to deliver Stars: user not found' });
      expect(upstreamOrder(`${order.orderId}-1`)).toBeUndefined();
    } finally {
      provider.clearFaults();
    }
    expect((await op.audit()).violations).toEqual([]);
  });
});
