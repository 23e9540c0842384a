/**
 * Create-orders placed in batches (functions/place_orders.sql, src/modules/orders/batcher.ts):
 * the races of races.test.ts at a size where one merchant's orders share statements, with two
 * hub instances on one database so batches also race each other (on the account row, a
 * transactionId's unique slot, the last keys), and a hub with a small pool so orders of several
 * merchants share statements too. Each runs with batching on and off (DROPGATE_ORDER_BATCH_MAX=1);
 * with it on, the hub's metrics must show that statements did carry several orders.
 */
import { describe, expect, it } from 'vitest';
import { useDatabaseClient } from './support/db.ts';
import { keysFor, merchantClient, operator, useTestHub, type TestHub } from './support/hub.ts';

const METRICS_TOKEN = 'test-metrics-token-0123456789';
const db = useDatabaseClient();

/** The placing statements a hub ran so far, and the orders they carried. */
async function statements(hub: TestHub): Promise<{ count: number; orders: number }> {
  const text = await (await fetch(`${hub.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 'NaN');
  return { count: read('dropgate_order_batch_size_count'), orders: read('dropgate_order_batch_size_sum') };
}

describe.each([
  { mode: 'batching on', env: { DROPGATE_ORDER_BATCH_MAX: '64' } as Record<string, string>, batches: true },
  { mode: 'batching off', env: { DROPGATE_ORDER_BATCH_MAX: '1' }, batches: false },
])('create-orders, $mode', ({ env, batches }) => {
  const hub = useTestHub({ ...env, DROPGATE_METRICS_TOKEN: METRICS_TOKEN });
  const other = useTestHub(env);
  // A pool of 4 leaves 2 statements to orders: the orders of many merchants queue and share them.
  const narrow = useTestHub({ ...env, DROPGATE_METRICS_TOKEN: METRICS_TOKEN, DROPGATE_DB_POOL: '4' });
  const op = operator(hub);

  async function expectAuditClean() {
    const report = await op.audit();
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
  }

  /** The merchant's PURCHASE entries: how many, their sum, and whether each balanceAfter follows the one before. */
  async function purchases(merchantId: number, deposit: number) {
    const { rows } = await db.query<{ amount: string; balance_after: string }>(
      "SELECT amount, balance_after FROM ledger_entries WHERE merchant_id = $1 AND type = 'PURCHASE' ORDER BY id", [merchantId]);
    let balance = deposit;
    const chained = rows.every((row) => (balance += Number(row.amount)) === Number(row.balance_after));
    return { count: rows.length, total: rows.reduce((sum, row) => sum + Number(row.amount), 0), chained };
  }

  it('200 parallel orders of one merchant all complete, each key sold once, the money exact', async () => {
    const { merchantId, token } = await op.merchant(undefined, '500.00');
    const keys = keysFor('batch', 200);
    const offer = await op.offer({ price: '2.00', currency: 'USD' }, keys);
    const api = merchantClient(hub, token);
    const before = await statements(hub);
    // Some ids carry array-literal syntax: a batch binds them as elements of a text[].
    const transactionIds = Array.from({ length: 200 }, (_, i) => (i % 10 === 0 ? `b"{${i}},\\ NULL ё` : `batch-${i}`));

    const answers = await Promise.all(
      transactionIds.map((transactionId) => api('/offers/create-order', { offerId: offer.id, price: 2, transactionId })),
    );

    expect(answers.map((a) => a.status)).toEqual(Array(200).fill(200));
    expect(answers.every((a) => a.body.status === 'COMPLETED')).toBe(true);
    // Each caller got its own order back, and every key went to exactly one of them.
    expect(answers.map((a) => a.body.transactionId)).toEqual(transactionIds);
    expect(new Set(answers.map((a) => a.body.orderId)).size).toBe(200);
    expect(answers.map((a) => a.body.key).sort()).toEqual([...keys].sort());
    expect((await api('/balance')).body.balance).toBe(100);
    expect(await purchases(merchantId, 50_000)).toEqual({ count: 200, total: -40_000, chained: true });
    const after = await statements(hub);
    expect(after.orders - before.orders).toBe(200);
    if (batches) expect(after.count - before.count).toBeLessThan(200);
    else expect(after.count - before.count).toBe(200);
    await expectAuditClean();
  });

  it('a transactionId repeated among parallel orders, on two hubs, makes one order; the others stand', async () => {
    const { merchantId, token } = await op.merchant(undefined, '100.00');
    const offer = await op.offer({ price: '1.00', currency: 'USD' }, keysFor('dupbatch', 60));
    const apis = [merchantClient(hub, token), merchantClient(other, token)];

    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => {
      const transactionId = i % 3 === 0 ? 'dup-in-batch' : `unique-${i}`;
      return apis[i % 2]!('/offers/create-order', { offerId: offer.id, price: 1, transactionId });
    }));

    const repeated = answers.filter((_, i) => i % 3 === 0);
    const unique = answers.filter((_, i) => i % 3 !== 0);
    expect(unique.every((a) => a.status === 200 && a.body.status === 'COMPLETED')).toBe(true);
    const created = repeated.filter((a) => a.status === 200);
    expect(created).toHaveLength(1);
    const orderId = created[0]!.body.orderId;
    const duplicates = repeated.filter((a) => a.status !== 200);
    expect(duplicates).toHaveLength(19);
    for (const d of duplicates) expect({ status: d.status, error: d.body.error }).toMatchObject({ status: 409, error: { code: 'TRANSACTION_DUPLICATE', orderId } });
    expect((await apis[0]!('/balance')).body.balance).toBe(59);
    expect(await purchases(merchantId, 10_000)).toEqual({ count: 41, total: -4100, chained: true });
    await expectAuditClean();
  });

  it('a balance that covers some of many parallel orders, on two hubs: exactly that many pass, never below zero', async () => {
    const { merchantId, token } = await op.merchant(undefined, '37.00');
    const offer = await op.offer({ price: '1.00', currency: 'USD' }, keysFor('cover', 120));
    const apis = [merchantClient(hub, token), merchantClient(other, token)];

    const answers = await Promise.all(Array.from({ length: 120 }, (_, i) =>
      apis[i % 2]!('/offers/create-order', { offerId: offer.id, price: 1, transactionId: `cover-${i}` })));

    const completed = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status !== 200);
    expect(completed).toHaveLength(37);
    expect(completed.every((a) => a.body.status === 'COMPLETED')).toBe(true);
    expect(refused).toHaveLength(83);
    for (const r of refused) expect({ status: r.status, code: r.body.error?.code }).toEqual({ status: 402, code: 'INSUFFICIENT_BALANCE' });
    expect((await apis[1]!('/balance')).body.balance).toBe(0);
    const { rows } = await db.query('SELECT min(balance_after)::int AS lowest FROM ledger_entries WHERE merchant_id = $1', [merchantId]);
    expect(rows[0].lowest).toBe(0);
    expect(await purchases(merchantId, 3700)).toEqual({ count: 37, total: -3700, chained: true });
    await expectAuditClean();
  });

  it('the last keys, raced by many merchants across batches and hubs, are never shared', async () => {
    const keys = keysFor('lastbatch', 7);
    const offer = await op.offer({ price: '1.00', currency: 'USD' }, keys);
    const merchants = await Promise.all(Array.from({ length: 12 }, () => op.merchant(undefined, '20.00')));
    const hubs = [narrow, other, hub];
    const before = await statements(narrow);

    const answers = await Promise.all(Array.from({ length: 72 }, (_, i) => {
      const m = merchants[i % merchants.length]!;
      return merchantClient(hubs[i % 3]!, m.token)('/offers/create-order', { offerId: offer.id, price: 1, transactionId: `lastbatch-${i}` });
    }));

    expect(answers.map((a) => a.status)).toEqual(Array(72).fill(200));
    const completed = answers.filter((a) => a.body.status === 'COMPLETED');
    expect(completed).toHaveLength(7);
    expect(answers.filter((a) => a.body.status === 'CANCELED' && a.body.message === 'Out of stock')).toHaveLength(65);
    expect(completed.map((a) => a.body.key).sort()).toEqual([...keys].sort());
    for (const [index, m] of merchants.entries()) {
      const got = answers.filter((a, i) => i % merchants.length === index && a.body.status === 'COMPLETED').length;
      expect((await merchantClient(hub, m.token)('/balance')).body.balance).toBe(20 - got);
    }
    // The narrow hub had more orders than statements to spare: with batching, they shared some.
    const after = await statements(narrow);
    expect(after.orders - before.orders).toBe(24);
    if (batches) expect(after.count - before.count).toBeLessThan(24);
    await expectAuditClean();
  });
});
