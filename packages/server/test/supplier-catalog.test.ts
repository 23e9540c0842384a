/**
 * A supplier's own catalog, read through its adapter over real HTTP: the GamesDrop adapter pulls a
 * simulated upstream's whole feed page by page (1000 rows each) and translates every row.
 */
import { startGamesDropSimulator, type GamesDropSimulator } from '@dropgate/simulators';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SupplierConfig, UpstreamOffer } from '../src/modules/suppliers/index.ts';
import { createAdapter } from '../src/supplier-adapters/index.ts';

const GENERATED = 3200;
let sim: GamesDropSimulator;

beforeAll(async () => {
  sim = await startGamesDropSimulator({
    token: 'gd-catalog-token',
    offers: [
      { offerId: 1001, productName: 'PUBG MOBILE GIFT', offerName: '60 UC', price: 560.1, currency: 'RUB', productId: 15, category: 'Top Up', regionCode: 'GLB', regionName: 'Global' },
      {
        offerId: 1003, productName: 'Mobile Legends', offerName: '86 Diamonds', price: 1.5, currency: 'USD', keys: 0,
        platformCode: 'mobile', platformName: 'Mobile', regionalLimitations: 'Not in Belarus', excludedCountryCodes: ['BY', 'RU'], servers: { 2010: 'Asia' },
      },
    ],
    generatedOffers: GENERATED,
  });
});
afterEach(() => sim.clearFaults());
afterAll(() => sim?.stop());

function supplier(kind: SupplierConfig['kind'] = 'gamesdrop'): SupplierConfig {
  return { id: 1, kind, name: 'upstream', baseUrl: sim.url, token: 'gd-catalog-token', timeoutMs: 10_000, statusIntervalS: 120, statusAttempts: 100 };
}

async function readCatalog(): Promise<UpstreamOffer[]> {
  const catalog = createAdapter(supplier(), { starsLimiter: undefined }).catalog;
  if (!catalog) return expect.fail('the GamesDrop adapter reads catalogs');
  const offers: UpstreamOffer[] = [];
  for await (const offer of catalog()) {
    if ('soldOut' in offer) return expect.fail('a GamesDrop feed lists every offer in full');
    offers.push(offer);
  }
  return offers;
}

describe('a GamesDrop supplier\'s catalog', () => {
  it('is every offer of the upstream, read in pages of 1000, with its product, cost in minor units and requirements', async () => {
    const before = sim.calls.sync;
    const offers = await readCatalog();
    expect(sim.calls.sync - before).toBe(4); // 3202 offers: three full pages and a short one
    expect(offers).toHaveLength(GENERATED + 2);
    expect(new Set(offers.map((o) => o.supplierProductId)).size).toBe(GENERATED + 2);
    expect(offers.slice(0, 2)).toEqual([
      {
        supplierProductId: '1001', upstreamProductId: '15', productName: 'PUBG MOBILE GIFT', offerName: '60 UC', category: 'Top Up',
        platformCode: null, platformName: null, regionCode: 'GLB', regionName: 'Global', regionalLimitations: null, excludedCountryCodes: [],
        cost: 56010, costCurrency: 'RUB', inStock: true, requiresGameUserId: false, requiresGameServerId: false, returnsKey: true,
      },
      {
        supplierProductId: '1003', upstreamProductId: '2', productName: 'Mobile Legends', offerName: '86 Diamonds', category: null,
        platformCode: 'mobile', platformName: 'Mobile', regionCode: null, regionName: null, regionalLimitations: 'Not in Belarus', excludedCountryCodes: ['BY', 'RU'],
        cost: 150, costCurrency: 'USD', inStock: false, requiresGameUserId: false, requiresGameServerId: true, returnsKey: true,
      },
    ]);
    // Every generated offer as the upstream lists it, its price to the cent.
    const upstream = new Map(sim.catalog().map((o) => [String(o.offerId), o]));
    for (const offer of offers) {
      const listed = upstream.get(offer.supplierProductId)!;
      expect([offer.productName, offer.offerName, offer.cost, offer.costCurrency, offer.category])
        .toEqual([listed.productName, listed.offerName, Math.round(listed.price * 100), listed.currency, listed.category]);
    }
  });

  it('leaves out rows no source could buy: a Telegram Stars id, a price finer than a cent', async () => {
    const [row] = (await fetch(`${sim.url}/api/v1/offers/sync`, { method: 'POST', headers: { authorization: 'gd-catalog-token' }, body: '{"limit":1}' })
      .then((answer) => answer.json())).rows;
    const rows = [{ ...row, offerId: 'telegram_stars_50', offerGroupId: 'telegram_stars_50' }, { ...row, offerId: 7, price: 23.091 }, { ...row, offerId: 8 }];
    sim.setFault('all', { kind: 'garbage', body: JSON.stringify({ count: 3, rows }) });
    expect((await readCatalog()).map((o) => o.supplierProductId)).toEqual(['8']);
  });

  it('fails as the read fails: a wrong token is the upstream\'s INVALID_TOKEN', async () => {
    const adapter = createAdapter({ ...supplier(), token: 'wrong' }, { starsLimiter: undefined });
    await expect((async () => {
      for await (const _ of adapter.catalog!()) expect.fail('no offer without the token');
    })()).rejects.toMatchObject({ name: 'PartnerApiError', code: 'INVALID_TOKEN' });
  });

  it('is optional: the Telegram Stars provider has no catalog to read (CodeGames: upstream-catalog.test.ts)', () => {
    expect(createAdapter(supplier('telegram_stars'), { starsLimiter: undefined }).catalog).toBeUndefined();
  });
});
