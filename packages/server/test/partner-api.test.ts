/**
 * Partner API v1 end to end: every endpoint over real HTTP against a real hub and PostgreSQL,
 * with the exact wire shapes of the spec (specs/gamesdrop-partner-api.ru.txt) and the ledger
 * effects of DESIGN.md. Money-moving tests finish with a clean audit.
 *
 * FX conversion runs on a deployment of its own (a fresh database): rates are global, and other
 * files running in parallel may set them on the shared database at any moment.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { insertInFlightOrder, useDatabaseClient } from './support/db.ts';
import { cents, expectError, ISO_UTC_MS } from './support/expect.ts';
import { call, keysFor, merchantClient, operator, useIsolatedHub, useTestHub } from './support/hub.ts';

const hub = useTestHub();
const op = operator(hub);
const db = useDatabaseClient();

const ORDER_FIELDS = ['orderId', 'transactionId', 'count', 'price', 'currency', 'offerId', 'productName', 'offerName', 'status', 'isReturnDataForCustomer', 'createdAt'];
const SANDBOX_KEY = /^TEST-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$/;

type Api = ReturnType<typeof merchantClient>;

async function balanceOf(api: Api) {
  const response = await api('/balance');
  expect(response.status).toBe(200);
  // The spec's fields (the live service's extensions are checked where balance's shape is).
  const { balance, draftBalance, currency } = response.body as { balance: number; draftBalance: number; currency: { id: number; code: string } };
  return { balance, draftBalance, currency };
}

async function ledgerOf(api: Api, query = 'limit=100') {
  const response = await api(`/balance/transactions?${query}`);
  expect(response.status).toBe(200);
  return response.body as { transactions: Array<{ id: number; amount: number; type: string; description: string; balanceAfter: number; createdAt: string }>; total: number };
}

async function expectAuditClean(operatorApi: ReturnType<typeof operator>) {
  const report = await operatorApi.audit();
  expect(report.violations).toEqual([]);
  expect(report.ok).toBe(true);
}

describe('Partner API v1', () => {
  describe('balance', () => {
    it('GET /balance answers balance, draftBalance and the USD currency object; POST /balance/check is the same call', async () => {
      const { token, merchantId, shopId } = await op.merchant('balance-shape', '100.00');
      const api = merchantClient(hub, token);

      const got = await api('/balance');
      expect(got.status).toBe(200);
      // The spec's three fields, then the live service's (docs/compatibility.md).
      expect(got.body).toEqual({
        balance: 100, draftBalance: 0, currency: { id: 3, code: 'USD' },
        shopId, shopName: 'balance-shape-shop', partnerId: merchantId, isPostpaid: false, balanceProfile: 'FIAT',
      });
      expect(Object.keys(got.body).slice(0, 3)).toEqual(['balance', 'draftBalance', 'currency']);

      const alias = await call(`${hub.url}/api/v1/balance/check`, { method: 'POST', token });
      expect(alias.status).toBe(200);
      expect(alias.body).toEqual(got.body);
      // A JSON body on the alias is accepted too (the English spec shows a POST).
      const aliasWithBody = await api('/balance/check', {});
      expect(aliasWithBody.status).toBe(200);
      expect(aliasWithBody.body).toEqual(got.body);

      const empty = await op.merchant();
      expect(await balanceOf(merchantClient(hub, empty.token))).toEqual({ balance: 0, draftBalance: 0, currency: { id: 3, code: 'USD' } });
    });

    it('draftBalance is what orders in flight hold; cancel-order releases a queued one with a REFUND', async () => {
      const { token, merchantId, shopId } = await op.merchant(undefined, '20.00');
      const api = merchantClient(hub, token);
      const offer = await op.offer({ productName: 'Supplier Product', offerName: 'Pending', price: '7.50', currency: 'USD' });
      const upstream = await op.offer({ productName: 'Supplier Product', offerName: 'Sent', price: '2.25', currency: 'USD' });

      // One order still queued for a supplier, one already sent upstream (see the fixture).
      const queued = await insertInFlightOrder(db, { shopId, merchantId, offerId: offer.id, transactionId: 'in-flight-1', stage: 'queued' });
      const sent = await insertInFlightOrder(db, { shopId, merchantId, offerId: upstream.id, transactionId: 'in-flight-2' });

      expect(await balanceOf(api)).toEqual({ balance: 10.25, draftBalance: 9.75, currency: { id: 3, code: 'USD' } });
      const inFlight = await api('/offers/order-status', { orderId: queued.orderId });
      expect(inFlight.status).toBe(200);
      expect(inFlight.body).toEqual({
        orderId: queued.orderId, transactionId: 'in-flight-1', count: 1, price: 7.5, currency: 'USD', offerId: offer.id,
        productName: 'Supplier Product', offerName: 'Pending', status: 'PROCESSING', isReturnDataForCustomer: true,
        createdAt: expect.stringMatching(ISO_UTC_MS),
      });

      const canceled = await api('/offers/cancel-order', { orderId: queued.orderId, reason: 'customer changed their mind' });
      expect(canceled.status, JSON.stringify(canceled.body)).toBe(200);
      expect(canceled.body).toEqual({ ...inFlight.body, status: 'CANCELED', message: 'customer changed their mind' });

      // The canceled order's hold is released and refunded; the other one still holds its amount.
      expect(await balanceOf(api)).toEqual({ balance: 17.75, draftBalance: 2.25, currency: { id: 3, code: 'USD' } });
      const ledger = await ledgerOf(api);
      expect(ledger.transactions.map((t) => [t.type, t.amount, t.balanceAfter])).toEqual([
        ['REFUND', 7.5, 17.75],
        ['PURCHASE', -2.25, 10.25],
        ['PURCHASE', -7.5, 12.5],
        ['DEPOSIT', 20, 20],
      ]);
      expect(ledger.transactions[0]!.description).toBe(`Refund - order ${queued.orderId}: customer changed their mind`);
      const events = (await op.order(queued.orderId)).events.map((e: { from: string | null; to: string }) => `${e.from ?? '∅'}>${e.to}`);
      expect(events).toEqual(['∅>SUBMITTED', 'SUBMITTED>PROCESSING', 'PROCESSING>CANCELED']);
      expect((await op.order(sent.orderId)).status).toBe('PROCESSING');
    });
  });

  describe('balance/transactions', () => {
    it('lists the ledger newest first, with signed amounts, a balanceAfter chain and ISO UTC times; pages by page and limit', async () => {
      const { token } = await op.merchant(undefined, '50.00');
      const api = merchantClient(hub, token);
      const stocked = await op.offer({ productName: 'Gift Card', offerName: '1.25 USD', price: '1.25', currency: 'USD' }, keysFor('tx', 3));
      const empty = await op.offer({ productName: 'Empty Card', offerName: '2 USD', price: '2.00', currency: 'USD' });
      const orders = [];
      for (const [offer, price, transactionId] of [[stocked, 1.25, 't1'], [stocked, 1.25, 't2'], [empty, 2, 't3'], [stocked, 1.25, 't4']] as const) {
        const created = await api('/offers/create-order', { offerId: offer.id, price, transactionId });
        expect(created.status).toBe(200);
        orders.push(created.body);
      }
      expect(orders.map((o) => o.status)).toEqual(['COMPLETED', 'COMPLETED', 'CANCELED', 'COMPLETED']);

      const all = await ledgerOf(api);
      // The out-of-stock order was refused before any debit: no entry of its own.
      expect(all.total).toBe(4);
      expect(all.transactions.map((t) => [t.type, t.amount, t.balanceAfter, t.description])).toEqual([
        ['PURCHASE', -1.25, 46.25, `API Purchase - Gift Card 1.25 USD (order ${orders[3].orderId})`],
        ['PURCHASE', -1.25, 47.5, `API Purchase - Gift Card 1.25 USD (order ${orders[1].orderId})`],
        ['PURCHASE', -1.25, 48.75, `API Purchase - Gift Card 1.25 USD (order ${orders[0].orderId})`],
        ['DEPOSIT', 50, 50, 'Deposit'],
      ]);
      for (const t of all.transactions) {
        expect(Object.keys(t).sort()).toEqual(['amount', 'balanceAfter', 'createdAt', 'description', 'id', 'type']);
        expect(Number.isInteger(t.id)).toBe(true);
        expect(t.createdAt).toMatch(ISO_UTC_MS);
        expect(new Date(t.createdAt).toISOString()).toBe(t.createdAt);
        if (t.type === 'PURCHASE') expect(t.amount).toBeLessThan(0);
        else expect(t.amount).toBeGreaterThan(0);
      }
      // Newest first: ids strictly descending, times never increasing.
      for (let i = 1; i < all.transactions.length; i++) {
        expect(all.transactions[i]!.id).toBeLessThan(all.transactions[i - 1]!.id);
        expect(Date.parse(all.transactions[i]!.createdAt)).toBeLessThanOrEqual(Date.parse(all.transactions[i - 1]!.createdAt));
      }
      // The chain, oldest to newest: each balanceAfter is the previous one plus the amount.
      const oldestFirst = [...all.transactions].reverse();
      expect(cents(oldestFirst[0]!.balanceAfter)).toBe(cents(oldestFirst[0]!.amount));
      for (let i = 1; i < oldestFirst.length; i++) {
        expect(cents(oldestFirst[i]!.balanceAfter)).toBe(cents(oldestFirst[i - 1]!.balanceAfter) + cents(oldestFirst[i]!.amount));
      }
      expect(cents(all.transactions[0]!.balanceAfter)).toBe(cents((await balanceOf(api)).balance));

      // Pagination: pages of 3 are the full list cut in order; past the end is empty; total is constant.
      const page1 = await ledgerOf(api, 'page=1&limit=3');
      const page2 = await ledgerOf(api, 'page=2&limit=3');
      const page3 = await ledgerOf(api, 'page=3&limit=3');
      expect(page1).toEqual({ transactions: all.transactions.slice(0, 3), total: 4 });
      expect(page2).toEqual({ transactions: all.transactions.slice(3), total: 4 });
      expect(page3).toEqual({ transactions: [], total: 4 });
      expect(await ledgerOf(api, 'limit=1')).toEqual({ transactions: all.transactions.slice(0, 1), total: 4 });
      expect(await ledgerOf(api, 'page=2')).toEqual({ transactions: [], total: 4 }); // default limit 20
      const defaults = await api('/balance/transactions');
      expect(defaults.status).toBe(200);
      expect(defaults.body).toEqual(all);
    });

    it('defaults to 20 per page', async () => {
      const { token, merchantId } = await op.merchant();
      for (let i = 0; i < 22; i++) await op.deposit(merchantId, '1.00');
      const api = merchantClient(hub, token);
      const first = await ledgerOf(api, '');
      expect(first.total).toBe(22);
      expect(first.transactions).toHaveLength(20);
      expect(first.transactions[0]!.balanceAfter).toBe(22);
      const second = await ledgerOf(api, 'page=2');
      expect(second.transactions.map((t) => t.balanceAfter)).toEqual([2, 1]);
    });
  });

  describe('offers/find-one', () => {
    it('answers the spec example shape, price as a number with at most 2 decimals', async () => {
      const { token } = await op.merchant();
      const offer = await op.offer({ productName: 'PUBG MOBILE GIFT', offerName: '60 UC', price: '560.10', currency: 'RUB' });
      const api = merchantClient(hub, token);

      const found = await api('/offers/find-one', { offerId: offer.id });
      expect(found.status).toBe(200);
      expect(found.body).toMatchObject({
        offerId: offer.id, productName: 'PUBG MOBILE GIFT', offerName: '60 UC', count: 1, price: 560.1, currency: 'RUB', isReturnDataForCustomer: true,
      });
      // The spec's seven fields first, in its order; the live service's catalog fields after them.
      expect(Object.keys(found.body).slice(0, 7)).toEqual(['offerId', 'productName', 'offerName', 'count', 'price', 'currency', 'isReturnDataForCustomer']);
      const raw = await fetch(`${hub.url}/api/v1/offers/find-one`, {
        method: 'POST', headers: { authorization: token, 'content-type': 'application/json' }, body: JSON.stringify({ offerId: offer.id }),
      });
      expect(await raw.text()).toContain('"price":560.1,');
    });

    it('answers count, isReturnDataForCustomer and exact prices as the operator set them', async () => {
      const { token } = await op.merchant();
      const api = merchantClient(hub, token);
      const cases = [
        { fields: { price: '0.05', currency: 'USD', count: 3, returnsKey: false }, expected: { price: 0.05, currency: 'USD', count: 3, isReturnDataForCustomer: false } },
        { fields: { price: '1000000.99', currency: 'KZT' }, expected: { price: 1000000.99, currency: 'KZT', count: 1, isReturnDataForCustomer: true } },
        { fields: { price: '10', currency: 'EUR' }, expected: { price: 10, currency: 'EUR', count: 1, isReturnDataForCustomer: true } },
      ];
      for (const { fields, expected } of cases) {
        const offer = await op.offer(fields);
        const found = await api('/offers/find-one', { offerId: offer.id });
        expect(found.status).toBe(200);
        expect(found.body).toMatchObject({ offerId: offer.id, productName: 'Test Product', offerName: `Offer ${offer.id}`, ...expected });
      }
    });
  });

  describe('offers/create-order', () => {
    it('completes a stock order with its key in the spec shape and debits the price', async () => {
      const { token, merchantId } = await op.merchant(undefined, '30.00');
      const keys = keysFor('order', 2);
      const offer = await op.offer({ productName: 'Razer Gold', offerName: '5 USD', price: '5.00', currency: 'USD' }, keys);
      const api = merchantClient(hub, token);

      const created = await api('/offers/create-order', {
        offerId: offer.id, price: 5, transactionId: 'razer-1', customer: { email: 'user@gmail.com', gameUserId: '52357322414' },
      });
      expect(created.status).toBe(200);
      expect(created.body).toEqual({
        orderId: expect.any(Number), transactionId: 'razer-1', count: 1, price: 5, currency: 'USD', offerId: offer.id,
        productName: 'Razer Gold', offerName: '5 USD', status: 'COMPLETED', isReturnDataForCustomer: true,
        key: expect.any(String), createdAt: expect.stringMatching(ISO_UTC_MS),
      });
      expect(keys).toContain(created.body.key);
      expect(Math.abs(Date.parse(created.body.createdAt) - Date.now())).toBeLessThan(60_000);

      const second = await api('/offers/create-order', { offerId: offer.id, price: 5, transactionId: 'razer-2' });
      expect(second.status).toBe(200);
      expect(second.body.orderId).toBeGreaterThan(created.body.orderId);
      expect(second.body.key).not.toBe(created.body.key);
      expect([created.body.key, second.body.key].sort()).toEqual([...keys].sort());

      expect(await balanceOf(api)).toEqual({ balance: 20, draftBalance: 0, currency: { id: 3, code: 'USD' } });
      const order = await op.order(created.body.orderId);
      expect(order).toMatchObject({
        merchantId, transactionId: 'razer-1', status: 'COMPLETED', price: '5.00', currency: 'USD', usdPerUnit: '1', amountUsd: '5.00',
        sandbox: false, hasKey: true, customer: { email: 'user@gmail.com', gameUserId: '52357322414', gameServerId: null },
      });
      expect(order.events.map((e: { from: string | null; to: string }) => [e.from, e.to])).toEqual([[null, 'SUBMITTED'], ['SUBMITTED', 'COMPLETED']]);
    });

    it('an offer that returns no key completes without one', async () => {
      const { token } = await op.merchant(undefined, '5.00');
      const offer = await op.offer({ price: '1.00', currency: 'USD', returnsKey: false }, keysFor('nokey', 1));
      const api = merchantClient(hub, token);
      const created = await api('/offers/create-order', { offerId: offer.id, price: 1, transactionId: 'nokey-1' });
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({ status: 'COMPLETED', isReturnDataForCustomer: false });
      expect(Object.keys(created.body).sort()).toEqual([...ORDER_FIELDS].sort());
      const status = await api('/offers/order-status', { orderId: created.body.orderId });
      expect(status.body).not.toHaveProperty('key');
      expect((await balanceOf(api)).balance).toBe(4);
    });

    it('out of stock: the order is CANCELED with "Out of stock", refused before any debit: no ledger row, balance untouched', async () => {
      const { token } = await op.merchant(undefined, '10.00');
      const offer = await op.offer({ productName: 'Last Key', offerName: 'One', price: '3.30', currency: 'USD' }, keysFor('oos', 1));
      const api = merchantClient(hub, token);

      const first = await api('/offers/create-order', { offerId: offer.id, price: 3.3, transactionId: 'oos-1' });
      expect(first.body.status).toBe('COMPLETED');
      const second = await api('/offers/create-order', { offerId: offer.id, price: 3.3, transactionId: 'oos-2' });
      expect(second.status).toBe(200);
      expect(second.body).toEqual({
        orderId: expect.any(Number), transactionId: 'oos-2', count: 1, price: 3.3, currency: 'USD', offerId: offer.id,
        productName: 'Last Key', offerName: 'One', status: 'CANCELED', isReturnDataForCustomer: true, message: 'Out of stock',
        createdAt: expect.stringMatching(ISO_UTC_MS),
      });

      expect(await balanceOf(api)).toEqual({ balance: 6.7, draftBalance: 0, currency: { id: 3, code: 'USD' } });
      const ledger = await ledgerOf(api);
      expect(ledger.transactions.map((t) => [t.type, t.amount, t.balanceAfter])).toEqual([
        ['PURCHASE', -3.3, 6.7],
        ['DEPOSIT', 10, 10],
      ]);
      const status = await api('/offers/order-status', { orderId: second.body.orderId });
      expect(status.body).toEqual(second.body);
      const order = await op.order(second.body.orderId);
      expect(order.events.map((e: { to: string; reason: string | null }) => [e.to, e.reason])).toEqual([['SUBMITTED', null], ['CANCELED', 'Out of stock']]);
      expect(order).toMatchObject({ amountUsd: '0.00' });
      // Idempotent as any order: the same transactionId names it, and still debits nothing.
      expectError(await api('/offers/create-order', { offerId: offer.id, price: 3.3, transactionId: 'oos-2' }), 409, 'TRANSACTION_DUPLICATE');
      expect((await balanceOf(api)).balance).toBe(6.7);
      await expectAuditClean(op);
    });

    it('an offer that requires gameUserId rejects orders without customer.gameUserId and debits nothing', async () => {
      const { token } = await op.merchant(undefined, '10.00');
      const offer = await op.offer({ price: '2.00', currency: 'USD', requiresGameUserId: true }, keysFor('gid', 1));
      const api = merchantClient(hub, token);

      for (const customer of [undefined, {}, { email: 'player@example.com' }]) {
        const refused = await api('/offers/create-order', { offerId: offer.id, price: 2, transactionId: 'gid-1', ...(customer && { customer }) });
        expectError(refused, 400, 'INVALID_REQUEST_BODY', 'customer.gameUserId');
      }
      expect(await ledgerOf(api)).toMatchObject({ total: 1 });

      const accepted = await api('/offers/create-order', { offerId: offer.id, price: 2, transactionId: 'gid-1', customer: { gameUserId: '777' } });
      expect(accepted.status).toBe(200);
      expect(accepted.body.status).toBe('COMPLETED');
      expect((await op.order(accepted.body.orderId)).customer).toEqual({ email: null, gameUserId: '777', gameServerId: null });
      expect((await balanceOf(api)).balance).toBe(8);
    });
  });

  describe('the sandbox offer 999', () => {
    it('is exactly as the spec describes: Steam US / TEST OFFER GROUP, 23.09 KZT, a key', async () => {
      const { token } = await op.merchant();
      const found = await merchantClient(hub, token)('/offers/find-one', { offerId: 999 });
      expect(found.status).toBe(200);
      expect(found.body).toMatchObject({
        offerId: 999, productName: 'Steam US', offerName: 'TEST OFFER GROUP', count: 1, price: 23.09, currency: 'KZT', isReturnDataForCustomer: true,
        // Always in stock, any player, nothing debited.
        inStock: true, isRequiredGameUserId: false, isRequiredGameServerId: false, priceBreakdown: { debitAmount: 0 },
      });
    });

    it('completes the spec example order with a generated key, debits nothing and writes no ledger entry', async () => {
      const funded = await op.merchant(undefined, '10.00');
      const broke = await op.merchant();
      for (const { token } of [funded, broke]) {
        const api = merchantClient(hub, token);
        const before = await balanceOf(api);
        const created = await api('/offers/create-order', {
          offerId: 999, price: 23.09, transactionId: 'test_123456', customer: { email: 'test@example.com', gameUserId: '123456789' },
        });
        expect(created.status).toBe(200);
        expect(created.body).toEqual({
          orderId: expect.any(Number), transactionId: 'test_123456', count: 1, price: 23.09, currency: 'KZT', offerId: 999,
          productName: 'Steam US', offerName: 'TEST OFFER GROUP', status: 'COMPLETED', isReturnDataForCustomer: true,
          key: expect.stringMatching(SANDBOX_KEY), createdAt: expect.stringMatching(ISO_UTC_MS),
        });
        expect(await balanceOf(api)).toEqual(before);
        expect(await ledgerOf(api)).toEqual(before.balance === 0 ? { transactions: [], total: 0 } : { transactions: [expect.objectContaining({ type: 'DEPOSIT' })], total: 1 });

        // The key is stable: order-status answers the same order, key included.
        const status = await api('/offers/order-status', { orderId: created.body.orderId });
        expect(status.body).toEqual(created.body);
        const order = await op.order(created.body.orderId);
        expect(order).toMatchObject({ sandbox: true, amountUsd: '0.00', status: 'COMPLETED', hasKey: true });
      }
      // Two orders, two different keys.
      const a = await merchantClient(hub, funded.token)('/offers/order-status', { transactionId: 'test_123456' });
      const b = await merchantClient(hub, broke.token)('/offers/order-status', { transactionId: 'test_123456' });
      expect(a.body.key).not.toBe(b.body.key);
    });

    it('check-game-data is always VALID for it', async () => {
      const { token } = await op.merchant();
      const api = merchantClient(hub, token);
      for (const [gameUserId, gameServerId] of [['52357322414', '1234'], ['not a number at all', undefined], ['x', 'any server']]) {
        const checked = await api('/offers/check-game-data', { offerId: 999, gameUserId, ...(gameServerId && { gameServerId }) });
        expect(checked.status).toBe(200);
        expect(checked.body).toEqual({ status: 'VALID', gameUserLogin: gameUserId });
      }
    });
  });

  describe('offers/order-status', () => {
    it('answers the order by orderId and by transactionId, the same as create-order did', async () => {
      const { token } = await op.merchant(undefined, '10.00');
      const offer = await op.offer({ price: '1.50', currency: 'USD' }, keysFor('status', 1));
      const api = merchantClient(hub, token);
      const created = await api('/offers/create-order', { offerId: offer.id, price: 1.5, transactionId: 'status-txn' });
      expect(created.status).toBe(200);

      const byId = await api('/offers/order-status', { orderId: created.body.orderId });
      expect(byId.status).toBe(200);
      expect(byId.body).toEqual(created.body);
      const byTransaction = await api('/offers/order-status', { transactionId: 'status-txn' });
      expect(byTransaction.status).toBe(200);
      expect(byTransaction.body).toEqual(created.body);
    });

    it('reads the snapshot of what was sold after the catalog changes', async () => {
      const { token } = await op.merchant(undefined, '10.00');
      const offer = await op.offer({ productName: 'Old Product', offerName: 'Old Offer', price: '3.00', currency: 'USD' }, keysFor('snap', 2));
      const api = merchantClient(hub, token);
      const created = await api('/offers/create-order', { offerId: offer.id, price: 3, transactionId: 'snap-1' });
      expect(created.body.status).toBe('COMPLETED');

      await op.ok('PUT', `/offers/${offer.id}`, { productName: 'New Product', offerName: 'New Offer', price: '4.00', currency: 'EUR', count: 2 });
      const found = await api('/offers/find-one', { offerId: offer.id });
      expect(found.body).toMatchObject({ productName: 'New Product', offerName: 'New Offer', price: 4, currency: 'EUR', count: 2 });

      const status = await api('/offers/order-status', { orderId: created.body.orderId });
      expect(status.body).toEqual(created.body);
      expect(status.body).toMatchObject({ productName: 'Old Product', offerName: 'Old Offer', price: 3, currency: 'USD', count: 1 });
      expect(await op.order(created.body.orderId)).toMatchObject({ productName: 'Old Product', offerName: 'Old Offer', price: '3.00', currency: 'USD', amountUsd: '3.00' });
    });

    it("another merchant's order is ORDER_NOT_FOUND; other shops of the merchant see it by orderId, not by transactionId", async () => {
      const a = await op.merchant(undefined, '10.00');
      const b = await op.merchant(undefined, '10.00');
      const offer = await op.offer({ price: '1.00', currency: 'USD' }, keysFor('own', 2));
      const apiA = merchantClient(hub, a.token);
      const apiB = merchantClient(hub, b.token);
      const created = await apiA('/offers/create-order', { offerId: offer.id, price: 1, transactionId: 'mine' });
      expect(created.status).toBe(200);

      expectError(await apiB('/offers/order-status', { orderId: created.body.orderId }), 404, 'ORDER_NOT_FOUND');
      expectError(await apiB('/offers/order-status', { transactionId: 'mine' }), 404, 'ORDER_NOT_FOUND');
      expectError(await apiB('/offers/cancel-order', { orderId: created.body.orderId }), 404, 'ORDER_NOT_FOUND');
      expectError(await apiB('/offers/refund-request', { orderId: created.body.orderId }), 404, 'ORDER_NOT_FOUND');
      expect((await op.order(created.body.orderId)).refundRequestedAt).toBeNull();

      // A second shop of merchant A: the order by id, but the transactionId belongs to the first shop.
      const shop2 = await op.ok('POST', '/shops', { merchantId: a.merchantId, name: 'second shop' });
      const apiA2 = merchantClient(hub, shop2.token);
      expect((await apiA2('/offers/order-status', { orderId: created.body.orderId })).body).toEqual(created.body);
      expectError(await apiA2('/offers/order-status', { transactionId: 'mine' }), 404, 'ORDER_NOT_FOUND');
      // transactionId is unique per shop: the second shop may use the same one.
      const again = await apiA2('/offers/create-order', { offerId: offer.id, price: 1, transactionId: 'mine' });
      expect(again.status).toBe(200);
      expect(again.body.orderId).not.toBe(created.body.orderId);
      expect((await balanceOf(apiA)).balance).toBe(8); // one account for both shops
    });
  });

  describe('offer visibility', () => {
    it('an offer restricted to merchant A answers OFFER_NOT_FOUND to B on find-one, create-order and check-game-data', async () => {
      const a = await op.merchant(undefined, '10.00');
      const b = await op.merchant(undefined, '10.00');
      const offer = await op.offer({ price: '1.00', currency: 'USD', merchants: [a.merchantId] }, keysFor('vis', 2));
      const apiA = merchantClient(hub, a.token);
      const apiB = merchantClient(hub, b.token);

      expect((await apiA('/offers/find-one', { offerId: offer.id })).status).toBe(200);
      expect((await apiA('/offers/check-game-data', { offerId: offer.id, gameUserId: '1' })).body).toEqual({ status: 'VALID', gameUserLogin: '1' });

      const notFound = expectError(await apiB('/offers/find-one', { offerId: offer.id }), 404, 'OFFER_NOT_FOUND');
      expectError(await apiB('/offers/create-order', { offerId: offer.id, price: 1, transactionId: 'vis-b' }), 404, 'OFFER_NOT_FOUND');
      expectError(await apiB('/offers/check-game-data', { offerId: offer.id, gameUserId: '1' }), 404, 'OFFER_NOT_FOUND');
      // Indistinguishable from an offer that does not exist at all.
      const missing = expectError(await apiB('/offers/find-one', { offerId: 9_007_199_254_740_991 }), 404, 'OFFER_NOT_FOUND');
      expect(notFound.message.replace(String(offer.id), 'N')).toBe(missing.message.replace('9007199254740991', 'N'));
      expect(await ledgerOf(apiB)).toMatchObject({ total: 1 });
      expect((await balanceOf(apiB)).balance).toBe(10);

      expect((await apiA('/offers/create-order', { offerId: offer.id, price: 1, transactionId: 'vis-a' })).body.status).toBe('COMPLETED');

      // The operator opens it to all: B may buy it now.
      await op.ok('PUT', `/offers/${offer.id}`, { productName: 'Test Product', offerName: 'Open', price: '1.00', currency: 'USD', merchants: 'all' });
      expect((await apiB('/offers/find-one', { offerId: offer.id })).status).toBe(200);
      expect((await apiB('/offers/create-order', { offerId: offer.id, price: 1, transactionId: 'vis-b' })).body.status).toBe('COMPLETED');
    });
  });

  describe('offers/check-game-data', () => {
    it('checks gameUserId and gameServerId against the offer patterns: VALID with gameUserLogin, INVALID with a message, both 200', async () => {
      const { token } = await op.merchant();
      const api = merchantClient(hub, token);
      const offer = await op.offer({ price: '1.00', currency: 'USD', gameUserIdPattern: '\\d{6,12}', gameServerIdPattern: '(eu|us)-\\d' });

      const valid = await api('/offers/check-game-data', { offerId: offer.id, gameUserId: '52357322414', gameServerId: 'eu-1' });
      expect(valid.status).toBe(200);
      expect(valid.body).toEqual({ status: 'VALID', gameUserLogin: '52357322414' });

      const cases: Array<[Record<string, string>, string]> = [
        [{ gameUserId: 'abc', gameServerId: 'eu-1' }, 'gameUserId does not match the format this offer expects'],
        [{ gameUserId: '12345', gameServerId: 'eu-1' }, 'gameUserId does not match the format this offer expects'],
        [{ gameUserId: '123456 ', gameServerId: 'eu-1' }, 'gameUserId does not match the format this offer expects'], // anchored
        [{ gameUserId: '123456' }, 'gameServerId is required for this offer'],
        [{ gameUserId: '123456', gameServerId: 'asia-1' }, 'gameServerId does not match the format this offer expects'],
      ];
      for (const [ids, message] of cases) {
        const invalid = await api('/offers/check-game-data', { offerId: offer.id, ...ids });
        expect(invalid.status).toBe(200);
        expect(invalid.body).toEqual({ status: 'INVALID', message });
      }

      const free = await op.offer({ price: '1.00', currency: 'USD' });
      expect((await api('/offers/check-game-data', { offerId: free.id, gameUserId: 'anyone' })).body).toEqual({ status: 'VALID', gameUserLogin: 'anyone' });
    });

    it('create-order refuses a player id the same rule calls INVALID, and sells to a VALID one', async () => {
      const { token } = await op.merchant(undefined, '5.00');
      const api = merchantClient(hub, token);
      const offer = await op.offer({ price: '1.00', currency: 'USD', gameUserIdPattern: '\\d{6,12}' }, keysFor('player', 1));
      const refused = await api('/offers/create-order', { offerId: offer.id, price: 1, transactionId: 'p-bad', customer: { gameUserId: 'abc' } });
      expectError(refused, 400, 'INVALID_REQUEST_BODY', 'customer.gameUserId');
      expect((await api('/balance')).body.balance).toBe(5);
      const sold = await api('/offers/create-order', { offerId: offer.id, price: 1, transactionId: 'p-ok', customer: { gameUserId: '1234567' } });
      expect(sold.body.status).toBe('COMPLETED');
    });
  });

  describe('refund-request and the operator refund', () => {
    it('a completed order: refund requested, then refunded by the operator: status REFUND, a REFUND entry, balance restored', async () => {
      const { token } = await op.merchant(undefined, '10.00');
      const offer = await op.offer({ price: '4.20', currency: 'USD' }, keysFor('refund', 1));
      const api = merchantClient(hub, token);
      const created = await api('/offers/create-order', { offerId: offer.id, price: 4.2, transactionId: 'refund-1' });
      expect(created.body.status).toBe('COMPLETED');
      expect((await balanceOf(api)).balance).toBe(5.8);

      const requested = await api('/offers/refund-request', { orderId: created.body.orderId, reason: 'key already used' });
      expect(requested.status).toBe(200);
      expect(requested.body).toEqual({ orderId: created.body.orderId, status: 'COMPLETED', refundRequestedAt: expect.stringMatching(ISO_UTC_MS) });
      // Asking again keeps the first request.
      const again = await api('/offers/refund-request', { orderId: created.body.orderId, reason: 'second reason' });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(requested.body);
      expect(await op.order(created.body.orderId)).toMatchObject({
        status: 'COMPLETED', refundRequestedAt: requested.body.refundRequestedAt, refundRequestReason: 'key already used',
      });
      // Requesting moves no money.
      expect((await balanceOf(api)).balance).toBe(5.8);

      const refunded = await op.call('POST', `/orders/${created.body.orderId}/refund`, { reason: 'operator approved' });
      expect(refunded.status).toBe(200);
      expect(refunded.body).toMatchObject({ id: created.body.orderId, status: 'REFUND', amountUsd: '4.20' });
      expect(refunded.body.events.at(-1)).toMatchObject({ from: 'COMPLETED', to: 'REFUND', actor: 'operator', reason: 'operator approved' });

      const status = await api('/offers/order-status', { orderId: created.body.orderId });
      expect(status.body.status).toBe('REFUND');
      expect(status.body).not.toHaveProperty('key'); // only COMPLETED orders show it
      expect(await balanceOf(api)).toEqual({ balance: 10, draftBalance: 0, currency: { id: 3, code: 'USD' } });
      const [latest] = (await ledgerOf(api)).transactions;
      expect(latest).toMatchObject({ type: 'REFUND', amount: 4.2, balanceAfter: 10, description: `Refund - order ${created.body.orderId}: operator approved` });
    });
  });

  describe('tokens', () => {
    it('rotating a shop token invalidates the old one at once; the new one reaches the same account', async () => {
      const { token, shopId } = await op.merchant(undefined, '12.34');
      const before = await call(`${hub.url}/api/v1/balance`, { token });
      expect(before.status).toBe(200);

      const rotated = await op.ok('POST', `/shops/${shopId}/rotate-token`);
      expect(rotated).toEqual({ id: shopId, token: expect.stringMatching(/^[0-9a-f]{32}$/) });
      expect(rotated.token).not.toBe(token);

      expectError(await call(`${hub.url}/api/v1/balance`, { token }), 401, 'INVALID_TOKEN');
      expectError(await call(`${hub.url}/api/v1/offers/find-one`, { token, body: { offerId: 999 } }), 401, 'INVALID_TOKEN');
      const after = await call(`${hub.url}/api/v1/balance`, { token: rotated.token });
      expect(after.status).toBe(200);
      expect(after.body).toEqual(before.body);
      expect(after.body.balance).toBe(12.34);
    });
  });

  it('leaves the ledger and orders consistent (audit)', async () => {
    await expectAuditClean(op);
  });
});

describe('FX conversion (a deployment of its own: rates are global)', () => {
  const fxHub = useIsolatedHub();
  const fxOp = operator(fxHub);

  beforeAll(async () => {
    await fxOp.rate('RUB', '0.0108');
    await fxOp.rate('KZT', '0.0019');
    await fxOp.rate('EUR', '1.005');
  });

  it('debits the USD value of the price at the current rate, rounded half-up to the cent', async () => {
    const { token } = await fxOp.merchant(undefined, '1000.00');
    const api = merchantClient(fxHub, token);
    // [price, currency, rate, exact USD, charged]
    const cases: Array<[string, 'RUB' | 'KZT' | 'EUR' | 'USD', string, string, string]> = [
      ['560.10', 'RUB', '0.0108', '6.04908', '6.05'], // the docs' example: rounds up
      ['99.99', 'RUB', '0.0108', '1.079892', '1.08'],
      ['37.50', 'RUB', '0.0108', '0.405', '0.41'], // .xx5: half-up (half-even would say 0.40)
      ['1234.56', 'KZT', '0.0019', '2.345664', '2.35'],
      ['0.01', 'KZT', '0.0019', '0.000019', '0.01'], // the smallest charge is one cent
      ['1.00', 'EUR', '1.005', '1.005', '1.01'], // .xx5 where binary floats say 1.00 (1.005 * 100 = 100.4999…)
      ['3.00', 'EUR', '1.005', '3.015', '3.02'],
      ['12.34', 'EUR', '1.005', '12.4017', '12.40'],
      ['5.00', 'USD', '1', '5', '5.00'],
    ];
    let balance = 100_000;
    for (const [i, [price, currency, rate, , charged]] of cases.entries()) {
      const offer = await fxOp.offer({ productName: `FX ${currency}`, offerName: price, price, currency }, keysFor(`fx${i}`, 1));
      const created = await api('/offers/create-order', { offerId: offer.id, price: Number(price), transactionId: `fx-${i}` });
      expect(created.status, `${price} ${currency}`).toBe(200);
      expect(created.body).toMatchObject({ status: 'COMPLETED', price: Number(price), currency });

      const order = await fxOp.order(created.body.orderId);
      expect(order, `${price} ${currency}`).toMatchObject({ price, currency, usdPerUnit: rate, amountUsd: charged });
      const [purchase] = (await ledgerOf(api, 'limit=1')).transactions;
      balance -= cents(Number(charged));
      expect(purchase, `${price} ${currency}`).toMatchObject({ type: 'PURCHASE', amount: -Number(charged), balanceAfter: balance / 100 });
    }
    expect(await balanceOf(api)).toEqual({ balance: balance / 100, draftBalance: 0, currency: { id: 3, code: 'USD' } });
    expect(balance).toBe(100_000 - (605 + 108 + 41 + 235 + 1 + 101 + 302 + 1240 + 500));
  });

  it('a new rate applies to new orders; recorded orders keep the rate they were charged at', async () => {
    const { token } = await fxOp.merchant(undefined, '100.00');
    const api = merchantClient(fxHub, token);
    const offer = await fxOp.offer({ price: '560.10', currency: 'RUB' }, keysFor('rate', 2));
    const first = await api('/offers/create-order', { offerId: offer.id, price: 560.1, transactionId: 'rate-1' });
    await fxOp.rate('RUB', '0.011');
    try {
      const second = await api('/offers/create-order', { offerId: offer.id, price: 560.1, transactionId: 'rate-2' });
      expect(await fxOp.order(first.body.orderId)).toMatchObject({ usdPerUnit: '0.0108', amountUsd: '6.05' });
      expect(await fxOp.order(second.body.orderId)).toMatchObject({ usdPerUnit: '0.011', amountUsd: '6.16' }); // 6.1611
      expect((await balanceOf(api)).balance).toBe(87.79);
    } finally {
      await fxOp.rate('RUB', '0.0108');
    }
  });

  it('leaves the ledger and orders consistent (audit)', async () => {
    await expectAuditClean(fxOp);
  });
});
