/**
 * Pricing rules stored per supplier, category and product, over HTTP against a GamesDrop
 * simulator upstream: the most specific rule prices an import; changing or deleting a rule
 * reprices the offers it governs (history, the old price refused, the order's snapshot kept,
 * the feed's updatedSince, find-one's cache); an FX rate set reprices the offers whose cost or
 * sale currency it is; the below-cost flag per offer. On a database of its own: the FX rates
 * moved here would move other files' offers.
 */
import { startGamesDropSimulator, type GamesDropSimulator } from '@dropgate/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './support/expect.ts';
import { merchantClient, operator, useIsolatedHub } from './support/hub.ts';

const GD_TOKEN = 'gd-pricing-rules-token';
let gd: GamesDropSimulator;

beforeAll(async () => {
  gd = await startGamesDropSimulator({ token: GD_TOKEN, offers: [
    { offerId: 601, productName: 'Rule Card', offerName: '10 USD', price: 10, currency: 'USD', category: 'Gift Card' },
    { offerId: 602, productName: 'Rule Voucher', offerName: '10 USD', price: 10, currency: 'USD', category: 'Gift Card' },
    { offerId: 603, productName: 'Rule Gems', offerName: '100 gems', price: 10, currency: 'USD', category: 'Top Up' },
    { offerId: 604, productName: 'Rule Rubles', offerName: '1000 RUB', price: 1000, currency: 'RUB', category: 'Top Up' },
  ] });
});
afterAll(async () => {
  await gd?.stop();
});

const hub = useIsolatedHub({ DROPGATE_ORDER_WAIT_MS: '0' });
const op = operator(hub);

async function syncedSupplier(): Promise<number> {
  const supplierId = (await op.ok('POST', '/suppliers', { kind: 'gamesdrop', name: `rules-${Math.random().toString(36).slice(2)}`, url: gd.url, token: GD_TOKEN })).id;
  const started = await op.ok('POST', `/suppliers/${supplierId}/syncs`);
  for (;;) {
    const current = await op.ok('GET', `/suppliers/${supplierId}/syncs/${started.id}`);
    if (current.status !== 'running') {
      expect(current.status).toBe('applied');
      return supplierId;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The offers an import made, by upstream id. */
async function importedBySource(supplierId: number, result: { firstOfferId: number; lastOfferId: number }): Promise<Map<string, number>> {
  const byUpstream = new Map<string, number>();
  for (let id = result.firstOfferId; id <= result.lastOfferId; id += 1) {
    const [source] = (await op.ok('GET', `/offers/${id}/sources`)).sources;
    byUpstream.set(source.supplierProductId, id);
  }
  return byUpstream;
}

const price = async (offerId: number) => (await op.ok('GET', `/offers/${offerId}`)).price;
const history = async (offerId: number) => (await op.ok('GET', `/offers/${offerId}/price-history`)).prices;

describe('the most specific rule wins', () => {
  let supplierId: number;
  let productId: number;
  let offers: Map<string, number>;

  beforeAll(async () => {
    supplierId = await syncedSupplier();
    productId = (await op.ok('POST', '/products', { name: 'Rule Card' })).id;
  });

  it('an import with no rule given refuses when no stored rule applies, and changes nothing', async () => {
    expectError(await op.call('POST', `/suppliers/${supplierId}/catalog/import`, { search: 'Rule' }), 400, 'INVALID_REQUEST_BODY', 'marginPercent');
    expect((await op.ok('GET', '/offers')).offers.filter((o: any) => o.productName.startsWith('Rule'))).toEqual([]);
  });

  it('prices each imported offer by its product rule, else its category rule, else its supplier rule', async () => {
    const supplierRule = await op.ok('POST', '/pricing-rules', { supplierId, marginPercent: '10' });
    expect(supplierRule).toMatchObject({ rule: { scope: 'supplier', supplierId, category: null, productId: null, marginPercent: '10', fixed: '0.00', rounding: 'cent' }, repriced: 0 });
    const categoryRule = await op.ok('POST', '/pricing-rules', { supplierId, category: 'gift card', marginPercent: '20' });
    expect(categoryRule.rule).toMatchObject({ scope: 'category', category: 'gift card' });
    const productRule = await op.ok('POST', '/pricing-rules', { productId, marginPercent: '30', fixed: '0.49', rounding: 'ninety-nine' });
    expect(productRule.rule).toMatchObject({ scope: 'product', supplierId: null, productId, fixed: '0.49', rounding: 'ninety-nine' });

    // No currency given: each offer is sold in its cost's (604 in RUB, which needs no rate).
    const imported = await op.ok('POST', `/suppliers/${supplierId}/catalog/import`, { search: 'Rule' });
    expect(imported.imported).toBe(4);
    offers = await importedBySource(supplierId, imported);
    expect(await price(offers.get('601')!)).toBe('13.99'); // product rule: 10.00 × 1.30 + 0.49 = 13.49 → .99
    expect(await price(offers.get('602')!)).toBe('12.00'); // category rule (any case): 10.00 × 1.20
    expect(await price(offers.get('603')!)).toBe('11.00'); // supplier rule: 10.00 × 1.10
    expect(await price(offers.get('604')!)).toBe('1100.00'); // supplier rule, in roubles
    expect((await op.ok('GET', `/pricing-rules?supplierId=${supplierId}`)).rules.map((r: any) => r.scope)).toEqual(['supplier', 'category']);
  }, 60_000);

  it('refuses a second rule for the same scope, a rule with no scope or two, and an unknown rule', async () => {
    expectError(await op.call('POST', '/pricing-rules', { supplierId, category: 'GIFT CARD', marginPercent: '5' }), 409, 'PRICING_RULE_EXISTS');
    expectError(await op.call('POST', '/pricing-rules', { productId, marginPercent: '5' }), 409, 'PRICING_RULE_EXISTS');
    expectError(await op.call('POST', '/pricing-rules', { marginPercent: '5' }), 400, 'INVALID_REQUEST_BODY', 'supplierId');
    expectError(await op.call('POST', '/pricing-rules', { supplierId, productId, marginPercent: '5' }), 400, 'INVALID_REQUEST_BODY', 'productId');
    expectError(await op.call('POST', '/pricing-rules', { supplierId: 999_999, marginPercent: '5' }), 404, 'SUPPLIER_NOT_FOUND');
    expectError(await op.call('POST', '/pricing-rules', { productId: 999_999, marginPercent: '5' }), 404, 'PRODUCT_NOT_FOUND');
    expectError(await op.call('POST', '/pricing-rules', { supplierId, category: 'Top Up', marginPercent: '-100' }), 400, 'INVALID_REQUEST_BODY', 'marginPercent');
    expectError(await op.call('PUT', '/pricing-rules/999999', { marginPercent: '5' }), 404, 'PRICING_RULE_NOT_FOUND');
    expectError(await op.call('DELETE', '/pricing-rules/999999'), 404, 'PRICING_RULE_NOT_FOUND');
  });

  it('a rule changed reprices the offers it governs in its transaction: history, the old price refused, the order kept, updatedSince, find-one', async () => {
    const voucher = offers.get('602')!;
    const merchant = await op.merchant(undefined, '100.00');
    const api = merchantClient(hub, merchant.token);
    const before = await api('/offers/create-order', { offerId: voucher, price: 12, transactionId: `rule-before-${Date.now()}` });
    expect(before.status).toBe(200);
    expect((await api('/offers/find-one', { offerId: voucher })).body.price).toBe(12); // now in the cache
    const since = new Date().toISOString();
    const rule = (await op.ok('GET', `/pricing-rules?supplierId=${supplierId}`)).rules.find((r: any) => r.scope === 'category');

    const changed = await op.ok('PUT', `/pricing-rules/${rule.id}`, { marginPercent: '25', rounding: 'unit' });
    expect(changed).toMatchObject({ rule: { id: rule.id, scope: 'category', marginPercent: '25', rounding: 'unit' }, repriced: 1 });
    expect(await price(voucher)).toBe('13.00'); // 10.00 × 1.25 = 12.50 → a whole unit
    expect(await price(offers.get('601')!)).toBe('13.99'); // its product rule is more specific
    expect(await price(offers.get('603')!)).toBe('11.00'); // not in the category
    expect(await history(voucher)).toEqual([
      { price: '13.00', currency: 'USD', reason: `rule changed (pricing rule ${rule.id}, category)`, changedAt: expect.any(String) },
    ]);
    expectError(await api('/offers/create-order', { offerId: voucher, price: 12, transactionId: `rule-old-${Date.now()}` }), 409, 'WRONG_PRICE');
    expect((await op.order(before.body.orderId)).price).toBe('12.00');
    expect((await api('/offers/find-one', { offerId: voucher })).body.price).toBe(13);
    const feed = await api('/offers/sync', { updatedSince: since, limit: 100 });
    expect(feed.body.rows.map((r: any) => [r.offerId, r.price])).toEqual([[voucher, 13]]);
    const audit = (await op.ok('GET', `/audit-log?action=pricing-rule.update`)).entries;
    expect(audit[0]).toMatchObject({ action: 'pricing-rule.update', targetType: 'pricing-rule', targetId: String(rule.id) });
    expect(audit[0].before).toMatchObject({ marginPercent: '20', rounding: 'cent' });
    expect(audit[0].after).toMatchObject({ marginPercent: '25', rounding: 'unit', repriced: 1 });

    // Deleted, the category's offers follow the supplier's rule.
    expect(await op.ok('DELETE', `/pricing-rules/${rule.id}`)).toEqual({ id: rule.id, repriced: 1 });
    expect(await price(voucher)).toBe('11.00');
    expect((await history(voucher)).map((h: any) => h.price)).toEqual(['13.00', '11.00']);
    expectError(await op.call('GET', `/pricing-rules/${rule.id}`), 404, 'PRICING_RULE_NOT_FOUND');
  });

  it("a product rule changed reprices that product's offers only", async () => {
    const rule = (await op.ok('GET', '/pricing-rules')).rules.find((r: any) => r.productId === productId);
    expect(await op.ok('PUT', `/pricing-rules/${rule.id}`, { marginPercent: '40' })).toMatchObject({ repriced: 1 });
    expect(await price(offers.get('601')!)).toBe('14.00');
    expect(await price(offers.get('603')!)).toBe('11.00');
    // Whichever supplier it buys from: another supplier's import of the product follows it too.
    const other = await syncedSupplier();
    const card = await op.ok('POST', `/suppliers/${other}/catalog/import`, { search: 'Rule Card' });
    expect(await price(card.firstOfferId)).toBe('14.00');
  });

  it('an import with a rule given keeps it as its own: stored rules changed later do not move it', async () => {
    const other = await syncedSupplier();
    await op.ok('POST', '/pricing-rules', { supplierId: other, marginPercent: '50' });
    const imported = await op.ok('POST', `/suppliers/${other}/catalog/import`, { search: 'Rule Gems', marginPercent: '5' });
    expect(await price(imported.firstOfferId)).toBe('10.50');
    const stored = (await op.ok('GET', `/pricing-rules?supplierId=${other}`)).rules[0];
    expect(await op.ok('PUT', `/pricing-rules/${stored.id}`, { marginPercent: '60' })).toMatchObject({ repriced: 0 });
    expect(await price(imported.firstOfferId)).toBe('10.50');
  });
});

describe('repricing on an FX move', () => {
  it('an FX rate set reprices, in its transaction, the offers priced from a cost in that currency or sold in it', async () => {
    const supplierId = await syncedSupplier();
    await op.ok('POST', '/pricing-rules', { supplierId, marginPercent: '10' });
    await op.rate('RUB', '0.0108');
    const fromRubles = await op.ok('POST', `/suppliers/${supplierId}/catalog/import`, { search: 'Rule Rubles', currency: 'USD' });
    const rubleCost = fromRubles.firstOfferId;
    expect(await price(rubleCost)).toBe('11.88'); // 100000 kopecks × 0.0108 = 1080 cents × 1.10
    const other = await syncedSupplier();
    await op.ok('POST', '/pricing-rules', { supplierId: other, marginPercent: '10' });
    const inRubles = await op.ok('POST', `/suppliers/${other}/catalog/import`, { search: 'Rule Gems', currency: 'RUB' });
    const rubleSale = inRubles.firstOfferId;
    expect(await price(rubleSale)).toBe('1018.52'); // 1000 cents ÷ 0.0108 × 1.10 = 101851.85 kopecks
    const inDollars = await op.ok('POST', `/suppliers/${other}/catalog/import`, { search: 'Rule Voucher', currency: 'USD' });
    const merchant = await op.merchant(undefined, '100.00');
    const api = merchantClient(hub, merchant.token);
    const before = await api('/offers/create-order', { offerId: rubleCost, price: 11.88, transactionId: `fx-before-${Date.now()}` });
    expect(before.status).toBe(200);
    const since = new Date().toISOString();

    await op.rate('RUB', '0.012');
    expect(await price(rubleCost)).toBe('13.20'); // 100000 × 0.012 = 1200 cents × 1.10
    expect(await price(rubleSale)).toBe('916.67'); // 1000 ÷ 0.012 × 1.10 = 91666.67 kopecks
    expect(await price(inDollars.firstOfferId)).toBe('11.00'); // USD to USD: no rate in it
    expect(await history(rubleCost)).toEqual([{ price: '13.20', currency: 'USD', reason: 'fx moved (RUB at 0.012 USD)', changedAt: expect.any(String) }]);
    expect((await history(rubleSale)).map((h: any) => h.reason)).toEqual(['fx moved (RUB at 0.012 USD)']);
    expect(await history(inDollars.firstOfferId)).toEqual([]);
    expectError(await api('/offers/create-order', { offerId: rubleCost, price: 11.88, transactionId: `fx-old-${Date.now()}` }), 409, 'WRONG_PRICE');
    expect((await op.order(before.body.orderId)).price).toBe('11.88');
    expect((await api('/offers/find-one', { offerId: rubleCost })).body.price).toBe(13.2);
    const feed = await api('/offers/sync', { updatedSince: since, limit: 100 });
    expect(feed.body.rows.map((r: any) => r.offerId).sort()).toEqual([rubleCost, rubleSale].sort());
  }, 60_000);
});

describe('below cost allowed per offer', () => {
  it('is off by default (the cost is the floor); on, the rule prices the offer under its cost; off again, back to the floor', async () => {
    const supplierId = await syncedSupplier();
    await op.ok('POST', '/pricing-rules', { supplierId, marginPercent: '-20' });
    const imported = await op.ok('POST', `/suppliers/${supplierId}/catalog/import`, { search: 'Rule Voucher', currency: 'USD' });
    const offerId = imported.firstOfferId;
    expect(await price(offerId)).toBe('10.00'); // 8.00 is under the cost of 10.00

    expect(await op.ok('PUT', `/offers/${offerId}/below-cost`, { allowed: true })).toEqual({
      offerId, supplierId, ownRule: false, allowBelowCost: true, price: '8.00', currency: 'USD',
    });
    expect(await history(offerId)).toEqual([{ price: '8.00', currency: 'USD', reason: 'below cost allowed', changedAt: expect.any(String) }]);
    expect((await op.ok('GET', '/audit-log?action=offer.below-cost')).entries[0]).toMatchObject({ targetId: String(offerId), before: { allowBelowCost: false }, after: { allowBelowCost: true } });
    // The flag holds for the rule as it changes.
    const rule = (await op.ok('GET', `/pricing-rules?supplierId=${supplierId}`)).rules[0];
    await op.ok('PUT', `/pricing-rules/${rule.id}`, { marginPercent: '-30' });
    expect(await price(offerId)).toBe('7.00');

    expect((await op.ok('PUT', `/offers/${offerId}/below-cost`, { allowed: false })).price).toBe('10.00');
    expect((await history(offerId)).map((h: any) => h.reason)).toEqual(['below cost allowed', `rule changed (pricing rule ${rule.id}, supplier)`, 'below cost no longer allowed']);
    const byHand = await op.offer({ price: '5.00', currency: 'USD' });
    expectError(await op.call('PUT', `/offers/${byHand.id}/below-cost`, { allowed: true }), 400, 'INVALID_REQUEST_BODY', 'offerId');
  });
});

describe('repricings at once', () => {
  it('a rule changed, a rate set and a sync moving the cost, in parallel, leave the price their final values give', async () => {
    const supplierId = await syncedSupplier();
    const { rule } = await op.ok('POST', '/pricing-rules', { supplierId, marginPercent: '10' });
    await op.rate('RUB', '0.012');
    const imported = await op.ok('POST', `/suppliers/${supplierId}/catalog/import`, { search: 'Rule Rubles', currency: 'USD' });
    const offerId = imported.firstOfferId;
    expect(await price(offerId)).toBe('13.20');

    gd.changeOffer(604, { price: 1100 });
    try {
      const syncing = (async () => {
        const started = await op.ok('POST', `/suppliers/${supplierId}/syncs`);
        for (let sync = started; ; sync = await op.ok('GET', `/suppliers/${supplierId}/syncs/${started.id}`)) {
          if (sync.status !== 'running') return sync;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      const [sync] = await Promise.all([
        syncing,
        op.ok('PUT', `/pricing-rules/${rule.id}`, { marginPercent: '20' }),
        op.rate('RUB', '0.0125'),
      ]);
      expect(sync).toMatchObject({ status: 'applied', changed: 1 });
    } finally {
      gd.changeOffer(604, { price: 1000 });
    }
    // 110000 kopecks × 0.0125 = 1375 cents × 1.20 = 16.50, whichever order they committed in.
    expect(await price(offerId)).toBe('16.50');
    expect((await history(offerId)).at(-1)).toMatchObject({ price: '16.50' });
    expect((await op.ok('GET', `/offers/${offerId}/sources`)).sources[0]).toMatchObject({ cost: '1100.00', costCurrency: 'RUB' });
  });
});
