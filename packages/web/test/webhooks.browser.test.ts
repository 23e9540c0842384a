/**
 * The cabinet's webhooks page in a real browser: a developer adds an endpoint on a real receiver
 * (its secret shown once), sends a test event and sees it delivered in the log, then redelivers it;
 * the receiver verifies every signature with the secret the page showed. The operator's console
 * shows the same endpoint and log on the merchant's page.
 */
import { startWebhookReceiver, type WebhookReceiver } from '@dropgate/simulators';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, operator, startIsolatedHub, type TestHub } from '../../server/test/support/hub.ts';
import { browserMissing, launchChromium, Pages, screenshot, secretOn, signInAsOperator } from './support/browser.ts';

let hub: TestHub;
let browser: Browser;
let pages: Pages;
let receiver: WebhookReceiver;

beforeAll(async () => {
  if (browserMissing) return;
  receiver = await startWebhookReceiver();
  // A database of its own: a hub on the shared one, with the defaults, would take these deliveries and refuse the loopback URL.
  [hub, browser] = await Promise.all([
    startIsolatedHub({ DROPGATE_WEBHOOK_ALLOW_HTTP: '1', DROPGATE_WEBHOOK_ALLOW_PRIVATE: '1', DROPGATE_JOBS_POLL_MS: '100' }),
    launchChromium(),
  ]);
  pages = new Pages(browser);
});
afterAll(async () => {
  await pages?.close();
  await browser?.close();
  await hub?.stop();
  await receiver?.stop();
});

describe.skipIf(browserMissing)('webhooks in the cabinet', () => {
  it('a developer adds an endpoint, sends a test event, reads the log and redelivers', { timeout: 120_000 }, async () => {
    const op = operator(hub);
    const merchant = await op.merchant(undefined, '10.00');
    const user = await op.ok('POST', `/merchants/${merchant.merchantId}/users`, { email: `dev-${merchant.shopId}@hooks.example`, role: 'developer' });

    const cabinet = await pages.open();
    await cabinet.goto(`${hub.url}/`);
    await cabinet.getByLabel('Email').fill(user.email);
    await cabinet.getByLabel('Password').fill(user.password);
    await cabinet.getByRole('button', { name: 'Sign in' }).click();
    await cabinet.getByRole('link', { name: 'Webhooks' }).click();
    await cabinet.getByRole('heading', { name: 'Webhooks' }).waitFor();

    await cabinet.getByLabel('URL').fill(`${receiver.url}/cabinet`);
    await cabinet.getByRole('button', { name: 'Add endpoint' }).click();
    await cabinet.getByText(`Secret of ${receiver.url}/cabinet`).waitFor();
    const secret = await secretOn(cabinet);
    expect(secret).toMatch(/^whsec_/);
    receiver.setSecrets([secret]);
    await cabinet.getByRole('table', { name: 'Webhook endpoints' }).getByText('ACTIVE').waitFor();

    await cabinet.getByRole('button', { name: 'Send test event' }).click();
    await receiver.waitForDelivered(1, 15_000);
    const log = cabinet.getByRole('table', { name: 'Deliveries' });
    await expect.poll(async () => {
      await cabinet.getByRole('button', { name: 'Refresh' }).click();
      return log.getByRole('row').nth(1).innerText();
    }, { timeout: 15_000 }).toMatch(/webhook\.test\s+DELIVERED\s+1\s+200/);
    await screenshot(cabinet, 'cabinet-webhooks');

    await log.getByRole('button', { name: 'Redeliver' }).click();
    await receiver.waitForDelivered(2, 15_000);
    const [first, second] = receiver.delivered();
    expect(second!.eventId).toBe(first!.eventId);
    expect(receiver.delivered().every((r) => r.verified)).toBe(true);
    expect(first!.event).toMatchObject({ type: 'webhook.test', data: { shopId: merchant.shopId } });

    const console = await pages.open();
    await signInAsOperator(console, hub.url, ADMIN_TOKEN);
    await console.goto(`${hub.url}/console/merchants/${merchant.merchantId}`);
    await console.getByRole('table', { name: 'Webhook endpoints' }).getByText(`${receiver.url}/cabinet`).waitFor();
    await console.getByRole('button', { name: 'Deliveries' }).click();
    await expect.poll(() => console.getByRole('table', { name: 'Deliveries' }).getByText('DELIVERED').count(), { timeout: 15_000 }).toBe(2);
  });
});
