/**
 * draftBalance is kept on the account (`accounts.held`): the Partner API's balance call, the
 * cabinet and the operator's merchant view read it from the account row alone, so it must move
 * with every transition into and out of the in-flight states, in the transaction of the move.
 * Orders go through place_order and the fulfilment worker against a CodeGames simulator, and
 * leave flight by every path: the merchant's cancel, the operator's cancel and completion, the
 * supplier's delivery, failover and final failure, and a refund after completion. The hub has a
 * database of its own, so only its worker runs these orders, when a test says so (create-order
 * does not wait for the supplier), on a manual clock for the status policy.
 */
import { startCodeGamesSimulator, type CodeGamesSimulator } from '@dropgate/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from './support/clock.ts';
import { connect } from './support/db.ts';
import { cents } from './support/expect.ts';
import { merchantClient, operator, useIsolatedHub } from './support/hub.ts';
import { merchantUser, type MerchantPerson } from './support/team.ts';

const CG_TOKEN = 'cg-holds-secret';
const INTERVAL_MS = 120_000;
const products = Array.from({ length: 8 }, (_, i) => ({ id: 801 + i, name: `Hold card ${801 + i}`, price: 12, partnerPrice: 9, keys: 500 }));

let cg: CodeGamesSimulator;
beforeAll(async () => {
  cg = await startCodeGamesSimulator({ token: CG_TOKEN, products });
});
afterAll(async () => {
  await cg?.stop();
});

const clock = new ManualClock();
const hub = useIsolatedHub({ DROPGATE_ORDER_WAIT_MS: '0', DROPGATE_WORKER_POLL_MS: '60000' }, { clock });
const op = operator(hub);
const worker = () => hub.running.hub.worker;
let supplierId: number;

beforeAll(async () => {
  supplierId = (await op.ok('POST', '/suppliers', { kind: 'codegames', name: 'cg-holds', url: cg.url, token: CG_TOKEN, timeoutMs: 4000 })).id;
});

interface Merchant { merchantId: number; token: string; cabinet: MerchantPerson }

async function newMerchant(deposit: string): Promise<Merchant> {
  const m = await op.merchant(undefined, deposit);
  return { ...m, cabinet: await merchantUser(hub, m.merchantId, 'accountant') };
}

/** A USD offer at 12.00 with no stock of its own, fulfilled by these simulator products in order. */
async function supplierOffer(...productIds: number[]): Promise<number> {
  const offer = await op.offer({ price: '12.00', currency: 'USD' });
  for (const product of productIds) await op.ok('POST', `/offers/${offer.id}/sources`, { supplierId, product: String(product), cost: '9.00' });
  return offer.id;
}

let txn = 0;
async function buy(m: Merchant, offerId: number) {
  const answer = await merchantClient(hub, m.token)('/offers/create-order', { offerId, price: 12, transactionId: `hold-${txn++}` });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as { orderId: number; status: string };
}

/** The merchant's funds in cents, as the balance call, the cabinet and the operator's view each show them: all three agree. */
async function funds(m: Merchant): Promise<{ balance: number; draft: number }> {
  const [partner, cabinet, console] = await Promise.all([
    merchantClient(hub, m.token)('/balance'), m.cabinet.session.get('/cabinet/v1/overview'), op.ok('GET', `/merchants/${m.merchantId}`),
  ]);
  const seen = { balance: cents(partner.body.balance), draft: cents(partner.body.draftBalance) };
  expect({ balance: cents(Number(cabinet.body.balance)), draft: cents(Number(cabinet.body.draftBalance)) }).toEqual(seen);
  expect({ balance: cents(Number(console.balance)), draft: cents(Number(console.draftBalance)) }).toEqual(seen);
  return seen;
}

/** Lets the worker run everything due now, including what a step makes due at once (failover). */
async function drain(): Promise<void> {
  while ((await worker().runDue()) > 0);
}

async function statusOf(orderId: number): Promise<string> {
  return (await op.order(orderId)).status;
}

async function expectAuditClean() {
  const report = await op.audit();
  expect(report.violations).toEqual([]);
  expect(report.ok).toBe(true);
}

describe('draftBalance kept on the account', () => {
  it('holds PROCESSING orders, and releases each one as it is canceled, completed or delivered', async () => {
    const m = await newMerchant('100.00');
    cg.setFault(801, { kind: 'pay-fails-then-ok', okAfterStatusCalls: 0 });
    const offerId = await supplierOffer(801);

    const orders = await Promise.all(Array.from({ length: 5 }, () => buy(m, offerId)));
    expect(orders.map((o) => o.status)).toEqual(Array(5).fill('PROCESSING'));
    expect(await funds(m)).toEqual({ balance: 4000, draft: 6000 });

    // The merchant cancels one not yet sent upstream: refunded, off the hold.
    const api = merchantClient(hub, m.token);
    expect((await api('/offers/cancel-order', { orderId: orders[0]!.orderId })).body.status).toBe('CANCELED');
    expect(await funds(m)).toEqual({ balance: 5200, draft: 4800 });

    // The rest are sent; pay answers 5xx, so they wait on status checks: still held.
    await drain();
    expect(await Promise.all(orders.slice(1).map((o) => statusOf(o.orderId)))).toEqual(Array(4).fill('PROCESSING'));
    expect(await funds(m)).toEqual({ balance: 5200, draft: 4800 });

    await op.ok('POST', `/orders/${orders[1]!.orderId}/cancel`, { reason: 'the merchant called' });
    expect(await funds(m)).toEqual({ balance: 6400, draft: 3600 });
    await op.ok('POST', `/orders/${orders[2]!.orderId}/complete`, { key: 'HOLD-KEY-2' });
    expect(await funds(m)).toEqual({ balance: 6400, draft: 2400 });

    // The status checks come due and find both paid: delivered, the debit final.
    clock.advance(INTERVAL_MS);
    await drain();
    expect(await Promise.all(orders.slice(3).map((o) => statusOf(o.orderId)))).toEqual(['COMPLETED', 'COMPLETED']);
    expect(await funds(m)).toEqual({ balance: 6400, draft: 0 });

    // A refund after completion returns the debit and leaves the hold alone.
    await op.ok('POST', `/orders/${orders[2]!.orderId}/refund`, { reason: 'key did not work' });
    expect(await funds(m)).toEqual({ balance: 7600, draft: 0 });
    cg.setFault(801, null);
    await expectAuditClean();
  });

  it('holds through a failover to the next supplier, and releases on delivery there or on final failure', async () => {
    const m = await newMerchant('50.00');
    cg.setFault(802, { kind: 'out-of-stock' });
    cg.setFault(804, { kind: 'out-of-stock' });
    const failsOver = await supplierOffer(802, 803);
    const failsEverywhere = await supplierOffer(804);

    const [moved, lost] = [await buy(m, failsOver), await buy(m, failsEverywhere)];
    expect([moved.status, lost.status]).toEqual(['PROCESSING', 'PROCESSING']);
    expect(await funds(m)).toEqual({ balance: 2600, draft: 2400 });

    await drain();
    expect([await statusOf(moved.orderId), await statusOf(lost.orderId)]).toEqual(['COMPLETED', 'CANCELED']);
    expect(await funds(m)).toEqual({ balance: 3800, draft: 0 });
    cg.setFault(802, null);
    cg.setFault(804, null);
    await expectAuditClean();
  });

  it('stock orders that complete at once and orders refused at placement never touch the hold', async () => {
    const m = await newMerchant('10.00');
    const stocked = await op.offer({ price: '2.50', currency: 'USD' }, ['HOLD-STOCK-1']);
    const api = merchantClient(hub, m.token);
    const answers = await Promise.all([0, 1].map((i) => api('/offers/create-order', { offerId: stocked.id, price: 2.5, transactionId: `stock-${txn++}-${i}` })));
    expect(answers.map((a) => a.body.status).sort()).toEqual(['CANCELED', 'COMPLETED']);
    expect(await funds(m)).toEqual({ balance: 750, draft: 0 });
    await expectAuditClean();
  });

  it('parallel create-orders, cancels and completions on one supplier offer keep held equal to the orders in flight', { timeout: 180_000 }, async () => {
    const merchants = [await newMerchant('1000.00'), await newMerchant('1000.00')];
    cg.setFault(805, { kind: 'pay-fails-then-ok', okAfterStatusCalls: 0 });
    const offerId = await supplierOffer(805);
    const first = await Promise.all(Array.from({ length: 30 }, (_, i) => buy(merchants[i % 2]!, offerId)));
    const ids = first.map((o) => o.orderId);
    expect(await funds(merchants[0]!)).toEqual({ balance: 100_000 - 15 * 1200, draft: 15 * 1200 });

    // All at once: 30 more orders, the worker sending the queue, and on the first 30 the
    // merchant's cancels racing the operator's completions, then operator cancels.
    const cancelByMerchant = (i: number) => merchantClient(hub, merchants[i % 2]!.token)('/offers/cancel-order', { orderId: ids[i] });
    const completeByOperator = (i: number) => op.call('POST', `/orders/${ids[i]}/complete`, { key: `RACE-KEY-${i}` });
    const cancelByOperator = (i: number) => op.call('POST', `/orders/${ids[i]}/cancel`, { reason: 'race' });
    const contested = Array.from({ length: 10 }, (_, i) => i);
    const [second, , mine, theirs, canceled] = await Promise.all([
      Promise.all(Array.from({ length: 30 }, (_, i) => buy(merchants[i % 2]!, offerId))),
      drain(),
      Promise.all(contested.map(cancelByMerchant)),
      Promise.all(contested.map(completeByOperator)),
      Promise.all(Array.from({ length: 10 }, (_, i) => cancelByOperator(10 + i))),
    ]);
    for (const i of contested) {
      // One actor at most moves an order; the loser is told it moved (or was already sent upstream).
      const won = [mine[i]!, theirs[i]!].filter((a) => a.status === 200);
      expect(won.length, JSON.stringify([mine[i]!.body, theirs[i]!.body])).toBeLessThanOrEqual(1);
      for (const a of [mine[i]!, theirs[i]!]) if (a.status !== 200) expect(['ORDER_IN_PROGRESS', 'ORDER_ALREADY_CANCELED', 'ORDER_NOT_PROCESSING']).toContain(a.body.error.code);
    }
    for (const a of canceled) expect(a.status, JSON.stringify(a.body)).toBe(200);

    const all = [...ids, ...second.map((o) => o.orderId)];
    const expectHeldIsInFlight = async () => {
      const orders = await Promise.all(all.map((id) => op.order(id)));
      for (const [index, m] of merchants.entries()) {
        const own = orders.filter((_, i) => i % 2 === index);
        const inFlight = own.filter((o) => o.status === 'PROCESSING').length;
        const kept = own.filter((o) => o.status === 'COMPLETED').length;
        expect(await funds(m)).toEqual({ balance: 100_000 - 1200 * (inFlight + kept), draft: 1200 * inFlight });
      }
      await expectAuditClean();
      return orders.filter((o) => o.status === 'PROCESSING').length;
    };
    // Orders sent upstream wait on their status checks: some are still in flight here.
    expect(await expectHeldIsInFlight()).toBeGreaterThan(0);

    // Every status check comes due and finds the payment: nothing is left on hold.
    cg.setFault(805, null);
    for (let round = 0; round < 5; round++) {
      clock.advance(INTERVAL_MS);
      await drain();
    }
    expect(await expectHeldIsInFlight()).toBe(0);

    // The column itself, summed, against the orders (what the audit also checks).
    const db = await connect(hub.database.url);
    try {
      const { rows } = await db.query(`SELECT a.merchant_id, a.held::int AS held, coalesce(sum(o.amount_usd) FILTER (WHERE o.status IN ('SUBMITTED', 'PROCESSING')), 0)::int AS in_flight
                                         FROM accounts a LEFT JOIN orders o ON o.merchant_id = a.merchant_id GROUP BY a.merchant_id, a.held`);
      for (const r of rows) expect(r.held, `merchant ${r.merchant_id}`).toBe(r.in_flight);
    } finally {
      await db.end();
    }
  });

  it('the audit names a held amount that drifted from the orders in flight', async () => {
    const m = await newMerchant('20.00');
    cg.setFault(806, { kind: 'pay-fails-then-ok', okAfterStatusCalls: 0 });
    const order = await buy(m, await supplierOffer(806));
    expect(order.status).toBe('PROCESSING');
    const db = await connect(hub.database.url);
    try {
      await db.query('UPDATE accounts SET held = held + 1 WHERE merchant_id = $1', [m.merchantId]);
      const report = await op.audit();
      expect(report.ok).toBe(false);
      expect(report.violations).toEqual([{
        invariant: "each account's held equals the sum of its in-flight orders",
        detail: `merchant ${m.merchantId}: held 1201, orders in flight sum to 1200`,
      }]);
    } finally {
      await db.query('UPDATE accounts SET held = held - 1 WHERE merchant_id = $1', [m.merchantId]);
      await db.end();
    }
    await op.ok('POST', `/orders/${order.orderId}/cancel`, { reason: 'test over' });
    cg.setFault(806, null);
    await expectAuditClean();
  });
});
