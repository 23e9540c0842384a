/**
 * The read caches across instances: two hubs on one database, each caching tokens and offers.
 * A rotation or price change on one must reach the other through the change feed.
 */
import { describe, expect, it } from 'vitest';
import { keysFor, merchantClient, operator, useTestHub } from './support/hub.ts';
import { eventually } from './support/wait.ts';

const first = useTestHub();
const second = useTestHub();

describe('caches across instances', () => {
  it('a token rotated on one hub stops working on the other', async () => {
    const shop = await operator(first).merchant();
    const onSecond = (token: string) => merchantClient(second, token)('/balance');
    expect((await onSecond(shop.token)).status).toBe(200); // now cached on the second hub
    const { token } = await operator(first).ok('POST', `/shops/${shop.shopId}/rotate-token`);
    expect((await merchantClient(first, shop.token)('/balance')).status).toBe(401); // at once where rotated
    expect(await eventually(async () => (await onSecond(shop.token)).status === 401)).toBe(true);
    expect((await onSecond(token)).status).toBe(200);
  });

  it("an offer's new price and access show on the other hub's find-one", async () => {
    const op = operator(first);
    const shop = await op.merchant();
    const offer = await op.offer({ price: '1.00', currency: 'USD' }, keysFor('c', 1));
    const findOne = () => merchantClient(second, shop.token)('/offers/find-one', { offerId: offer.id });
    expect((await findOne()).body.price).toBe(1); // cached on the second hub
    await op.ok('PUT', `/offers/${offer.id}`, { productName: 'Test Product', offerName: 'Repriced', price: '2.50', currency: 'USD' });
    expect(await eventually(async () => (await findOne()).body.price === 2.5)).toBe(true);
    const other = await op.merchant();
    await op.ok('PUT', `/offers/${offer.id}`, { productName: 'Test Product', offerName: 'Repriced', price: '2.50', currency: 'USD', merchants: [other.merchantId] });
    expect(await eventually(async () => (await findOne()).status === 404)).toBe(true);
  });
});
