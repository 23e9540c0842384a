/**
 * The upstream catalog page in a real browser against a real hub and a GamesDrop simulator of
 * 20,000 offers: the operator opens a supplier's catalog, syncs it and follows the sync to its
 * end, pages through and searches the offers, meets a sync held by the broken-upstream guard and
 * discards it, and imports a filtered set as own offers.
 */
import { startGamesDropSimulator, type GamesDropSimulator } from '@dropgate/simulators';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADMIN_TOKEN, operator, startTestHub, type TestHub } from '../../server/test/support/hub.ts';
import { browserMissing, launchChromium, Pages, screenshot, signInAsOperator } from './support/browser.ts';

const OFFERS = 20_000;
let hub: TestHub;
let browser: Browser;
let pages: Pages;
let upstream: GamesDropSimulator;

beforeAll(async () => {
  if (browserMissing) return;
  upstream = await startGamesDropSimulator({ token: 'browser-upstream', offers: [
    { offerId: 601, productName: 'Browser Card', offerName: '10 USD', price: 9.5, currency: 'USD' },
    { offerId: 602, productName: 'Browser Card', offerName: '20 USD', price: 19, currency: 'USD' },
  ], generatedOffers: OFFERS - 2 });
  [hub, browser] = await Promise.all([startTestHub(), launchChromium()]);
  pages = new Pages(browser);
});
afterAll(async () => {
  await pages?.close();
  await browser?.close();
  await hub?.stop();
  await upstream?.stop();
});

describe.skipIf(browserMissing)('the upstream catalog page', () => {
  it('syncs, pages and searches 20,000 upstream offers, shows a held sync for discarding, imports a filtered set', { timeout: 300_000 }, async () => {
    const supplier = await operator(hub).ok('POST', '/suppliers', {
      kind: 'gamesdrop', name: `Browser upstream ${Date.now()}`, url: upstream.url, token: 'browser-upstream', catalogMaxMissingPercent: 10,
    });
    const page = await pages.open();
    await signInAsOperator(page, hub.url, ADMIN_TOKEN);
    await page.getByRole('link', { name: 'Suppliers' }).click();
    await page.getByRole('link', { name: supplier.name }).click();
    await page.getByRole('heading', { name: `Upstream catalog: ${supplier.name}` }).waitFor();
    await page.getByText('Never synced.').waitFor();

    await page.getByRole('button', { name: 'Sync now' }).click();
    // The sync runs in the hub's background and takes longer on a busy machine: the hub says when
    // it ended, then the page, which follows it on its own, must show it too.
    const lastSync = async () => (await operator(hub).ok('GET', `/suppliers/${supplier.id}/syncs`)).syncs[0]?.status;
    await vi.waitFor(async () => expect(await lastSync()).toMatch(/^(applied|failed)$/), { timeout: 150_000, interval: 500 });
    const syncs = page.getByRole('table', { name: 'Syncs' });
    await syncs.getByText(/^(applied|failed)$/).waitFor({ timeout: 30_000 });
    expect(await syncs.getByRole('row').nth(1).innerText()).toContain('applied');
    await syncs.getByRole('cell', { name: String(OFFERS), exact: true }).first().waitFor();

    const offers = page.getByRole('table', { name: 'Upstream offers' });
    await offers.getByRole('row').nth(50).waitFor();
    expect(await offers.getByRole('row').count()).toBe(51); // the header and a page of 50
    const firstPage = await offers.getByRole('row').nth(1).innerText();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.waitForFunction((text) => !document.querySelector('table[aria-label="Upstream offers"] tbody')?.textContent?.includes(text), firstPage.split('\t')[0]!);
    await page.getByLabel('Search the catalog').fill('Browser Card');
    await page.getByRole('button', { name: 'Search' }).click();
    await offers.getByRole('cell', { name: '20 USD' }).waitFor();
    expect(await offers.getByRole('row').count()).toBe(3);
    await screenshot(page, 'console-upstream-catalog');

    // The upstream now answers two offers: 99.99 % would go, so the sync is held and changes nothing.
    const two = await fetch(`${upstream.url}/api/v1/offers/sync`, { method: 'POST', headers: { authorization: 'browser-upstream' }, body: '{"search":"Browser"}' });
    upstream.setFault('all', { kind: 'garbage', body: await two.text() });
    try {
      await page.getByRole('button', { name: 'Sync now' }).click();
      await syncs.getByText('held').waitFor({ timeout: 30_000 });
    } finally {
      upstream.clearFaults();
    }
    await page.getByRole('button', { name: /^Discard sync \d+$/ }).click();
    await syncs.getByText('discarded').waitFor();
    expect((await operator(hub).ok('GET', `/suppliers/${supplier.id}/catalog`)).total).toBe(OFFERS);

    await page.getByLabel('Name contains').fill('Browser Card');
    await page.getByLabel('Margin %').fill('10');
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByText(/^Imported 2 offers: ids \d+ to \d+$/).waitFor();
  });
});
