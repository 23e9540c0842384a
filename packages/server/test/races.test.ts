/**
 * The races of DESIGN.md, run as real parallel HTTP requests against a real PostgreSQL:
 * duplicate transactionIds, overspend, the last keys, and reads answered together (balance,
 * find-one and order-status read in one statement for the calls of one turn of the hub's event
 * loop). After each, the audit is clean.
 */
import { describe, expect, it } from 'vitest';
import { keysFor, merchantClient, operator, useTestHub } from './support/hub.ts';

const hub = useTestHub();
const op = operator(hub);

async function expectAuditClean() {
  const report = await op.audit();
  expect(report.violations).toEqual([]);
  expect(report.ok).toBe(true);
}

describe('races', () => {
  it('50 concurrent creates with one transactionId make one order and one debit', async () => {
    const { token, merchantId } = await op.merchant(undefined, '100.00');
    const offer = await op.offer({ price: '1.00', currency: 'USD' }, keysFor('dup', 60));
    const api = merchantClient(hub, token);
    const body = { offerId: offer.id, price: 1, transactionId: 'same-txn' };

    const answers = await Promise.all(Array.from({ length: 50 }, () => api('/offers/create-order', body)));

    const created = answers.filter((a) => a.status === 200);
    const duplicates = answers.filter((a) => a.status === 409);
    expect(created).toHaveLength(1);
    expect(duplicates).toHaveLength(49);
    const orderId = created[0]!.body.orderId;
    for (const d of duplicates) expect(d.body.error).toMatchObject({ code: 'TRANSACTION_DUPLICATE', orderId });

    const balance = await api('/balance');
    expect(balance.body.balance).toBe(99);
    const ledger = await api('/balance/transactions?limit=100');
    expect(ledger.body.transactions.filter((t: { type: string }) => t.type === 'PURCHASE')).toHaveLength(1);
    expect((await op.merchant()).merchantId).not.toBe(merchantId);
    await expectAuditClean();
  });

  it('concurrent orders beyond the balance never overspend', async () => {
    const { token } = await op.merchant(undefined, '10.00');
    const offer = await op.offer({ price: '3.00', currency: 'USD' }, keysFor('spend', 40));
    const api = merchantClient(hub, token);

    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => api('/offers/create-order', { offerId: offer.id, price: 3, transactionId: `spend-${i}` })),
    );

    const completed = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 402);
    expect(completed).toHaveLength(3); // 3 x 3.00 <= 10.00 < 4 x 3.00
    expect(refused).toHaveLength(37);
    for (const r of refused) expect(r.body.error.code).toBe('INSUFFICIENT_BALANCE');
    expect((await api('/balance')).body.balance).toBe(1);
    await expectAuditClean();
  });

  it('concurrent orders for the last keys never share a key', async () => {
    const keys = keysFor('last', 5);
    const offer = await op.offer({ price: '1.00', currency: 'USD' }, keys);
    const merchants = await Promise.all(Array.from({ length: 4 }, () => op.merchant(undefined, '50.00')));

    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) => {
        const m = merchants[i % merchants.length]!;
        return merchantClient(hub, m.token)('/offers/create-order', { offerId: offer.id, price: 1, transactionId: `last-${i}` });
      }),
    );

    expect(answers.every((a) => a.status === 200)).toBe(true);
    const completed = answers.filter((a) => a.body.status === 'COMPLETED');
    const canceled = answers.filter((a) => a.body.status === 'CANCELED');
    expect(completed).toHaveLength(5);
    expect(canceled).toHaveLength(19);
    const delivered = completed.map((a) => a.body.key);
    expect(new Set(delivered).size).toBe(5);
    expect([...delivered].sort()).toEqual([...keys].sort());
    for (const c of canceled) {
      expect(c.body.key).toBeUndefined();
      expect(c.body.message).toBe('Out of stock');
    }
    // Every canceled order was refunded: each merchant paid only for the keys it got.
    for (const m of merchants) {
      const got = answers.filter((a, i) => i % merchants.length === merchants.indexOf(m) && a.body.status === 'COMPLETED').length;
      expect((await merchantClient(hub, m.token)('/balance')).body.balance).toBe(50 - got);
    }
    await expectAuditClean();
  });

  it('balance, find-one and order-status calls answered together each read their own row, and see every order answered before them', async () => {
    const merchants = await Promise.all(Array.from({ length: 6 }, (_, i) => op.merchant(undefined, `${20 + i}.00`)));
    const inStock = await op.offer({ price: '1.00', currency: 'USD' }, keysFor('together', 6 * 5 + 1)); // one key stays
    const soldOut = await op.offer({ price: '1.00', currency: 'USD' }); // no key, no supplier
    const finalBalance = (i: number) => 20 + i - 5;

    // Each merchant, beside the others: an order, then at once its balance, both offers, the order
    // by id and by transactionId, and the previous merchant's order (not its own: not found).
    const lastOrder: number[] = [];
    await Promise.all(merchants.map(async (m, i) => {
      const api = merchantClient(hub, m.token);
      for (let n = 1; n <= 5; n += 1) {
        const transactionId = `together-${i}-${n}`;
        const order = await api('/offers/create-order', { offerId: inStock.id, price: 1, transactionId });
        expect(order.body.status).toBe('COMPLETED');
        lastOrder[i] = order.body.orderId;
        const other = lastOrder[(i + 5) % 6];
        const [balance, available, unavailable, byId, byTransaction, notOurs] = await Promise.all([
          api('/balance'), api('/offers/find-one', { offerId: inStock.id }), api('/offers/find-one', { offerId: soldOut.id }),
          api('/offers/order-status', { orderId: order.body.orderId }), api('/offers/order-status', { transactionId }),
          other === undefined ? undefined : api('/offers/order-status', { orderId: other }),
        ]);
        expect(balance.body).toMatchObject({ balance: 20 + i - n, draftBalance: 0, partnerId: m.merchantId, shopId: m.shopId });
        expect(available.body).toMatchObject({ offerId: inStock.id, inStock: true });
        expect(unavailable.body).toMatchObject({ offerId: soldOut.id, inStock: false });
        expect(byId.body).toEqual(order.body);
        expect(byTransaction.body).toEqual(order.body);
        if (notOurs) expect(notOurs.status).toBe(404);
      }
    }));

    const burst = await Promise.all(Array.from({ length: 60 }, (_, n) => merchantClient(hub, merchants[n % 6]!.token)('/balance')));
    burst.forEach((answer, n) => expect(answer.body).toMatchObject({ balance: finalBalance(n % 6), partnerId: merchants[n % 6]!.merchantId }));
    await expectAuditClean();
  });
});
