/**
 * The pricing pages in a real browser against a real hub and a GamesDrop simulator: the operator
 * pages through the pricing rules, edits one (its offer is repriced), adds and deletes another;
 * then reads the margins of a completed supplier order by supplier and by day, and downloads
 * them as CSV.
 */
import { readFile } from 'node:fs/promises';
import { startGamesDropSimulator, type GamesDropSimulator } from '@dropgate/simulators';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, merchantClient, operator, startTestHub, type TestHub } from '../../server/test/support/hub.ts';
import { browserMissing, launchChromium, Pages, screenshot } from './support/browser.ts';

const TOKEN = 'browser-pricing-upstream';
let hub: TestHub;
let browser: Browser;
let pages: Pages;
let upstream: GamesDropSimulator;

beforeAll(async () => {
  if (browserMissing) return;
  upstream = await startGamesDropSimulator({ token: TOKEN, offers: [
    { offerId: 701, productName: 'Pricing Page Card', offerName: '10 USD', price: 9.5, currency: 'USD', category: 'Gift Card' },
  ] });
  [hub, browser] = await Promise.all([startTestHub({ DROPGATE_ORDER_WAIT_MS: '0' }), launchChromium()]);
  pages = new Pages(browser);
});
afterAll(async () => {
  await pages?.close();
  await browser?.close();
  await hub?.stop();
  await upstream?.stop();
});

async function signIn(page: Page): Promise<void> {
  await page.goto(`${hub.url}/`);
  await page.getByRole('tab', { name: 'Operator' }).click();
  await page.getByLabel('Operator token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
}

describe.skipIf(browserMissing)('the pricing pages', () => {
  it('pages through the rules, edits one (its offer repriced), adds and deletes another; shows margins and downloads them as CSV', { timeout: 180_000 }, async () => {
    const op = operator(hub);
    const supplier = await op.ok('POST', '/suppliers', { kind: 'gamesdrop', name: `Pricing upstream ${Date.now()}`, url: upstream.url, token: TOKEN });
    let sync = await op.ok('POST', `/suppliers/${supplier.id}/syncs`);
    while (sync.status === 'running') sync = await op.ok('GET', `/suppliers/${supplier.id}/syncs/${sync.id}`);
    expect(sync.status).toBe('applied');
    const { rule } = await op.ok('POST', '/pricing-rules', { supplierId: supplier.id, marginPercent: '20' });
    // Enough rules for a second page (product rules on products of their own).
    for (let i = 0; i < 50; i++) {
      const product = await op.ok('POST', '/products', { name: `Pricing page product ${Date.now()}-${i}` });
      await op.ok('POST', '/pricing-rules', { productId: product.id, marginPercent: String(i) });
    }
    const imported = await op.ok('POST', `/suppliers/${supplier.id}/catalog/import`, { search: 'Pricing Page Card' });
    const offerId = imported.firstOfferId;
    expect((await op.ok('GET', `/offers/${offerId}`)).price).toBe('11.40'); // 9.50 × 1.20
    const merchant = await op.merchant(undefined, '50.00');
    const bought = await merchantClient(hub, merchant.token)('/offers/create-order', { offerId, price: 11.4, transactionId: `pricing-page-${Date.now()}` });
    expect(bought.body.status).toBe('PROCESSING');
    await hub.running.hub.worker.runDue();
    expect((await op.order(bought.body.orderId)).status).toBe('COMPLETED');

    const page = await pages.open();
    await signIn(page);
    await page.getByRole('link', { name: 'Pricing rules' }).click();
    await page.getByRole('heading', { name: 'Pricing rules' }).waitFor();
    const rules = page.getByRole('table', { name: 'Pricing rules' });
    await rules.getByRole('row').nth(1).waitFor();
    const total = (await op.ok('GET', '/pricing-rules?limit=1')).total;
    expect(total).toBeGreaterThan(50);
    expect(await rules.getByRole('row').count()).toBe(51); // the header and a page of 50
    await page.getByRole('button', { name: 'Next' }).click();
    await page.waitForFunction((n) => document.querySelectorAll('table[aria-label="Pricing rules"] tbody tr').length === n, Math.min(total - 50, 50));

    // The supplier's rule is on the first page (rules are in id order, and it is older than the 50).
    await page.getByRole('button', { name: 'First' }).click();
    await page.getByRole('button', { name: `Edit rule ${rule.id}`, exact: true }).click();
    await page.getByLabel('New margin %').fill('25');
    await page.getByRole('button', { name: 'Save rule' }).click();
    await rules.getByRole('row').filter({ hasText: supplier.name }).getByRole('cell', { name: '25 %', exact: true }).waitFor();
    expect((await op.ok('GET', `/offers/${offerId}`)).price).toBe('11.88'); // 9.50 × 1.25 = 11.875, half-up
    await screenshot(page, 'console-pricing-rules');

    await page.getByLabel('Scope').selectOption('category');
    await page.getByRole('combobox', { name: /^Supplier/ }).selectOption(String(supplier.id));
    await page.getByLabel('Category', { exact: true }).fill('Gift Card');
    await page.getByLabel('Margin %', { exact: true }).fill('30');
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByText('Saved: 1 offer repriced').waitFor();
    expect((await op.ok('GET', `/offers/${offerId}`)).price).toBe('12.35'); // the category's rule: 9.50 × 1.30
    const added = (await op.ok('GET', `/pricing-rules?supplierId=${supplier.id}`)).rules.find((r: any) => r.scope === 'category');
    await page.getByRole('button', { name: 'Next' }).click(); // the list is back on its first page; the new rule is the last
    await page.getByRole('button', { name: `Delete rule ${added.id}`, exact: true }).click(); // confirm() is accepted
    await page.getByRole('button', { name: `Delete rule ${added.id}`, exact: true }).waitFor({ state: 'detached' });
    expect((await op.ok('GET', `/offers/${offerId}`)).price).toBe('11.88');

    await page.getByRole('link', { name: 'Margins' }).click();
    await page.getByRole('heading', { name: 'Margins' }).waitFor();
    const margins = page.getByRole('table', { name: 'Margins' });
    const row = margins.getByRole('row').filter({ has: page.getByRole('cell', { name: String(supplier.id), exact: true }) });
    await row.waitFor();
    expect((await row.innerText()).split('\t')).toEqual([String(supplier.id), supplier.name, '1', '11.40', '9.50', '1.90']);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('dropgate-margins-by-supplier.csv');
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv).toMatch(/^key,orders,revenueUsd,costUsd,marginUsd\r\n/);
    expect(csv).toContain(`\r\n${supplier.id},1,11.40,9.50,1.90\r\n`);

    const today = new Date().toISOString().slice(0, 10);
    await page.getByLabel('Group by').selectOption('day');
    await page.getByLabel('From').fill(today);
    await page.getByLabel('To').fill(today);
    await page.getByRole('button', { name: 'Show' }).click();
    await margins.getByRole('columnheader', { name: 'Day (UTC)' }).waitFor();
    await margins.getByRole('cell', { name: today, exact: true }).waitFor();
    expect(await margins.getByRole('row').count()).toBe(2);
    const [byDay] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    expect(byDay.suggestedFilename()).toBe('dropgate-margins-by-day.csv');
    expect(await readFile((await byDay.path())!, 'utf8')).toMatch(new RegExp(`\\r\\n${today},\\d+,`));
    await screenshot(page, 'console-margins');
  });
});
