/**
 * The operator capabilities the console added, through the operator API (the console serves the
 * same routes behind a session): keyset order lists and search by any id, the CSV import and its
 * report of rejected rows, keys listed without their text and revealed only with an audit row,
 * one merchant's offer access, and the dashboard.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useDatabaseClient } from './support/db.ts';
import { expectError } from './support/expect.ts';
import { keysFor, merchantClient, operator, startIsolatedHub, uniqueOfferId, useTestHub } from './support/hub.ts';

const hub = useTestHub();
const op = operator(hub);
const db = useDatabaseClient();

describe('operator back-office capabilities', () => {
  it('orders: keyset pages newest first, filters, and search by any id', async () => {
    const shop = await op.merchant(undefined, '100.00');
    const offer = await op.offer({ price: '1.00', currency: 'USD' }, keysFor('PAGE', 5));
    const api = merchantClient(hub, shop.token);
    const ids: number[] = [];
    const tag = randomBytes(3).toString('hex');
    for (let i = 0; i < 5; i++) ids.push((await api('/offers/create-order', { offerId: offer.id, price: 1, transactionId: `${tag}-${i}` })).body.orderId);
    const first = await op.ok('GET', `/orders?merchantId=${shop.merchantId}&limit=2`);
    expect(first.orders.map((o: { id: number }) => o.id)).toEqual([ids[4], ids[3]]);
    const second = await op.ok('GET', `/orders?merchantId=${shop.merchantId}&limit=2&before=${first.nextBefore}`);
    expect(second.orders.map((o: { id: number }) => o.id)).toEqual([ids[2], ids[1]]);
    const last = await op.ok('GET', `/orders?merchantId=${shop.merchantId}&limit=2&before=${second.nextBefore}`);
    expect(last).toMatchObject({ orders: [{ id: ids[0] }], nextBefore: null });

    expect((await op.ok('GET', `/orders?q=${tag}-3`)).orders.map((o: { id: number }) => o.id)).toEqual([ids[3]]);
    expect((await op.ok('GET', `/orders?q=${ids[2]}`)).orders.map((o: { id: number }) => o.id)).toEqual([ids[2]]);
    expect((await op.ok('GET', `/orders?q=${tag}-nothing`)).orders).toEqual([]);
    expect((await op.ok('GET', `/orders?merchantId=${shop.merchantId}&status=REFUND`)).orders).toEqual([]);
    expectError(await op.call('GET', '/orders?status=LOST'), 400, 'INVALID_REQUEST_BODY', 'status');
    expectError(await op.call('GET', '/orders?before=0'), 400, 'INVALID_REQUEST_BODY', 'before');
  });

  it('CSV import: valid rows are saved like PUT /offers/:id, the others reported with line and field', async () => {
    const [good, bad] = [uniqueOfferId(), uniqueOfferId()];
    const answer = await op.ok('POST', '/offers/import', {
      rows: [
        { line: 2, fields: { id: String(good), productName: 'Imported', offerName: '10 EUR', price: '9.99', currency: 'EUR', returnsKey: 'yes' } },
        { line: 3, fields: { id: String(bad), productName: 'Bad price', offerName: 'x', price: '9.999', currency: 'EUR' } },
        { line: 4, fields: { id: 'abc', productName: 'Bad id', offerName: 'x', price: '1', currency: 'EUR' } },
        { line: 5, fields: { id: String(bad), productName: 'Bad currency', offerName: 'x', price: '1', currency: 'GBP' } },
        { line: 6, fields: { id: String(bad), productName: 'x', offerName: 'x', price: '1', currency: 'USD', colour: 'red' } },
        { line: 7, fields: { id: String(bad), productName: 'x', offerName: 'x', price: '1', currency: 'USD', merchants: '999999999' } },
      ],
    });
    expect(answer.imported).toBe(1);
    expect(answer.rejected.map((r: { line: number; field: string }) => [r.line, r.field])).toEqual([
      [3, 'price'], [4, 'id'], [5, 'currency'], [6, 'colour'], [7, 'row'],
    ]);
    expect(await op.ok('GET', `/offers/${good}`)).toMatchObject({ productName: 'Imported', price: '9.99', currency: 'EUR', returnsKey: true });
    expectError(await op.call('GET', `/offers/${bad}`), 404, 'OFFER_NOT_FOUND');
  });

  it("CSV import: a row may set its product's details and its servers, saved with the offer in one transaction", async () => {
    const tag = randomBytes(4).toString('hex');
    const productName = `Mobile Legends ${tag}`;
    const byId = await op.ok('POST', '/products', { name: `Gift ${tag}`, regionCode: 'US' });
    const [a, b, c, d, e] = [uniqueOfferId(), uniqueOfferId(), uniqueOfferId(), uniqueOfferId(), uniqueOfferId()];
    const offer = (id: number, extra: Record<string, string>) => ({ id: String(id), offerName: `Offer ${id}`, price: '1.50', currency: 'USD', ...extra });
    const answer = await op.ok('POST', '/offers/import', {
      rows: [
        { line: 2, fields: offer(a, { productName, category: 'Top Up', platformCode: 'mobile', regionCode: 'GLB', excludedCountryCodes: 'ru; BY', servers: '2010=Asia; 2011 = Europe West' }) },
        // The same product again: found, a detail added, the others kept; no servers cell, no servers.
        { line: 3, fields: offer(b, { productName, regionName: 'Global', category: '', servers: '' }) },
        { line: 4, fields: offer(c, { productId: String(byId.id), category: 'Gift Card', platformName: 'Steam' }) },
        { line: 5, fields: offer(d, { productName, excludedCountryCodes: 'R1' }) },
        { line: 6, fields: offer(d, { productName: `New ${tag}`, servers: '2010' }) },
        { line: 7, fields: offer(d, { productId: 'x' }) },
        { line: 8, fields: offer(d, { productId: '1999999999' }) },
        { line: 9, fields: offer(e, { productName: `New ${tag}`, category: 'c'.repeat(101) }) },
      ],
    });
    expect(answer.rejected.map((r: { line: number; field: string }) => [r.line, r.field])).toEqual([
      [5, 'excludedCountryCodes'], [6, 'servers'], [7, 'productId'], [8, 'row'], [9, 'category'],
    ]);
    expect(answer.imported).toBe(3);

    const [first, second, third] = await Promise.all([a, b, c].map((id) => op.ok('GET', `/offers/${id}`)));
    expect(first).toMatchObject({ productName, servers: { 2010: 'Asia', 2011: 'Europe West' } });
    expect(second).toMatchObject({ productId: first.productId, servers: {} });
    expect(await op.ok('GET', `/products/${first.productId}`)).toMatchObject({
      name: productName, category: 'Top Up', platformCode: 'mobile', regionCode: 'GLB', regionName: 'Global', excludedCountryCodes: ['BY', 'RU'],
    });
    expect(third.productId).toBe(byId.id);
    expect(await op.ok('GET', `/products/${byId.id}`)).toMatchObject({ category: 'Gift Card', platformName: 'Steam', regionCode: 'US' });
    // A refused row changed nothing: not its offer, not its product, not a product it would have made.
    for (const id of [d, e]) expectError(await op.call('GET', `/offers/${id}`), 404, 'OFFER_NOT_FOUND');
    expect((await op.ok('GET', `/products/${first.productId}`)).excludedCountryCodes).toEqual(['BY', 'RU']);
    expect((await op.ok('GET', `/products?q=New ${tag}`)).products).toEqual([]);

    // Merchants read it all on the offer.
    const api = merchantClient(hub, (await op.merchant()).token);
    expect((await api('/offers/find-one', { offerId: a, countryCode: 'by' })).body).toMatchObject({
      productName, platformCode: 'mobile', regionName: 'Global', excludedCountryCodes: ['BY', 'RU'], countryCompatibility: 'blocked', isRequiredGameServerId: true,
    });
    expect((await api('/partner/product-offer/servers', { offerId: a })).body).toEqual({ 2010: 'Asia', 2011: 'Europe West' });
  });

  it('keys: listed without their text; a reveal shows one and writes the audit in the same transaction', async () => {
    const keys = keysFor('REVEAL', 3);
    const offer = await op.offer({ price: '1.00', currency: 'USD' }, keys);
    const page = await op.ok('GET', `/offers/${offer.id}/keys?limit=2`);
    expect(page.keys).toHaveLength(2);
    const all = [...page.keys, ...(await op.ok('GET', `/offers/${offer.id}/keys?before=${page.nextBefore}`)).keys];
    expect(all.map((k: { orderId: null }) => k.orderId)).toEqual([null, null, null]);
    for (const key of keys) expect(JSON.stringify(all)).not.toContain(key);
    const oldest = all.at(-1).id;
    expect(await op.ok('POST', `/stock-keys/${oldest}/reveal`)).toEqual({ keyId: oldest, offerId: offer.id, key: keys[0] });
    const audit = await op.ok('GET', '/key-reveals?limit=500');
    expect(audit.reveals.find((r: { stockKeyId: number }) => r.stockKeyId === oldest)).toMatchObject({ actor: 'operator', orderId: null });
    expectError(await op.call('POST', `/stock-keys/${Number.MAX_SAFE_INTEGER}/reveal`), 404, 'KEY_NOT_FOUND');
    await expect(db.query('DELETE FROM key_reveals')).rejects.toThrow(/append-only/);
  });

  it("offer access per merchant: stopping one merchant on an offer for all lists the others", async () => {
    const [a, b] = [await op.merchant(undefined, '10.00'), await op.merchant(undefined, '10.00')];
    const offer = await op.offer({ price: '1.00', currency: 'USD' }, keysFor('ACL', 2));
    const stopped = await op.ok('PUT', `/offers/${offer.id}/access/${a.merchantId}`, { allowed: false });
    expect(stopped.merchants).toContain(b.merchantId);
    expect(stopped.merchants).not.toContain(a.merchantId);
    expectError(await merchantClient(hub, a.token)('/offers/find-one', { offerId: offer.id }), 404, 'OFFER_NOT_FOUND');
    expect((await merchantClient(hub, b.token)('/offers/find-one', { offerId: offer.id })).status).toBe(200);
    const view = await op.ok('GET', `/merchants/${a.merchantId}/offer-access`);
    expect(view.offers.find((o: { offerId: number }) => o.offerId === offer.id)).toMatchObject({ allowed: false, visibleToAll: false });
    await op.ok('PUT', `/offers/${offer.id}/access/${a.merchantId}`, { allowed: true });
    expect((await merchantClient(hub, a.token)('/offers/find-one', { offerId: offer.id })).status).toBe(200);
  });

  it('dashboard: the last 24 hours, waiting orders, low stock and low balances', async () => {
    // A deployment of its own: the shared database's other merchants would crowd the low-balance list.
    const own = await startIsolatedHub();
    try {
      const dop = operator(own);
      const shop = await dop.merchant(undefined, '5.00');
      const offer = await dop.offer({ price: '1.00', currency: 'USD' }, keysFor('DASH', 2));
      await merchantClient(own, shop.token)('/offers/create-order', { offerId: offer.id, price: 1, transactionId: `dash-${randomBytes(3).toString('hex')}` });
      const dashboard = await dop.ok('GET', '/dashboard');
      expect(dashboard.last24h).toMatchObject({ orders: 1, completed: 1, revenueUsd: '1.00' });
      expect(dashboard.last24h.perHour).toHaveLength(1);
      expect(dashboard.lowStock).toEqual([expect.objectContaining({ offerId: offer.id, available: 1 })]);
      expect(dashboard.lowBalances).toEqual([expect.objectContaining({ merchantId: shop.merchantId, balance: '4.00' })]);
      expect(dashboard).toMatchObject({ waitingOnSuppliers: 0, inReview: 0 });
    } finally {
      await own.stop();
    }
  });
});
