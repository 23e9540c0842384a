/**
 * Fulfilment across real processes: a hub killed (SIGKILL) with orders in flight at a supplier,
 * then started again; and two hubs sharing one PostgreSQL and one stream of supplier orders.
 * Each on a database of its own, against the CodeGames simulator over HTTP.
 */
import { startCodeGamesSimulator, type CodeGamesSimulator } from '@dropgate/simulators';
import { afterEach, describe, expect, it } from 'vitest';
import { isolatedDatabase, type IsolatedDatabase } from './support/db.ts';
import { ADMIN_TOKEN, call, operator, SECRET_KEY } from './support/hub.ts';
import { useHubProcesses } from './support/hub-processes.ts';
import { freePort } from './support/ports.ts';
import type { HubProcess } from './support/process.ts';

const PRODUCT = 901;
// Stack order: the hub processes (registered below) are killed first, then these steps run.
let cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => {});
  cleanup = [];
});
const processes = useHubProcesses();

async function hubOn(db: IsolatedDatabase): Promise<HubProcess> {
  return processes.start({
    DATABASE_URL: db.url, PORT: String(await freePort()), DROPGATE_ADMIN_TOKEN: ADMIN_TOKEN, DROPGATE_SECRET_KEY: SECRET_KEY,
    DROPGATE_ORDER_WAIT_MS: '0', DROPGATE_WORKER_POLL_MS: '100',
  });
}

async function setUp(simulator: CodeGamesSimulator, hub: HubProcess) {
  const admin = operator(hub).ok;
  const supplier = await admin('POST', '/suppliers', { kind: 'codegames', name: 'cg', url: simulator.url, timeoutMs: 3000, statusIntervalS: 1 });
  await admin('PUT', '/offers/4242', { productName: 'Card', offerName: 'Upstream', price: '12.00', currency: 'USD' });
  await admin('POST', '/offers/4242/sources', { supplierId: supplier.id, product: String(PRODUCT), cost: '9.00' });
  const merchant = await admin('POST', '/merchants', { name: 'buyer' });
  await admin('POST', `/merchants/${merchant.id}/deposits`, { amount: '1000.00' });
  return (await admin('POST', '/shops', { merchantId: merchant.id, name: 'web' })).token as string;
}

const order = (hub: HubProcess, token: string, transactionId: string) =>
  call(`${hub.url}/api/v1/offers/create-order`, { token, body: { offerId: 4242, price: 12, transactionId } });

async function settledOrders(hub: HubProcess, token: string, ids: number[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const orders = await Promise.all(ids.map(async (orderId) => (await call(`${hub.url}/api/v1/offers/order-status`, { token, body: { orderId } })).body));
    if (orders.every((o) => o.status !== 'PROCESSING') || Date.now() > deadline) return orders;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Each paid upstream transaction belongs to exactly one COMPLETED order, with the key it paid for. */
function expectPaidExactlyOnce(simulator: CodeGamesSimulator, orders: Array<{ orderId: number; status: string; key?: string }>) {
  const payments = simulator.payments().filter((p) => p.state === 'OK');
  const completed = orders.filter((o) => o.status === 'COMPLETED');
  expect(payments.map((p) => p.txnId).sort()).toEqual(completed.map((o) => `${o.orderId}-0`).sort());
  for (const o of completed) expect(o.key).toBe(payments.find((p) => p.txnId === `${o.orderId}-0`)!.productKey);
  expect(new Set(completed.map((o) => o.key)).size).toBe(completed.length);
}

async function expectAuditClean(hub: HubProcess) {
  const audit = await call(`${hub.url}/admin/v1/audit`, { bearer: ADMIN_TOKEN });
  expect(audit.body.violations).toEqual([]);
}

describe('fulfilment across processes', () => {
  it('a hub killed with orders in flight at a supplier finishes them all after a restart, none twice', async () => {
    const db = await isolatedDatabase();
    cleanup.push(() => db.drop());
    const simulator = await startCodeGamesSimulator({ products: [{ id: PRODUCT, name: 'Card', price: 10, partnerPrice: 9, keys: 100 }] });
    cleanup.push(() => simulator.stop());
    simulator.setFault(PRODUCT, { kind: 'slow', ms: 700 }); // check + pay: 1.4 s each order

    const first = await hubOn(db);
    const token = await setUp(simulator, first);
    const placed = await Promise.all(Array.from({ length: 12 }, (_, i) => order(first, token, `crash-${i}`)));
    expect(placed.every((p) => p.status === 200 && p.body.status === 'PROCESSING')).toBe(true);
    while (simulator.calls.pay === 0) await new Promise((r) => setTimeout(r, 20));
    first.child.kill('SIGKILL'); // mid-flight: some checks and pays are answered to nobody
    await first.exited;

    const second = await hubOn(db);
    const orders = await settledOrders(second, token, placed.map((p) => p.body.orderId), 40_000);
    for (const o of orders) expect(['COMPLETED', 'CANCELED']).toContain(o.status);
    expect(orders.filter((o) => o.status === 'COMPLETED').length).toBeGreaterThan(0);
    // Jobs the dead hub held were taken over after their lease and polled, never placed again:
    // status checks happen here only for those.
    expect(simulator.calls.status).toBeGreaterThan(0);
    expectPaidExactlyOnce(simulator, orders);
    const balance = (await call(`${second.url}/api/v1/balance`, { token })).body;
    expect(balance).toMatchObject({ balance: 1000 - 12 * orders.filter((o) => o.status === 'COMPLETED').length, draftBalance: 0 });
    await expectAuditClean(second);
  }, 90_000);

  it('two hubs on one PostgreSQL fulfil one stream of supplier orders, each exactly once', async () => {
    const db = await isolatedDatabase();
    cleanup.push(() => db.drop());
    const simulator = await startCodeGamesSimulator({ products: [{ id: PRODUCT, name: 'Card', price: 10, partnerPrice: 9, keys: 100 }] });
    cleanup.push(() => simulator.stop());
    simulator.setFault(PRODUCT, { kind: 'slow', ms: 100 });

    const hubs = [await hubOn(db), await hubOn(db)];
    const token = await setUp(simulator, hubs[0]!);
    const placed = [];
    for (let i = 0; i < 40; i++) placed.push(order(hubs[i % 2]!, token, `pair-${i}`));
    const answers = await Promise.all(placed);
    expect(answers.every((a) => a.status === 200)).toBe(true);

    const orders = await settledOrders(hubs[1]!, token, answers.map((a) => a.body.orderId), 40_000);
    expect(orders.map((o) => o.status)).toEqual(Array(40).fill('COMPLETED'));
    expectPaidExactlyOnce(simulator, orders);
    expect(simulator.calls.pay).toBe(40);
    await expectAuditClean(hubs[0]!);
  }, 90_000);
});
