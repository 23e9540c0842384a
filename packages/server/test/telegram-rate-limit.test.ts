/**
 * The stars provider's rate limit holds across the hub: two hub instances on one PostgreSQL take
 * a burst of 200 Stars orders, and the provider simulator, which timestamps every call as it
 * arrives, never sees more than 30 calls in any one-second window (nor answers a single 429).
 * Every order still completes, each exactly once, and the books balance.
 */
import { startStarsProviderSimulator, startTonRateSimulator, type StarsProviderSimulator, type TonRateSimulator } from '@dropgate/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useIsolatedDatabase } from './support/db.ts';
import { merchantClient, operator, useTestHub } from './support/hub.ts';

const ORDERS = 200;
const LIMIT = 30;

const database = useIsolatedDatabase();
let rate: TonRateSimulator;
let provider: StarsProviderSimulator;

beforeAll(async () => {
  rate = await startTonRateSimulator({ usdPerTon: '2.58' });
  provider = await startStarsProviderSimulator({ rateLimit: LIMIT });
});

afterAll(async () => {
  await rate?.stop();
  await provider?.stop();
});

const env = () => ({
  DATABASE_URL: database.url,
  DROPGATE_STARS_PROVIDER_URL: provider.url,
  DROPGATE_STARS_RATE_LIMIT: String(LIMIT),
  DROPGATE_TON_RATE_URL: rate.rateUrl,
  DROPGATE_ORDER_WAIT_MS: '2000',
  DROPGATE_WORKER_POLL_MS: '100',
  DROPGATE_WORKER_CONCURRENCY: '16',
});
const hubs = [useTestHub(env), useTestHub(env)];

/** The most calls that arrived within any one second (a window starting at each arrival). */
function busiestSecond(arrivals: number[]): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let most = 0;
  for (let start = 0, end = 0; start < sorted.length; start++) {
    while (end < sorted.length && sorted[end]! - sorted[start]! < 1000) end++;
    most = Math.max(most, end - start);
  }
  return most;
}

describe('the stars provider rate limit', () => {
  it(`holds at ${LIMIT} calls per second across two instances under a burst of ${ORDERS} orders`, { timeout: 120_000 }, async () => {
    const op = operator(hubs[0]!);
    const { token } = await op.merchant(undefined, '500.00');
    const apis = hubs.map((h) => merchantClient(h, token));
    const before = provider.calls.transfer;

    const answers = await Promise.all(Array.from({ length: ORDERS }, (_, i) => apis[i % apis.length]!('/offers/create-order', {
      offerId: 'telegram_stars_100', price: 0.78, transactionId: `burst-${i}`, customer: { gameUserId: String(700_000_000 + i) },
    })));
    expect(answers.filter((a) => a.status !== 200).map((a) => a.body)).toEqual([]);

    // Every order completes, whichever instance's worker (or create-order) sent it.
    const deadline = Date.now() + 90_000;
    let completed = 0;
    while (Date.now() < deadline) {
      completed = provider.transfers().filter((t) => t.status === 'completed').length;
      const { draftBalance } = (await apis[0]!('/balance')).body;
      if (completed === ORDERS && draftBalance === 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(completed).toBe(ORDERS);
    for (const answer of answers.slice(0, 10)) {
      expect((await apis[0]!('/offers/order-status', { orderId: answer.body.orderId })).body).toMatchObject({ status: 'COMPLETED', fulfillmentData: { delivery_status: 'completed' } });
    }

    const arrivals = provider.arrivals().slice(before);
    expect(arrivals).toHaveLength(ORDERS); // one call per order: nothing was deferred by a 429 or repeated
    expect(provider.calls.rateLimited).toBe(0);
    expect(busiestSecond(arrivals)).toBeLessThanOrEqual(LIMIT);
    // And it was the limiter that spaced them: 200 calls at 30 a second take more than 5.6 s.
    const span = Math.max(...arrivals) - Math.min(...arrivals);
    expect(span).toBeGreaterThan(((ORDERS - LIMIT) / LIMIT) * 1000);

    const { balance, draftBalance } = (await apis[0]!('/balance')).body;
    // No margin configured: 0.3 TON × 2.58 = 0.774 → 0.77 charged (0.78 was within the tolerance).
    expect({ balance, draftBalance }).toEqual({ balance: (50_000 - 77 * ORDERS) / 100, draftBalance: 0 });
    expect((await op.audit()).violations).toEqual([]);
  });
});
