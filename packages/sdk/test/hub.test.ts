/**
 * PartnerApiClient against the real hub (Dropgate's own Partner API, on the run's database):
 * the SDK's schemas and error handling agree with what the server actually answers.
 */
import { randomBytes } from 'node:crypto';
import { SyncRow } from '@dropgate/contract';
import { Value } from '@sinclair/typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keysFor, operator, startTestHub, type TestHub } from '../../server/test/support/hub.ts';
import { PartnerApiClient, type SyncOffer } from '../src/index.ts';
import { partnerApiError } from './support/outcome.ts';

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub?.stop());

describe('PartnerApiClient against the hub', () => {
  it('balance, findOne, createOrder, orderStatus, duplicate, and the extensions', async () => {
    const op = operator(hub);
    const name = `sdk-${randomBytes(3).toString('hex')}`;
    const { token, merchantId, shopId } = await op.merchant(name, '100.00');
    const keys = keysFor('sdk', 2);
    const offer = await op.offer({ price: '1.00', currency: 'USD' }, keys);
    const client = new PartnerApiClient({ baseUrl: hub.url, token, timeoutMs: 5000 });

    expect(await client.balance()).toEqual({
      balance: 100, draftBalance: 0, currency: { id: 3, code: 'USD' }, shopId, shopName: `${name}-shop`, partnerId: merchantId, isPostpaid: false, balanceProfile: 'FIAT',
    });
    expect(await client.findOne(offer.id)).toMatchObject({ offerId: offer.id, price: 1, currency: 'USD', count: 1 });

    const order = await client.createOrder({ offerId: offer.id, price: 1, transactionId: 'sdk-txn-1', customer: { email: 'a@example.com' } });
    expect(order).toMatchObject({ offerId: offer.id, status: 'COMPLETED', transactionId: 'sdk-txn-1', price: 1 });
    expect(keys).toContain(order.key);

    expect(await client.orderStatus({ orderId: order.orderId })).toEqual(order);
    expect(await client.orderStatus({ transactionId: 'sdk-txn-1' })).toEqual(order);

    const duplicate = await partnerApiError(client.createOrder({ offerId: offer.id, price: 1, transactionId: 'sdk-txn-1' }), 'TRANSACTION_DUPLICATE');
    expect(duplicate.httpStatus).toBe(409);
    expect(duplicate.details.orderId).toBe(order.orderId);

    expect((await client.balance()).balance).toBe(99);
    const { transactions, total } = await client.transactions({ page: 1, limit: 1 });
    expect(total).toBe(2);
    expect(transactions).toEqual([expect.objectContaining({ type: 'PURCHASE', amount: -1, balanceAfter: 99 })]);

    expect(await client.checkGameData({ offerId: offer.id, gameUserId: '52357322414' })).toEqual({ status: 'VALID', gameUserLogin: '52357322414' });

    await partnerApiError(client.cancelOrder(order.orderId, 'changed my mind'), 'ORDER_NOT_PROCESSING');
    const refund = await client.refundRequest(order.orderId, 'key did not work');
    expect(refund).toMatchObject({ orderId: order.orderId, status: 'COMPLETED' });
    expect(Number.isNaN(Date.parse(refund.refundRequestedAt))).toBe(false);
  });

  it('sync and syncAll read the catalog feed in the contract shape; servers lists an offer\'s servers', async () => {
    const op = operator(hub);
    const { token } = await op.merchant(undefined, '1.00');
    const client = new PartnerApiClient({ baseUrl: hub.url, token, timeoutMs: 5000 });
    // A product of this test's own: other files add offers to the same hub while this one pages.
    const productName = `SDK Feed ${randomBytes(4).toString('hex')}`;
    const offers = [];
    for (let i = 0; i < 5; i++) offers.push((await op.offer({ productName, price: '2.50', currency: 'USD' }, keysFor('feed', 1))).id);
    offers.sort((a, b) => a - b);
    await op.ok('PUT', `/offers/${offers[0]}/servers`, { servers: { 2010: 'Asia', 2011: 'Europe' } });

    const page = await client.sync({ search: productName, limit: 2, page: 3 });
    expect(page.count).toBe(5);
    expect(page.rows.map((row) => row.offerId)).toEqual([offers[4]]);
    expect(Value.Check(SyncRow, page.rows[0])).toBe(true); // the hub sends every field, Dropgate's extensions too
    expect(page.rows[0]).toMatchObject({ offerGroupId: offers[4], productName, price: 2.5, currency: 'USD', inStock: true, available: true });
    expect(await client.sync({ search: productName, limit: 2, page: 4 })).toEqual({ count: 5, rows: [] });

    const all: SyncOffer[] = [];
    for await (const row of client.syncAll({ search: productName, limit: 2 })) all.push(row);
    expect(all.map((row) => row.offerId)).toEqual(offers);
    expect(all[0]).toMatchObject({ isRequiredGameServerId: true });

    expect(await client.servers(offers[0]!)).toEqual({ 2010: 'Asia', 2011: 'Europe' });
    expect(await client.servers(offers[1]!)).toEqual({});
    await partnerApiError(client.servers(1_999_999_999), 'OFFER_NOT_FOUND');
  });

  it('hub errors arrive as PartnerApiError with their code, status and details', async () => {
    const { token } = await operator(hub).merchant(undefined, '1.00');
    const client = new PartnerApiClient({ baseUrl: hub.url, token });
    expect((await partnerApiError(client.findOne(1_999_999_999), 'OFFER_NOT_FOUND')).httpStatus).toBe(404);
    expect((await partnerApiError(client.orderStatus({ orderId: 1 }), 'ORDER_NOT_FOUND')).httpStatus).toBe(404);
    const invalid = await partnerApiError(client.createOrder({ offerId: 999, price: 23.091, transactionId: 'x' }), 'INVALID_REQUEST_BODY');
    expect(invalid.details.field).toBe('price');
    const stranger = new PartnerApiClient({ baseUrl: hub.url, token: '0'.repeat(32) });
    expect((await partnerApiError(stranger.balance(), 'INVALID_TOKEN')).httpStatus).toBe(401);
  });
});
