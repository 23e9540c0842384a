/**
 * The back-office in a real browser against a real hub: the operator and a merchant, each in a
 * browser context of their own, walk the main flows end to end. The operator creates a merchant,
 * deposits, creates its shop and cabinet user, creates an offer, gives its product details and the
 * offer game servers (then takes them away), uploads keys, reveals one key;
 * the merchant signs in, rotates its token (shown once) and buys through the Partner API with it;
 * the operator finds the order by its transactionId and refunds it; the merchant sees the refund.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, merchantClient, operator, startTestHub, type TestHub } from '../../server/test/support/hub.ts';
import { answerNextPrompt, browserMissing, launchChromium, Pages, screenshot, secretOn, signInAsOperator } from './support/browser.ts';

let hub: TestHub;
let browser: Browser;
let pages: Pages;
const newPage = () => pages.open();
const secret = secretOn;

beforeAll(async () => {
  if (browserMissing) return;
  [hub, browser] = await Promise.all([startTestHub(), launchChromium()]);
  pages = new Pages(browser);
});
afterAll(async () => {
  await pages?.close();
  await browser?.close();
  await hub?.stop();
});

describe.skipIf(browserMissing)('back-office in the browser', () => {
  it('operator and merchant walk the main flows: merchant, deposit, keys, token, purchase, refund', { timeout: 180_000 }, async () => {
    const tag = randomBytes(3).toString('hex');
    const merchantName = `Acme ${tag}`;
    const email = `owner-${tag}@acme.example`;
    const offerId = randomInt(100_000, 2_000_000_000);
    const keys = [`ACME-${tag}-0001`, `ACME-${tag}-0002`, `ACME-${tag}-0003`];

    // ---- the operator signs in with the operator token ----
    const console = await newPage();
    await signInAsOperator(console, hub.url, ADMIN_TOKEN);

    // ---- a merchant, a deposit, a shop, a cabinet user ----
    await console.getByRole('link', { name: 'Merchants' }).click();
    await console.getByLabel('Name').fill(merchantName);
    await console.getByRole('button', { name: 'Create merchant' }).click();
    await console.getByRole('heading', { name: merchantName }).waitFor();
    const merchantId = Number(/\/console\/merchants\/(\d+)/.exec(console.url())![1]);

    await console.getByLabel('Amount (USD)').fill('50.00');
    await console.getByLabel('Description').fill('Wire 42');
    await console.getByRole('button', { name: 'Deposit' }).click();
    await console.getByText('Deposited; balance $50.00').waitFor();

    await console.getByLabel('Shop name').fill('Acme Web');
    await console.getByRole('button', { name: 'Create shop' }).click();
    await console.getByText('Token of Acme Web').waitFor();
    const firstToken = await secret(console);
    expect(firstToken).toMatch(/^[0-9a-f]{32}$/);

    // The shop's limits: an allowlist set from the shop's row refuses this machine, then is dropped.
    const shopRow = console.getByRole('row', { name: /Acme Web/ });
    await shopRow.getByText('60000 / 60 s').waitFor();
    answerNextPrompt(console, '10.0.0.0/8, 2001:db8::/32');
    await shopRow.getByRole('button', { name: 'Set allowlist' }).click();
    await shopRow.getByText('10.0.0.0/8, 2001:db8::/32').waitFor();
    expect((await merchantClient(hub, firstToken)('/balance')).body.error.code).toBe('IP_NOT_ALLOWED');
    answerNextPrompt(console, '');
    await shopRow.getByRole('button', { name: 'Set allowlist' }).click();
    await shopRow.getByText('any address').waitFor();

    await console.getByLabel('Email').fill(email);
    await console.getByRole('button', { name: 'Create user' }).click();
    await console.getByText(`First password for ${email}`).waitFor();
    const password = await secret(console);
    expect(password).toHaveLength(16);
    await console.getByRole('cell', { name: email }).waitFor();
    await screenshot(console, 'console-merchant');

    // ---- an offer and its keys ----
    await console.getByRole('link', { name: 'Catalog' }).click();
    await console.getByLabel('Offer id', { exact: true }).fill(String(offerId));
    await console.getByLabel('Product', { exact: true }).fill('Acme Gift Card');
    await console.getByLabel('Offer name', { exact: true }).fill('5 USD');
    await console.getByLabel('Price', { exact: true }).fill('2.50');
    await console.getByRole('button', { name: 'Save offer' }).click();
    await console.getByText(`Saved offer ${offerId}`).waitFor();
    // The catalog is paged: the new offer is found by its id.
    await console.getByLabel('Search offers').fill(String(offerId));
    await console.getByRole('button', { name: 'Search' }).click();
    await console.getByRole('table', { name: 'Offers' }).getByRole('cell', { name: '2.50 USD' }).waitFor();
    await screenshot(console, 'console-catalog');

    // ---- the offer's product gets its details; the offer gets game servers, then loses them ----
    await console.getByRole('link', { name: String(offerId), exact: true }).click();
    await console.getByRole('link', { name: 'Acme Gift Card', exact: true }).click();
    await console.getByRole('heading', { name: /^Product \d+: Acme Gift Card$/ }).waitFor();
    const productId = Number(/\/console\/products\/(\d+)/.exec(console.url())![1]);
    await console.getByLabel('Category', { exact: true }).fill('Gift Card');
    await console.getByLabel('Region code', { exact: true }).fill('US');
    await console.getByLabel('Region name', { exact: true }).fill('United States');
    await console.getByLabel('Not sold to (country codes)').fill('ru, BY');
    await console.getByRole('button', { name: 'Save product' }).click();
    await console.getByText('Saved', { exact: true }).waitFor();
    await console.getByRole('link', { name: 'Products', exact: true }).click();
    await console.getByLabel('Search by name').fill('acme gift');
    await console.getByRole('button', { name: 'Search' }).click();
    await console.getByRole('table', { name: 'Products' }).getByRole('cell', { name: 'BY, RU' }).first().waitFor();
    await screenshot(console, 'console-products');
    await console.getByRole('link', { name: String(productId), exact: true }).click();
    await console.getByRole('table', { name: 'Offers of the product' }).getByRole('link', { name: String(offerId), exact: true }).click();
    await console.getByLabel('Servers, one per line: id=name').fill('2010=Asia\n2011 = Europe West');
    await console.getByRole('button', { name: 'Save servers' }).click();
    await console.getByText('Saved: 2010 Asia, 2011 Europe West').waitFor();
    await console.getByTestId('servers').getByText('2010 Asia, 2011 Europe West').waitFor();
    expect((await operator(hub).ok('GET', `/offers/${offerId}`)).servers).toEqual({ 2010: 'Asia', 2011: 'Europe West' });
    await console.getByLabel('Servers, one per line: id=name').fill('');
    await console.getByRole('button', { name: 'Save servers' }).click();
    await console.getByText('Saved: no servers').waitFor();
    expect((await operator(hub).ok('GET', `/offers/${offerId}`)).servers).toEqual({});
    await console.getByLabel('Keys, one per line').fill(keys.join('\n'));
    await console.getByRole('button', { name: 'Upload keys' }).click();
    await console.getByText('3 / 3 sent: 3 added, 0 duplicates').waitFor();
    await console.getByTestId('stock').getByText('3 available, 0 sold').waitFor();
    // Keys are listed without their text; one is revealed on request, and that is audited.
    expect(await console.locator('main').innerText()).not.toContain(keys[0]);
    await console.getByRole('button', { name: 'Reveal' }).last().click();
    expect(await secret(console)).toBe(keys[0]);
    await screenshot(console, 'console-offer-keys');

    // ---- the merchant signs in, rotates its token, and buys through the Partner API ----
    const cabinet = await newPage();
    await cabinet.goto(`${hub.url}/`);
    await cabinet.getByLabel('Email').fill(email);
    await cabinet.getByLabel('Password').fill(password);
    await cabinet.getByRole('button', { name: 'Sign in' }).click();
    await cabinet.getByRole('heading', { name: merchantName }).waitFor();
    expect(await cabinet.getByTestId('balance').innerText()).toBe('$50.00');
    await cabinet.getByRole('button', { name: 'Rotate token' }).click();
    await cabinet.getByText('New token of Acme Web').waitFor();
    const token = await secret(cabinet);
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(token).not.toBe(firstToken);
    await screenshot(cabinet, 'cabinet-overview');
    expect((await merchantClient(hub, firstToken)('/balance')).status).toBe(401); // the old token died at once

    await cabinet.getByRole('link', { name: 'API quick-start' }).click();
    await cabinet.getByText(`-H "Authorization: ${token}"`).first().waitFor();
    await screenshot(cabinet, 'cabinet-quick-start');

    const transactionId = `acme-order-${tag}`;
    const bought = await merchantClient(hub, token)('/offers/create-order', { offerId, price: 2.5, transactionId });
    expect(bought.body).toMatchObject({ status: 'COMPLETED', key: keys[0] }); // stock is sold oldest first
    const orderId = bought.body.orderId as number;
    expect((await merchantClient(hub, token)('/offers/find-one', { offerId, countryCode: 'RU' })).body).toMatchObject({
      productName: 'Acme Gift Card', regionCode: 'US', regionName: 'United States', excludedCountryCodes: ['BY', 'RU'], countryCompatibility: 'blocked',
    });

    await cabinet.getByRole('link', { name: 'Orders' }).click();
    await cabinet.getByRole('link', { name: String(orderId) }).click();
    await cabinet.getByRole('heading', { name: `Order ${orderId}` }).waitFor();
    await cabinet.getByRole('button', { name: 'Show key' }).click();
    expect(await secret(cabinet)).toBe(keys[0]);

    // ---- the operator finds the order by the merchant's id, and refunds it ----
    await console.getByRole('link', { name: 'Orders' }).click();
    await console.getByLabel('Search any id').fill(transactionId);
    await console.getByRole('button', { name: 'Search' }).click();
    await console.getByRole('link', { name: String(orderId), exact: true }).click();
    await console.getByRole('heading', { name: `Order ${orderId}` }).waitFor();
    await screenshot(console, 'console-order');
    await console.getByLabel('Refund reason').fill('customer changed their mind');
    await console.getByRole('button', { name: 'Refund', exact: true }).click();
    await console.getByRole('heading', { name: `Order ${orderId} REFUND` }).waitFor();
    await console.getByRole('cell', { name: 'customer changed their mind' }).waitFor();

    // ---- the merchant sees the refund ----
    await cabinet.getByRole('link', { name: 'Transactions' }).click();
    await cabinet.getByRole('cell', { name: 'REFUND', exact: true }).waitFor();
    const ledger = await cabinet.getByRole('table', { name: 'Transactions' }).innerText();
    expect(ledger).toMatch(/REFUND\s+\$2\.50\s+\$50\.00/);
    expect(ledger).toMatch(/PURCHASE\s+\$-2\.50\s+\$47\.50/);
    await screenshot(cabinet, 'cabinet-transactions');
    await cabinet.getByRole('link', { name: 'Orders' }).click();
    await cabinet.getByRole('table', { name: 'Orders' }).getByText('REFUND').waitFor();
    await cabinet.getByRole('link', { name: 'Balance and shops' }).click();
    await cabinet.getByTestId('balance').getByText('$50.00').waitFor();

    // ---- the dashboard and the audit show what happened ----
    await console.getByRole('link', { name: 'Dashboard' }).click();
    await console.getByRole('heading', { name: 'Orders per hour' }).waitFor();
    await screenshot(console, 'console-dashboard');
    await console.getByRole('link', { name: 'Audit' }).click();
    await console.getByText('all hold').waitFor();
    await console.getByRole('table', { name: 'Key reveals' }).getByRole('cell', { name: String(orderId) }).waitFor();
    expect(await console.getByRole('table', { name: 'Key reveals' }).innerText()).toMatch(/merchant-user:\d+/);

    // The books agree with what the pages showed.
    const op = operator(hub);
    expect((await op.ok('GET', `/merchants/${merchantId}`)).balance).toBe('50.00');
    expect((await op.order(orderId)).status).toBe('REFUND');
  });

  it('a merchant who is signed out lands on sign-in, and the console refuses a merchant', { timeout: 60_000 }, async () => {
    const page = await newPage();
    await page.goto(`${hub.url}/cabinet/orders`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await page.goto(`${hub.url}/console`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await screenshot(page, 'sign-in');
  });
});
