/**
 * The team in a real browser against a real hub. An owner invites a support user, who turns on
 * two-factor sign-in, signs in again with a code, completes an order from manual review, and
 * finds no way to refund one (the hub refuses it from that session too); the owner sees it all in
 * the Activity page. A merchant owner creates a shop and invites a developer, who gets the
 * integration pages and not the money.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, insertInFlightOrder } from '../../server/test/support/db.ts';
import { keysFor, merchantClient, operator, startTestHub, type TestHub } from '../../server/test/support/hub.ts';
import { totpCode } from '../../server/test/support/team.ts';
import { browserMissing, launchChromium, Pages, screenshot, secretOn } from './support/browser.ts';

let hub: TestHub;
let browser: Browser;
let db: pg.Client;
let pages: Pages;
const newPage = () => pages.open();
const secret = secretOn;

async function signInOperator(page: Page, email: string, password: string): Promise<void> {
  await page.goto(`${hub.url}/`);
  await page.getByRole('tab', { name: 'Operator' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

beforeAll(async () => {
  if (browserMissing) return;
  [hub, browser] = await Promise.all([startTestHub(), launchChromium()]);
  pages = new Pages(browser);
  db = await connect();
});
afterAll(async () => {
  await pages?.close();
  await browser?.close();
  await db?.end();
  await hub?.stop();
});

describe.skipIf(browserMissing)('the team in the browser', () => {
  it('an owner invites a support user, who signs in with TOTP and can review an order but not refund it', { timeout: 180_000 }, async () => {
    const op = operator(hub);
    const tag = randomBytes(3).toString('hex');
    const owner = await op.ok('POST', '/operators', { email: `owner-${tag}@team.example`, role: 'owner' });
    const supportEmail = `support-${tag}@team.example`;
    // An order in manual review and a completed one, for the support user to find.
    const shop = await op.merchant(`Review ${tag}`, '50.00');
    const offer = await op.offer({ price: '2.00', currency: 'USD' }, keysFor('TEAM', 1));
    const { orderId: inReview } = await insertInFlightOrder(db, { ...shop, offerId: offer.id, transactionId: `review-${tag}` });
    const completed = (await merchantClient(hub, shop.token)('/offers/create-order', { offerId: offer.id, price: 2, transactionId: `done-${tag}` })).body.orderId as number;

    // ---- the owner signs in with email and password, and invites a support user ----
    const console = await newPage();
    await signInOperator(console, owner.email, owner.password);
    await console.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await console.getByRole('link', { name: 'Team', exact: true }).click();
    await console.getByLabel('Email').fill(supportEmail);
    await console.getByLabel('Role', { exact: true }).selectOption('support');
    await console.getByRole('button', { name: 'Invite' }).click();
    await console.getByText(`First password for ${supportEmail}`).waitFor();
    const firstPassword = await secret(console);
    expect(firstPassword).toHaveLength(16);
    await console.getByRole('cell', { name: supportEmail }).waitFor();
    await screenshot(console, 'console-team');

    // ---- the support user turns on two-factor ----
    const support = await newPage();
    await signInOperator(support, supportEmail, firstPassword);
    await support.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(await support.getByRole('link', { name: 'Team', exact: true }).count()).toBe(0); // not an owner's page
    await support.getByRole('link', { name: 'Account', exact: true }).click();
    await support.getByLabel('Your password').fill(firstPassword);
    await support.getByRole('button', { name: 'Set up two-factor' }).click();
    await support.getByText('Open in the authenticator app').waitFor();
    const totpSecret = await secret(support);
    expect(totpSecret).toMatch(/^[A-Z2-7]{32}$/);
    await support.getByLabel('The code the app shows').fill(totpCode(totpSecret));
    await support.getByRole('button', { name: 'Turn on two-factor' }).click();
    await support.getByTestId('recovery-codes').waitFor();
    expect((await support.getByTestId('recovery-codes').innerText()).split(/\s+/)).toHaveLength(10);
    await screenshot(support, 'console-account-two-factor');
    await support.getByRole('button', { name: 'Sign out' }).click();

    // ---- and signs in again: the password, then the code ----
    await signInOperator(support, supportEmail, firstPassword);
    await support.getByLabel('Authentication code').waitFor();
    await screenshot(support, 'sign-in-two-factor');
    // The code of the next 30 seconds: the one that turned two-factor on cannot be used twice.
    await support.getByLabel('Authentication code').fill(totpCode(totpSecret, 1));
    await support.getByRole('button', { name: 'Sign in' }).click();
    await support.getByRole('heading', { name: 'Dashboard' }).waitFor();

    // ---- reviews the order: completes it with the key from the supplier ----
    await support.goto(`${hub.url}/console/orders/${inReview}`);
    await support.getByRole('heading', { name: `Order ${inReview} PROCESSING` }).waitFor();
    await support.getByLabel('Key from the supplier').fill(`SUPPLIER-KEY-${tag}`);
    await support.getByRole('button', { name: 'Complete' }).click();
    await support.getByRole('heading', { name: `Order ${inReview} COMPLETED` }).waitFor();
    await support.getByRole('cell', { name: `operator:${supportEmail}` }).waitFor();

    // ---- but cannot refund one: no button, and the hub refuses it from this very session ----
    await support.goto(`${hub.url}/console/orders/${completed}`);
    await support.getByRole('heading', { name: `Order ${completed} COMPLETED` }).waitFor();
    expect(await support.getByRole('button', { name: 'Refund' }).count()).toBe(0);
    expect(await support.getByRole('button', { name: /Reveal key/ }).count()).toBe(0);
    const refused = await support.evaluate(async (id) => {
      const csrf = /(?:^|;\s*)dg_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? '';
      const answer = await fetch(`/console/v1/orders/${id}/refund`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': decodeURIComponent(csrf) }, body: JSON.stringify({ reason: 'trying' }),
      });
      return { status: answer.status, body: await answer.json() };
    }, completed);
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect((await op.order(completed)).status).toBe('COMPLETED');

    // ---- nor change the catalog: products are listed, with no form to make or change one ----
    await support.goto(`${hub.url}/console/products`);
    await support.getByRole('table', { name: 'Products' }).getByRole('row').nth(1).waitFor();
    expect(await support.getByRole('button', { name: 'Create product' }).count()).toBe(0);

    // ---- the owner sees who did what ----
    await console.getByRole('link', { name: 'Activity', exact: true }).click();
    await console.getByLabel('Who').fill(`operator:${supportEmail}`);
    await console.getByRole('button', { name: 'Filter' }).click();
    const trail = console.getByRole('table', { name: 'Audit log' });
    await trail.getByRole('cell', { name: 'order.complete' }).first().waitFor();
    expect(await trail.innerText()).toMatch(/two-factor\.enable/);
    expect(await trail.innerText()).not.toContain(totpSecret);
    await screenshot(console, 'console-activity');
  });

  it('a merchant owner creates a shop and a developer user', { timeout: 120_000 }, async () => {
    const op = operator(hub);
    const tag = randomBytes(3).toString('hex');
    const merchantName = `Self-serve ${tag}`;
    const { merchantId } = await op.merchant(merchantName, '25.00');
    const owner = await op.ok('POST', `/merchants/${merchantId}/users`, { email: `boss-${tag}@shop.example` });
    const developerEmail = `dev-${tag}@shop.example`;
    const shopName = `Storefront ${randomInt(1000, 9999)}`;

    const cabinet = await newPage();
    await cabinet.goto(`${hub.url}/`);
    await cabinet.getByLabel('Email').fill(owner.email);
    await cabinet.getByLabel('Password').fill(owner.password);
    await cabinet.getByRole('button', { name: 'Sign in' }).click();
    await cabinet.getByRole('heading', { name: merchantName }).waitFor();

    // ---- a new shop: its token shown once, and working at once ----
    await cabinet.getByLabel('New shop name').fill(shopName);
    await cabinet.getByRole('button', { name: 'Create shop' }).click();
    await cabinet.getByText(`New token of ${shopName}`).waitFor();
    const token = await secret(cabinet);
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    await cabinet.getByRole('cell', { name: shopName }).waitFor();
    expect((await merchantClient(hub, token)('/balance')).body).toMatchObject({ balance: 25 });

    // ---- a developer, invited with their role ----
    await cabinet.getByRole('link', { name: 'Staff', exact: true }).click();
    await cabinet.getByLabel('Email').fill(developerEmail);
    await cabinet.getByLabel('Role', { exact: true }).selectOption('developer');
    await cabinet.getByRole('button', { name: 'Invite' }).click();
    await cabinet.getByText(`First password for ${developerEmail}`).waitFor();
    const password = await secret(cabinet);
    await cabinet.getByRole('cell', { name: developerEmail }).waitFor();
    await screenshot(cabinet, 'cabinet-staff');

    const developer = await newPage();
    await developer.goto(`${hub.url}/`);
    await developer.getByLabel('Email').fill(developerEmail);
    await developer.getByLabel('Password').fill(password);
    await developer.getByRole('button', { name: 'Sign in' }).click();
    await developer.getByRole('heading', { name: merchantName }).waitFor();
    await developer.getByRole('link', { name: 'API quick-start', exact: true }).waitFor();
    for (const page of ['Transactions', 'Staff']) expect(await developer.getByRole('link', { name: page, exact: true }).count(), page).toBe(0);
    expect(await developer.getByRole('button', { name: 'Create shop' }).count()).toBe(0);
    // The developer holds the tokens: a rotation of the new shop's.
    await developer.getByRole('row', { name: new RegExp(shopName) }).getByRole('button', { name: 'Rotate token' }).click();
    await developer.getByText(`New token of ${shopName}`).waitFor();
    const rotated = await secret(developer);
    expect((await merchantClient(hub, token)('/balance')).status).toBe(401);
    expect((await merchantClient(hub, rotated)('/balance')).status).toBe(200);

    const trail = await op.ok('GET', `/audit-log?merchantId=${merchantId}`);
    expect(trail.entries.map((e: { action: string; actorName: string }) => `${e.action} ${e.actorName}`)).toEqual(expect.arrayContaining([
      `shop.create ${owner.email}`, `merchant-user.create ${owner.email}`, `shop.rotate-token ${developerEmail}`,
    ]));
  });
});
