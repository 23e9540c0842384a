import { startWebhookReceiver, type WebhookReceiver } from '@dropgate/simulators';
import { verifyWebhook } from '@dropgate/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect, insertInFlightOrder } from './support/db.ts';
import { expectError } from './support/expect.ts';
import { keysFor, merchantClient, operator, useIsolatedHub } from './support/hub.ts';
import { merchantUser } from './support/team.ts';

// Retries in tenths of a second and a half-second timeout, so every fault plays out in seconds.
const FAST = {
  DROPGATE_WEBHOOK_ALLOW_HTTP: '1', DROPGATE_WEBHOOK_ALLOW_PRIVATE: '1', DROPGATE_WEBHOOK_TIMEOUT_MS: '500',
  DROPGATE_WEBHOOK_RETRY_BASE_MS: '100', DROPGATE_WEBHOOK_MAX_DELAY_MS: '400', DROPGATE_JOBS_POLL_MS: '100',
};

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.stop());
// A test that fails midway must not leave the receiver failing the next one's deliveries.
afterEach(() => receiver.setDefault({ kind: 'status', status: 200 }));
// Each hub on a database of its own: any hub on a database delivers its endpoints' events, and
// one started with the defaults (https only, public addresses, retries after 10 s) would hold
// this file's deliveries back (docs/configuration.md).
const hub = useIsolatedHub(FAST);
const op = operator(hub);

/** A merchant with money, a stock offer, and an endpoint on the receiver for every order event. */
async function shopWithWebhook(fields: Record<string, unknown> = {}) {
  const merchant = await op.merchant(undefined, '100.00');
  const created = await op.call('POST', `/shops/${merchant.shopId}/webhooks`, {
    url: `${receiver.url}/hooks/${merchant.shopId}`, events: ['order.completed', 'order.canceled', 'order.refunded'], ...fields,
  });
  expect(created.status).toBe(201);
  return { ...merchant, webhook: created.body.webhook, secret: created.body.secret as string };
}

function eventsOf(shopId: number, receiver: WebhookReceiver) {
  return receiver.delivered().filter((r) => r.event?.data?.order !== undefined && r.rawBody.includes(`"transactionId":"s${shopId}-`));
}

describe('webhook endpoints', () => {
  it('shows the secret once, never in the audit trail, and validates what it is given', async () => {
    const { webhook, secret } = await shopWithWebhook();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(webhook).toMatchObject({ status: 'ACTIVE', includeKeys: false, concurrency: 4, balanceLowThreshold: null, previousSecretUntil: null });
    const read = await op.call('GET', `/webhooks/${webhook.id}`);
    expect(read.status).toBe(200);
    expect(JSON.stringify(read.body)).not.toContain(secret);
    const audit = await op.ok('GET', `/audit-log?action=webhook.create&targetId=${webhook.id}`);
    expect(audit.entries).toEqual([expect.objectContaining({ actor: 'operator', after: expect.objectContaining({ url: webhook.url, secret: 'changed (never recorded)' }) })]);
    expect(JSON.stringify(audit)).not.toContain(secret);

    expectError(await op.call('POST', `/shops/${webhook.shopId}/webhooks`, { url: 'ftp://example.com/x', events: ['order.completed'] }), 400, 'INVALID_REQUEST_BODY', 'url');
    expectError(await op.call('POST', `/shops/${webhook.shopId}/webhooks`, { url: 'https://example.com/x', events: ['balance.low'] }), 400, 'INVALID_REQUEST_BODY', 'balanceLowThreshold');
    expectError(await op.call('POST', `/shops/${webhook.shopId}/webhooks`, { url: 'https://example.com/x', events: ['order.shipped'] }), 400, 'INVALID_REQUEST_BODY');
    expectError(await op.call('GET', '/webhooks/999999999'), 404, 'WEBHOOK_NOT_FOUND');
    expectError(await op.call('POST', '/shops/999999999/webhooks', { url: 'https://example.com/x', events: ['order.completed'] }), 404, 'SHOP_NOT_FOUND');
  });

  it('sends nothing for an order that rolled back, and nothing to a shop without endpoints', async () => {
    const { token, shopId } = await shopWithWebhook();
    const offer = await op.offer({ price: '1.00', currency: 'USD' }, keysFor('rb', 1));
    const api = merchantClient(hub, token);
    // Wrong price: place_order changes nothing, so there is no event.
    expect((await api('/offers/create-order', { offerId: offer.id, price: 2, transactionId: `s${shopId}-wrong` })).status).toBe(409);
    const other = await op.merchant(undefined, '10.00');
    expect((await merchantClient(hub, other.token)('/offers/create-order', { offerId: offer.id, price: 1, transactionId: `s${other.shopId}-1` })).body.status).toBe('COMPLETED');
    const test = await op.call('POST', `/webhooks/${(await op.call('GET', `/shops/${shopId}/webhooks`)).body.webhooks[0].id}/test`);
    expect(test.status).toBe(202);
    await receiver.waitForDelivered(receiver.delivered().length + 1, 10_000).catch(() => {});
    const deliveries = await op.call('GET', `/webhooks/${(await op.call('GET', `/shops/${shopId}/webhooks`)).body.webhooks[0].id}/deliveries`);
    expect(deliveries.body.deliveries.map((d: any) => d.type)).toEqual(['webhook.test']);
    expect(receiver.received.filter((r) => r.rawBody.includes(`"transactionId":"s${other.shopId}-`))).toEqual([]);
  });
});

describe('in the cabinet', () => {
  it("a merchant's developer manages its own shops' webhooks; another merchant's are not found; an accountant only reads", async () => {
    const mine = await shopWithWebhook();
    const other = await shopWithWebhook();
    const developer = await merchantUser(hub, mine.merchantId, 'developer');
    const made = await developer.session.call('POST', `/cabinet/v1/shops/${mine.shopId}/webhooks`, { url: `${receiver.url}/cabinet`, events: ['order.completed'] });
    expect(made.status).toBe(201);
    expect(made.body.secret).toMatch(/^whsec_/);
    const listed = await developer.session.call('GET', `/cabinet/v1/shops/${mine.shopId}/webhooks`);
    expect(listed.body.webhooks.map((w: any) => w.id)).toEqual([mine.webhook.id, made.body.webhook.id]);
    expectError(await developer.session.call('GET', `/cabinet/v1/shops/${other.shopId}/webhooks`), 404, 'SHOP_NOT_FOUND');
    expectError(await developer.session.call('PATCH', `/cabinet/v1/webhooks/${other.webhook.id}`, { includeKeys: true }), 404, 'WEBHOOK_NOT_FOUND');
    expectError(await developer.session.call('POST', `/cabinet/v1/webhooks/${other.webhook.id}/test`), 404, 'WEBHOOK_NOT_FOUND');
    expectError(await developer.session.call('GET', `/cabinet/v1/webhooks/${other.webhook.id}/deliveries`), 404, 'WEBHOOK_NOT_FOUND');
    const accountant = await merchantUser(hub, mine.merchantId, 'accountant');
    expect((await accountant.session.call('GET', `/cabinet/v1/webhooks/${mine.webhook.id}/deliveries`)).status).toBe(200);
    expectError(await accountant.session.call('POST', `/cabinet/v1/webhooks/${mine.webhook.id}/rotate-secret`, {}), 403, 'FORBIDDEN');
    const audit = await op.ok('GET', `/audit-log?action=webhook.create&targetId=${made.body.webhook.id}`);
    expect(audit.entries[0].actor).toBe(`merchant-user:${developer.id}`);
  });
});

describe('delivery through a failing receiver', () => {
  it('tells order.processing, then the completion from review, in sequence', async () => {
    const merchant = await op.merchant(undefined, '10.00');
    const created = await op.ok('POST', `/shops/${merchant.shopId}/webhooks`, { url: `${receiver.url}/review`, events: ['order.processing', 'order.completed'] });
    const offer = await op.offer({ price: '1.00', currency: 'USD' });
    const db = await connect(hub.database.url);
    const { orderId } = await insertInFlightOrder(db, { ...merchant, offerId: offer.id, transactionId: `review-${merchant.shopId}` }).finally(() => db.end());
    expect((await op.call('POST', `/orders/${orderId}/complete`, { key: 'REVIEW-KEY-1' })).status).toBe(200);
    await waitFor(async () => (await op.ok('GET', `/webhooks/${created.webhook.id}/deliveries`)).deliveries.filter((d: any) => d.status === 'DELIVERED').length === 2, 10_000);
    const events = receiver.delivered().filter((r) => r.event?.data?.order?.orderId === orderId).map((r) => r.event);
    expect(events.map((e) => [e.sequence, e.type, e.data.order.status])).toEqual([[1, 'order.processing', 'PROCESSING'], [2, 'order.completed', 'COMPLETED']]);
    expect(events[1].data.order.key).toBeUndefined(); // includeKeys is off
  });

  it('survives 500, a timeout, a hang and a 410, then delivers every event, in order per order, signed', async () => {
    const { token, shopId, webhook, secret } = await shopWithWebhook({ includeKeys: true });
    receiver.setSecrets([secret]);
    const offer = await op.offer({ price: '1.00', currency: 'USD' }, keysFor('faults', 3));
    const api = merchantClient(hub, token);
    // 500 to everything while the orders are made (an endpoint turned off by a 410 is told nothing new).
    receiver.setDefault({ kind: 'status', status: 500 });
    const orders: number[] = [];
    for (let i = 0; i < 3; i++) {
      const sold = await api('/offers/create-order', { offerId: offer.id, price: 1, transactionId: `s${shopId}-${i}` });
      expect(sold.body.status).toBe('COMPLETED');
      orders.push(sold.body.orderId);
    }
    // One more event per order: each is refunded (seq 2 after order.completed's 1).
    for (const id of orders) expect((await op.call('POST', `/orders/${id}/refund`, { reason: 'test' })).status).toBe(200);
    // Out of stock: refused before any debit (canceled, no ledger row), one order.canceled.
    const canceled = await api('/offers/create-order', { offerId: offer.id, price: 1, transactionId: `s${shopId}-out` });
    expect(canceled.body.status).toBe('CANCELED');
    // A 500 answered before the faults are scripted (on a loaded machine the orders can be made
    // before the first attempt, which would then meet the script instead).
    const mine = () => receiver.received.filter((r) => r.rawBody.includes(`"transactionId":"s${shopId}-`));
    await waitFor(async () => mine().some((r) => r.answered === 500), 10_000);
    // The next three requests are late, hung and a 410; any other lane's retry meanwhile still gets
    // a 500, so nothing is delivered before the endpoint is off, however the lanes interleave.
    receiver.script({ kind: 'late', ms: 2_000 }, { kind: 'hang' }, { kind: 'status', status: 410 });

    await waitFor(async () => (await op.call('GET', `/webhooks/${webhook.id}`)).body.status === 'DISABLED', 20_000);
    const off = await op.call('GET', `/webhooks/${webhook.id}`);
    expect(off.body.disabledReason).toMatch(/410/);
    // What the receiver saw after the 500: two requests the hub gave up on (late, hung), the 410.
    expect(mine().filter((r) => r.answered === null)).toHaveLength(2);
    expect(mine().filter((r) => r.answered === 410)).toHaveLength(1);
    // The log has them too, once the attempts in flight when the 410 came have given up.
    const attempts = async () => (await op.call('GET', `/webhooks/${webhook.id}/deliveries`)).body.deliveries.reduce((sum: number, d: any) => sum + d.attempts, 0);
    await waitFor(async () => (await attempts()) >= 4, 5_000);
    const log = (await op.call('GET', `/webhooks/${webhook.id}/deliveries`)).body.deliveries;
    expect(log.some((d: any) => d.lastResponseCode === 410)).toBe(true);
    expect(log.filter((d: any) => d.status === 'DELIVERED')).toEqual([]);

    // The receiver recovers; turned on again, the endpoint resumes with what was pending, and nothing is lost.
    receiver.setDefault({ kind: 'status', status: 200 });
    expect((await op.call('PATCH', `/webhooks/${webhook.id}`, { enabled: true })).body.status).toBe('ACTIVE');
    await waitFor(async () => eventsOf(shopId, receiver).length >= 7 && (await op.call('GET', `/webhooks/${webhook.id}/deliveries`)).body.deliveries.every((d: any) => d.status === 'DELIVERED'), 20_000);
    const delivered = eventsOf(shopId, receiver);
    for (const record of delivered) {
      expect(record.verified).toBe(true);
      expect(verifyWebhook(record.rawBody, record.signature, secret)).toEqual(record.event);
    }
    const unique = new Map(delivered.map((r) => [r.event.id, r.event]));
    expect(unique.size).toBe(7);
    for (const id of orders) {
      const mine = delivered.filter((r) => r.event.data.order.orderId === id).map((r) => r.event);
      // In order: the first delivered of each sequence number comes after every lower one.
      const firsts = [...new Map(mine.map((e) => [e.sequence, e])).values()];
      expect(firsts.map((e) => [e.sequence, e.type])).toEqual([[1, 'order.completed'], [2, 'order.refunded']]);
      expect(firsts[0]!.data.order).toMatchObject({ orderId: id, status: 'COMPLETED', key: expect.any(String) });
      expect(firsts[1]!.data.order.status).toBe('REFUND');
      expect(firsts[1]!.data.order.key).toBeUndefined();
    }
    const cancel = delivered.find((r) => r.event.type === 'order.canceled')!.event;
    expect(cancel).toMatchObject({ sequence: 1, data: { order: { status: 'CANCELED', transactionId: `s${shopId}-out` } } });
  });

  it('signs with both secrets during a rotation, and redelivers with the same event id', async () => {
    const { token, shopId, webhook, secret } = await shopWithWebhook();
    const rotated = await op.call('POST', `/webhooks/${webhook.id}/rotate-secret`, { overlapSeconds: 3600 });
    receiver.setSecrets([rotated.body.secret]);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(secret);
    expect(Date.parse(rotated.body.previousSecretUntil)).toBeGreaterThan(Date.now() + 3500_000);
    expect(JSON.stringify(await op.ok('GET', `/audit-log?action=webhook.rotate-secret&targetId=${webhook.id}`))).not.toContain(rotated.body.secret);
    const offer = await op.offer({ price: '1.00', currency: 'USD' }, keysFor('rot', 1));
    const before = receiver.delivered().length;
    await merchantClient(hub, token)('/offers/create-order', { offerId: offer.id, price: 1, transactionId: `s${shopId}-r` });
    await receiver.waitForDelivered(before + 1, 10_000);
    const [record] = eventsOf(shopId, receiver);
    expect(record!.signature!.match(/v1=/g)).toHaveLength(2);
    expect(verifyWebhook<{ id: string }>(record!.rawBody, record!.signature, secret).id).toBe(record!.event.id);
    expect(verifyWebhook<{ id: string }>(record!.rawBody, record!.signature, rotated.body.secret).id).toBe(record!.event.id);
    expect(() => verifyWebhook(record!.rawBody, record!.signature, 'whsec_wrong')).toThrow(/no signature matches/);
    expect(() => verifyWebhook(record!.rawBody.replace('COMPLETED', 'CANCELED'), record!.signature, secret)).toThrow(/no signature matches/);

    const [delivery] = (await op.call('GET', `/webhooks/${webhook.id}/deliveries`)).body.deliveries;
    const again = await op.call('POST', `/webhook-deliveries/${delivery.id}/redeliver`);
    expect(again.status).toBe(202);
    expect(again.body.eventId).toBe(record!.event.id);
    await waitFor(async () => eventsOf(shopId, receiver).length === 2, 10_000);
    expect(eventsOf(shopId, receiver).map((r) => r.event.id)).toEqual([record!.event.id, record!.event.id]);
  });

  it('tells balance.low once, when a debit crosses the threshold', async () => {
    const merchant = await op.merchant(undefined, '3.00');
    const created = await op.call('POST', `/shops/${merchant.shopId}/webhooks`, { url: `${receiver.url}/low`, events: ['balance.low'], balanceLowThreshold: '1.50' });
    expect(created.status).toBe(201);
    const offer = await op.offer({ price: '1.00', currency: 'USD' }, keysFor('low', 3));
    const api = merchantClient(hub, merchant.token);
    for (let i = 0; i < 3; i++) await api('/offers/create-order', { offerId: offer.id, price: 1, transactionId: `low-${merchant.shopId}-${i}` });
    await waitFor(async () => (await op.call('GET', `/webhooks/${created.body.webhook.id}/deliveries`)).body.deliveries.some((d: any) => d.status === 'DELIVERED'), 10_000);
    const log = (await op.call('GET', `/webhooks/${created.body.webhook.id}/deliveries`)).body.deliveries;
    expect(log.map((d: any) => d.type)).toEqual(['balance.low']);
    const record = receiver.delivered().find((r) => r.event?.id === log[0].eventId)!;
    expect(record.event).toMatchObject({ type: 'balance.low', data: { balance: 1, threshold: 1.5, currency: 'USD' } });
  });
});

describe('the retry window', () => {
  const shortHub = useIsolatedHub({ ...FAST, DROPGATE_WEBHOOK_MAX_AGE_S: '1' });
  const shortOp = operator(shortHub);

  it('gives an event up as FAILED once it is older than the window, and the order\'s next event still goes', async () => {
    const merchant = await shortOp.merchant(undefined, '10.00');
    const created = await shortOp.ok('POST', `/shops/${merchant.shopId}/webhooks`, { url: `${receiver.url}/window`, events: ['order.completed', 'order.refunded'] });
    const offer = await shortOp.offer({ price: '1.00', currency: 'USD' }, keysFor('window', 1));
    receiver.setDefault({ kind: 'status', status: 503 });
    const sold = await merchantClient(shortHub, merchant.token)('/offers/create-order', { offerId: offer.id, price: 1, transactionId: `window-${merchant.shopId}` });
    const log = async () => (await shortOp.ok('GET', `/webhooks/${created.webhook.id}/deliveries`)).deliveries;
    await waitFor(async () => (await log())[0].status === 'FAILED', 10_000);
    const [gaveUp] = await log();
    expect(gaveUp).toMatchObject({ type: 'order.completed', status: 'FAILED', lastError: expect.stringMatching(/given up/), nextAttemptAt: null });
    expect(gaveUp.attempts).toBeGreaterThanOrEqual(2);
    receiver.setDefault({ kind: 'status', status: 200 });
    expect((await shortOp.call('POST', `/orders/${sold.body.orderId}/refund`, { reason: 'window' })).status).toBe(200);
    await waitFor(async () => (await log())[0].status === 'DELIVERED', 10_000);
    expect((await log()).map((d: any) => [d.type, d.sequence, d.status])).toEqual([['order.refunded', 2, 'DELIVERED'], ['order.completed', 1, 'FAILED']]);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
