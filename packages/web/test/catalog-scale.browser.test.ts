/**
 * The console's catalog at 100,000 offers, in a real browser: a GamesDrop simulator's generated
 * catalog is synced and imported whole as own offers (on a database of this file's own, so the
 * other suites' catalogs stay small), then the operator pages through the Catalog page, searches
 * it by name and by id, and opens a product with its offers. The figures line says how long the
 * page took to show each step; nothing here is timed as a pass or fail.
 */
import { startGamesDropSimulator, type GamesDropSimulator } from '@dropgate/simulators';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isolatedDatabase, type IsolatedDatabase } from '../../server/test/support/db.ts';
import { ADMIN_TOKEN, operator, startTestHub, type TestHub } from '../../server/test/support/hub.ts';
import { browserMissing, launchChromium, Pages, signInAsOperator } from './support/browser.ts';

const OFFERS = 100_000;
let database: IsolatedDatabase;
let hub: TestHub;
let browser: Browser;
let pages: Pages;
let upstream: GamesDropSimulator;

beforeAll(async () => {
  if (browserMissing) return;
  database = await isolatedDatabase();
  upstream = await startGamesDropSimulator({ token: 'scale-upstream', offers: [], generatedOffers: OFFERS });
  [hub, browser] = await Promise.all([startTestHub({ DATABASE_URL: database.url }), launchChromium()]);
  pages = new Pages(browser);
}, 120_000);
afterAll(async () => {
  await pages?.close();
  await browser?.close();
  await hub?.stop();
  await upstream?.stop();
  await database?.drop();
});

describe.skipIf(browserMissing)('the catalog page at 100,000 offers', () => {
  it('pages, searches by name and by id, and opens a product, over a whole imported upstream catalog', { timeout: 600_000 }, async () => {
    const op = operator(hub);
    const supplier = await op.ok('POST', '/suppliers', { kind: 'gamesdrop', name: 'Scale upstream', url: upstream.url, token: 'scale-upstream', timeoutMs: 60_000 });
    const sync = await op.ok('POST', `/suppliers/${supplier.id}/syncs`, {});
    await vi.waitFor(async () => expect((await op.ok('GET', `/suppliers/${supplier.id}/syncs/${sync.id}`)).status).toBe('applied'), { timeout: 300_000, interval: 1000 });
    const imported = await op.ok('POST', `/suppliers/${supplier.id}/catalog/import`, { marginPercent: '5' });
    expect(imported.imported).toBe(OFFERS);

    const page = await pages.open();
    await signInAsOperator(page, hub.url, ADMIN_TOKEN);
    const offers = page.getByRole('table', { name: 'Offers' });
    const timed = async (step: () => Promise<unknown>) => {
      const started = performance.now();
      await step();
      return Math.round(performance.now() - started);
    };
    const firstRow = () => offers.getByRole('row').nth(1).innerText();

    const openMs = await timed(async () => {
      await page.getByRole('link', { name: 'Catalog' }).click();
      await offers.getByRole('row').nth(50).waitFor();
    });
    expect(await offers.getByRole('row').count()).toBe(51); // the header and a page of 50
    // Ids in order: the sandbox offer (999), then the imported ones.
    expect(await firstRow()).toMatch(/^999\t/);
    await offers.getByRole('link', { name: String(imported.firstOfferId), exact: true }).waitFor();

    const nextMs = await timed(async () => {
      await page.getByRole('button', { name: 'Next' }).click();
      await offers.getByRole('link', { name: String(imported.firstOfferId + 49), exact: true }).waitFor();
    });
    expect(await offers.getByRole('row').count()).toBe(51);
    expect(await firstRow()).toMatch(new RegExp(`^${imported.firstOfferId + 49}\t`));

    // Generated product 4,322 is "Mobile Legends 541", with five offers; no other name contains that.
    const byNameMs = await timed(async () => {
      await page.getByLabel('Search offers').fill('mobile legends 541');
      await page.getByRole('button', { name: 'Search' }).click();
      await offers.getByRole('link', { name: 'Mobile Legends 541', exact: true }).first().waitFor();
    });
    await vi.waitFor(async () => expect(await offers.getByRole('row').count()).toBe(6));
    expect(await offers.getByRole('link', { name: 'Mobile Legends 541', exact: true }).count()).toBe(5);
    expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);

    const lastId = imported.lastOfferId as number;
    const byIdMs = await timed(async () => {
      await page.getByLabel('Search offers').fill(String(lastId));
      await page.getByRole('button', { name: 'Search' }).click();
      await offers.getByRole('link', { name: String(lastId), exact: true }).waitFor();
    });
    await vi.waitFor(async () => expect(await offers.getByRole('row').count()).toBe(2));

    const productMs = await timed(async () => {
      await offers.getByRole('row').nth(1).getByRole('link').nth(1).click();
      await page.getByRole('table', { name: 'Offers of the product' }).getByRole('link', { name: String(lastId), exact: true }).waitFor();
    });
    expect(await page.getByRole('table', { name: 'Offers of the product' }).getByRole('row').count()).toBe(6);
    console.log(`figures: catalog page at ${OFFERS} offers: open ${openMs} ms, next page ${nextMs} ms, search by name ${byNameMs} ms, by id ${byIdMs} ms, a product's offers ${productMs} ms`);
  });
});
