/**
 * Fulfilment from upstream suppliers, over real HTTP against the in-repo simulators, for every
 * fault: the order ends in the right state, never with two keys, never refunded twice, and the
 * audit stays clean. The clock is manual, so the 100 × 2-minute status policy runs in seconds.
 */
import { startCodeGamesSimulator, startGamesDropSimulator, type CodeGamesSimulator, type GamesDropSimulator } from '@dropgate/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartnerApiClient } from '@dropgate/sdk';
import { ManualClock } from './support/clock.ts';
import { connect } from './support/db.ts';
import { merchantClient, operator, startTestHub, useTestHub } from './support/hub.ts';

const INTERVAL_MS = 120_000;
const CG_TOKEN = 'cg-partner-secret';

let cg: CodeGamesSimulator;
let gd: GamesDropSimulator;
let cgPatient: number; // CodeGames supplier with a 4 s timeout
let cgHasty: number; // the same upstream with a 300 ms timeout
let gdSupplier: number;
let merchant: { token: string; merchantId: number };

// One upstream product per test, so faults never leak between tests.
const products = Array.from({ length: 20 }, (_, i) => ({ id: 501 + i, name: `Card ${501 + i}`, price: 10, partnerPrice: 9, keys: 20 }));
const upstreamOffers = Array.from({ length: 6 }, (_, i) => ({
  offerId: 7001 + i, productName: 'Upstream Card', offerName: `Offer ${7001 + i}`, price: 9.5, currency: 'USD' as const, keys: 20,
}));

// The simulators outlive the hub: they start before it and stop after it.
beforeAll(async () => {
  cg = await startCodeGamesSimulator({ token: CG_TOKEN, products });
  gd = await startGamesDropSimulator({ offers: upstreamOffers });
});
afterAll(async () => {
  await cg?.stop();
  await gd?.stop();
});

const clock = new ManualClock();
const hub = useTestHub({ DROPGATE_ORDER_WAIT_MS: '1500', DROPGATE_WORKER_POLL_MS: '60000' }, { clock });
const op = operator(hub);

beforeAll(async () => {
  cgPatient = (await op.ok('POST', '/suppliers', { kind: 'codegames', name: `cg-${Date.now()}`, url: cg.url, token: CG_TOKEN, timeoutMs: 4000 })).id;
  cgHasty = (await op.ok('POST', '/suppliers', { kind: 'codegames', name: `cg-hasty-${Date.now()}`, url: cg.url, token: CG_TOKEN, timeoutMs: 300 })).id;
  gdSupplier = (await op.ok('POST', '/suppliers', { kind: 'gamesdrop', name: `gd-${Date.now()}`, url: gd.url, token: 'f'.repeat(32) })).id;
  merchant = await op.merchant(undefined, '1000.00');
});

/** A USD offer priced 12.00 with no stock, fulfilled by the given sources in order. */
async function supplierOffer(sources: Array<{ supplierId: number; product: number; cost: string }>) {
  const offer = await op.offer({ price: '12.00', currency: 'USD' });
  for (const s of sources) await op.ok('POST', `/offers/${offer.id}/sources`, { supplierId: s.supplierId, product: String(s.product), cost: s.cost });
  return offer.id;
}

let txn = 0;
const api = () => merchantClient(hub, merchant.token);
async function buy(offerId: number) {
  const answer = await api()('/offers/create-order', { offerId, price: 12, transactionId: `sup-${Date.now()}-${txn++}` });
  expect(answer.status).toBe(200);
  return answer.body;
}
const status = async (orderId: number) => (await api()('/offers/order-status', { orderId })).body;
const worker = () => hub.running.hub.worker;

/** Moves time one status interval on and lets the worker run what came due. */
async function nextInterval(): Promise<number> {
  clock.advance(INTERVAL_MS);
  return worker().runDue();
}

async function ledgerFor(orderId: number) {
  const entries = (await api()('/balance/transactions?limit=100')).body.transactions as Array<{ type: string; description: string }>;
  return entries.filter((e) => e.description.includes(`order ${orderId}`));
}

describe('fulfilment from suppliers', () => {
  it('a fast supplier completes the order inside create-order, recording supplier, cost and margin', async () => {
    const offerId = await supplierOffer([{ supplierId: cgPatient, product: 501, cost: '9.00' }]);
    const before = cg.calls.pay;
    const order = await buy(offerId);
    expect(order.status).toBe('COMPLETED');
    expect(cg.calls.pay - before).toBe(1);
    const paid = cg.payments().find((p) => p.txnId === `${order.orderId}-0`);
    expect(order.key).toBe(paid!.productKey);
    const shown = await op.order(order.orderId);
    expect(shown.supplier).toMatchObject({ id: cgPatient, product: '501', cost: '9.00', costUsd: '9.00', txnId: `${order.orderId}-0` });
    expect(shown.marginUsd).toBe('3.00');
  });

  it('a slow supplier answers PROCESSING with the debit held, then completes', async () => {
    cg.setFault(502, { kind: 'slow', ms: 2500 });
    const offerId = await supplierOffer([{ supplierId: cgPatient, product: 502, cost: '9.00' }]);
    const order = await buy(offerId);
    expect(order.status).toBe('PROCESSING');
    expect(order.key).toBeUndefined();
    expect((await api()('/balance')).body.draftBalance).toBeGreaterThanOrEqual(12);
    let now = order;
    for (let i = 0; i < 50 && now.status === 'PROCESSING'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      now = await status(order.orderId);
    }
    expect(now.status).toBe('COMPLETED');
    expect(now.key).toBe(cg.payments().find((p) => p.txnId === `${order.orderId}-0`)!.productKey);
    cg.setFault(502, null);
  });

  it('pay answers 5xx, then status says OK: completed after the status checks, paid once', async () => {
    cg.setFault(503, { kind: 'pay-fails-then-ok', okAfterStatusCalls: 3 });
    const offerId = await supplierOffer([{ supplierId: cgPatient, product: 503, cost: '9.00' }]);
    const pays = cg.calls.pay;
    const order = await buy(offerId);
    expect(order.status).toBe('PROCESSING');
    expect(await worker().runDue()).toBe(0); // nothing is due before the interval
    // A garbage answer to a status check is unknown too: it is polled again, not failed.
    cg.setFault(503, { kind: 'garbage' });
    await nextInterval();
    expect((await status(order.orderId)).status).toBe('PROCESSING');
    cg.setFault(503, null);
    for (let i = 0; i < 3; i++) {
      await nextInterval();
      expect((await status(order.orderId)).status).toBe('PROCESSING');
    }
    await nextInterval();
    const done = await status(order.orderId);
    expect(done.status).toBe('COMPLETED');
    expect(done.key).toBe(cg.payments().find((p) => p.txnId === `${order.orderId}-0`)!.productKey);
    expect(cg.calls.pay - pays).toBe(1);
  });

  it('timeouts and 5xx are unknown, never final: the order is polled until status answers', async () => {
    cg.setFault(504, { kind: 'pay-fails-then-ok', okAfterStatusCalls: 1 });
    const offerId = await supplierOffer([{ supplierId: cgHasty, product: 504, cost: '9.00' }]);
    const order = await buy(offerId);
    expect(order.status).toBe('PROCESSING');
    cg.setFault(504, { kind: 'timeout' }); // the status check gets no answer within 300 ms
    await nextInterval();
    expect((await status(order.orderId)).status).toBe('PROCESSING');
    cg.setFault(504, { kind: 'http-500', status: 502 });
    await nextInterval();
    expect((await status(order.orderId)).status).toBe('PROCESSING');
    cg.setFault(504, null);
    await nextInterval(); // the payment's own script: one more 5xx, then OK
    await nextInterval();
    expect((await status(order.orderId)).status).toBe('COMPLETED');
  });

  it('a check that fails is final at once: nothing was bought, so failing over is safe', async () => {
    cg.setFault(505, { kind: 'timeout' });
    const offerId = await supplierOffer([{ supplierId: cgHasty, product: 505, cost: '9.00' }]);
    const pays = cg.calls.pay;
    const order = await buy(offerId);
    expect(order.status).toBe('CANCELED');
    expect(cg.calls.pay).toBe(pays);
    cg.setFault(505, null);
  });

  it('a final failure fails over to the next source', async () => {
    cg.setFault(506, { kind: 'out-of-stock' });
    const offerId = await supplierOffer([
      { supplierId: cgPatient, product: 506, cost: '9.00' },
      { supplierId: gdSupplier, product: 7001, cost: '9.50' },
    ]);
    const order = await buy(offerId);
    expect(order.status).toBe('COMPLETED');
    expect(order.key).toEqual(expect.any(String));
    const shown = await op.order(order.orderId);
    expect(shown.supplier).toMatchObject({ id: gdSupplier, product: '7001', txnId: `${order.orderId}-1` });
    expect(shown.marginUsd).toBe('2.50');
  });

  it('when every source fails, the order is canceled and refunded exactly once', async () => {
    cg.setFault(507, { kind: 'wrong-price' });
    gd.setFault(7002, { kind: 'out-of-stock' });
    const offerId = await supplierOffer([
      { supplierId: cgPatient, product: 507, cost: '9.00' },
      { supplierId: gdSupplier, product: 7002, cost: '9.50' },
    ]);
    const balance = (await api()('/balance')).body.balance;
    const order = await buy(offerId);
    expect(order.status).toBe('CANCELED');
    expect(order.message).toMatch(/No supplier could fulfil/);
    expect((await api()('/balance')).body.balance).toBe(balance);
    const entries = await ledgerFor(order.orderId);
    expect(entries.filter((e) => e.type === 'REFUND')).toHaveLength(1);
    expect(entries.filter((e) => e.type === 'PURCHASE')).toHaveLength(1);
  });

  it('unknown outcomes go to manual review after 100 checks 2 minutes apart, never refunded', async () => {
    cg.setFault(508, { kind: 'pay-fails-then-ok', okAfterStatusCalls: 10_000 });
    const offerId = await supplierOffer([{ supplierId: cgPatient, product: 508, cost: '9.00' }]);
    const balance = (await api()('/balance')).body.balance;
    const order = await buy(offerId);
    expect(order.status).toBe('PROCESSING');
    const checks = cg.calls.status;
    for (let i = 0; i < 100; i++) expect(await nextInterval()).toBe(1);
    expect(cg.calls.status - checks).toBe(100);
    expect(await nextInterval()).toBe(0); // the policy is exhausted: no 101st check

    const waiting = await status(order.orderId);
    expect(waiting.status).toBe('PROCESSING');
    expect((await api()('/balance')).body.balance).toBe(balance - 12);
    const review = await op.ok('GET', '/orders?review=true');
    const listed = review.orders.find((o: { id: number }) => o.id === order.orderId);
    expect(listed.reviewReason).toMatch(/after 100 status checks/);

    const missingKey = await op.call('POST', `/orders/${order.orderId}/complete`, {});
    expect(missingKey.status).toBe(400);
    const completed = await op.ok('POST', `/orders/${order.orderId}/complete`, { key: 'KEY-FROM-SUPPORT', reason: 'confirmed by the supplier' });
    expect(completed.status).toBe('COMPLETED');
    expect(completed.events.at(-1)).toMatchObject({ from: 'PROCESSING', to: 'COMPLETED', actor: 'operator' });
    expect((await status(order.orderId)).key).toBe('KEY-FROM-SUPPORT');
  });

  it('paid upstream without a key goes to review; the operator cancels and the merchant is refunded', async () => {
    cg.setFault(509, { kind: 'ok-without-key' });
    const offerId = await supplierOffer([{ supplierId: cgPatient, product: 509, cost: '9.00' }]);
    const balance = (await api()('/balance')).body.balance;
    const order = await buy(offerId);
    expect(order.status).toBe('PROCESSING');
    expect((await op.order(order.orderId)).reviewReason).toMatch(/key missing/);
    const canceled = await op.ok('POST', `/orders/${order.orderId}/cancel`, { reason: 'supplier could not give the key' });
    expect(canceled.status).toBe('CANCELED');
    expect((await api()('/balance')).body.balance).toBe(balance);
    const again = await op.call('POST', `/orders/${order.orderId}/cancel`, { reason: 'twice' });
    expect(again.body.error.code).toBe('ORDER_ALREADY_CANCELED');
  });

  it('a duplicate answer is unknown; a status that never heard of the payment is final', async () => {
    cg.setFault(510, { kind: 'duplicate' });
    const offerId = await supplierOffer([{ supplierId: cgPatient, product: 510, cost: '9.00' }]);
    const order = await buy(offerId);
    expect(order.status).toBe('PROCESSING');
    await nextInterval();
    expect((await status(order.orderId)).status).toBe('CANCELED'); // TXN_NOT_FOUND, single source
  });

  it('a payment the supplier canceled is final', async () => {
    cg.setFault(511, { kind: 'canceled' });
    const offerId = await supplierOffer([
      { supplierId: cgPatient, product: 511, cost: '9.00' },
      { supplierId: gdSupplier, product: 7003, cost: '9.50' },
    ]);
    const order = await buy(offerId);
    expect(order.status).toBe('PROCESSING');
    await nextInterval(); // status: TXN_CANCELED -> fail over to the GamesDrop source
    await worker().runDue();
    const done = await status(order.orderId);
    expect(done.status).toBe('COMPLETED');
    expect((await op.order(order.orderId)).supplier.id).toBe(gdSupplier);
  });

  it('a GamesDrop order PROCESSING upstream is polled to COMPLETED, or to CANCELED', async () => {
    gd.setFault(7004, { kind: 'processing-then-complete', afterStatusCalls: 2 });
    gd.setFault(7005, { kind: 'processing-then-cancel', afterStatusCalls: 1 });
    const completes = await buy(await supplierOffer([{ supplierId: gdSupplier, product: 7004, cost: '9.50' }]));
    const cancels = await buy(await supplierOffer([{ supplierId: gdSupplier, product: 7005, cost: '9.50' }]));
    expect([completes.status, cancels.status]).toEqual(['PROCESSING', 'PROCESSING']);
    for (let i = 0; i < 3; i++) await nextInterval();
    const [a, b] = [await status(completes.orderId), await status(cancels.orderId)];
    expect(a.status).toBe('COMPLETED');
    expect(a.key).toEqual(expect.any(String));
    expect(b.status).toBe('CANCELED');
  });

  it('a GamesDrop create-order whose answer was lost is recovered by repeating it, never placed twice', async () => {
    const idle = await startTestHub({ DROPGATE_ORDER_WAIT_MS: '0', DROPGATE_WORKER_POLL_MS: '60000' }, { clock });
    try {
      const idleOp = operator(idle);
      const shop = await idleOp.merchant(undefined, '100.00');
      const offer = await idleOp.offer({ price: '12.00', currency: 'USD' });
      await idleOp.ok('POST', `/offers/${offer.id}/sources`, { supplierId: gdSupplier, product: '7006', cost: '9.50' });
      const placed = (await merchantClient(idle, shop.token)('/offers/create-order', { offerId: offer.id, price: 12, transactionId: 'lost-1' })).body;
      expect(placed.status).toBe('PROCESSING');
      // The worker claimed the job and sent create-order upstream, then died before the answer:
      const upstream = new PartnerApiClient({ baseUrl: gd.url, token: 'f'.repeat(32) });
      const landed = await upstream.createOrder({ offerId: 7006, price: 9.5, transactionId: `${placed.orderId}-0` });
      const db = await connect();
      await db.query("UPDATE fulfilment_jobs SET phase = 'placing' WHERE order_id = $1", [placed.orderId]);
      await db.end();

      await idle.running.hub.worker.runDue(); // repeats create-order: TRANSACTION_DUPLICATE names the order
      clock.advance(INTERVAL_MS);
      await idle.running.hub.worker.runDue(); // polls it by its upstream orderId
      const done = (await merchantClient(idle, shop.token)('/offers/order-status', { orderId: placed.orderId })).body;
      expect(done).toMatchObject({ status: 'COMPLETED', key: landed.key });
      expect(gd.orders().filter((o) => o.transactionId === `${placed.orderId}-0`)).toHaveLength(1);
      expect((await idleOp.order(placed.orderId)).supplier.upstreamRef).toBe(String(landed.orderId));
    } finally {
      await idle.stop();
    }
  });

  it('never delivers one upstream key to two orders, and the books balance', async () => {
    const offerId = await supplierOffer([{ supplierId: cgPatient, product: 512, cost: '9.00' }]);
    const orders = await Promise.all(Array.from({ length: 10 }, () => buy(offerId)));
    const keys = orders.map((o) => o.key);
    expect(orders.every((o) => o.status === 'COMPLETED')).toBe(true);
    expect(new Set(keys).size).toBe(10);
    const report = await op.audit();
    expect(report.violations).toEqual([]);
  });
});

describe('merchant cancel-order', () => {
  // No waiting and no polling: orders stay queued, not yet sent upstream.
  const idle = useTestHub({ DROPGATE_ORDER_WAIT_MS: '0', DROPGATE_WORKER_POLL_MS: '60000' });

  it('cancels an order not yet sent to a supplier, and refuses one already sent', async () => {
    const idleOp = operator(idle);
    const shop = await idleOp.merchant(undefined, '100.00');
    const offer = await idleOp.offer({ price: '12.00', currency: 'USD' });
    await idleOp.ok('POST', `/offers/${offer.id}/sources`, { supplierId: cgPatient, product: '513', cost: '9.00' });
    const buyer = merchantClient(idle, shop.token);
    const queued = (await buyer('/offers/create-order', { offerId: offer.id, price: 12, transactionId: 'c-1' })).body;
    expect(queued.status).toBe('PROCESSING');
    const canceled = await buyer('/offers/cancel-order', { orderId: queued.orderId });
    expect(canceled.body).toMatchObject({ status: 'CANCELED', orderId: queued.orderId });
    expect((await buyer('/balance')).body).toMatchObject({ balance: 100, draftBalance: 0 });

    const sent = (await buyer('/offers/create-order', { offerId: offer.id, price: 12, transactionId: 'c-2' })).body;
    cg.setFault(513, { kind: 'pay-fails-then-ok', okAfterStatusCalls: 5 });
    await idle.running.hub.worker.kick(sent.orderId); // sent upstream, outcome unknown
    const refused = await buyer('/offers/cancel-order', { orderId: sent.orderId });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('ORDER_IN_PROGRESS');
    cg.setFault(513, null);
  });
});
