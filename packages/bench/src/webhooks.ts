/**
 * Webhooks in the bench: create-order throughput for shops with an endpoint against the same run
 * without one, and how fast the hub then delivers those events to a local receiver (signed, in
 * order per order, over the job runner).
 *
 * The two are measured apart. During the webhooks-on run the receiver holds every request it
 * gets, so the hub's job runner sits on its first few attempts and the run pays for the outbox
 * alone (the trigger, the event and delivery rows, add_job). Then the receiver answers what it
 * held and everything after at once, and the drain is timed with the hub doing nothing else.
 */
import { HttpClient } from '@dropgate/sdk';
import { startWebhookReceiver } from '@dropgate/simulators';
import { ADMIN_TOKEN } from './hub-process.ts';
import type { Caller } from './http-load.ts';

export interface WebhookFigures {
  /** Events the on-run created, all delivered before the figures were taken. */
  events: number;
  /** From the receiver's release to the last delivery. */
  deliveredPerSecond: number;
  drainSeconds: number;
  /** Deliveries whose signature the receiver verified. */
  verified: number;
}

export interface WebhookShops {
  /** One caller per merchant, each with an endpoint for order.completed. */
  callers: Array<{ token: string }>;
  endpointIds: number[];
  /** One offer per run, each with a stock of its own: no run buys from a stock an earlier one sold down. */
  offerIds: number[];
  receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
}

/** Merchants like the seed's, each shop with an endpoint on the receiver, and `runs` offers of `keys` keys each. */
export async function seedWebhookShops(url: string, merchants: number, runs: number, keys: number): Promise<WebhookShops> {
  const receiver = await startWebhookReceiver();
  const api = new HttpClient({ baseUrl: `${url}/admin/v1`, authorization: `Bearer ${ADMIN_TOKEN}`, timeoutMs: 120_000 });
  const admin = async (method: string, path: string, body?: unknown): Promise<any> => {
    const answer = await api.send({ method, path, body });
    if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${answer.text}`);
    return answer.body;
  };
  const offerIds = Array.from({ length: runs }, (_, run) => 5101 + run);
  for (const offerId of offerIds) {
    await admin('PUT', `/offers/${offerId}`, { productName: 'Bench Card', offerName: `webhooks ${offerId}`, price: '1.00', currency: 'USD' });
    for (let sent = 0; sent < keys; sent += 5000) {
      await admin('POST', `/offers/${offerId}/stock`, { keys: Array.from({ length: Math.min(5000, keys - sent) }, (_, i) => `HOOK-${offerId}-${sent + i}-${Date.now()}`) });
    }
  }
  const callers = [];
  const secrets = [];
  const endpointIds = [];
  for (let i = 0; i < merchants; i++) {
    const merchant = await admin('POST', '/merchants', { name: `bench-hooks-${i}` });
    await admin('POST', `/merchants/${merchant.id}/deposits`, { amount: '1000000.00' });
    const shop = await admin('POST', '/shops', { merchantId: merchant.id, name: `bench-hooks-${i}` });
    const hook = await admin('POST', `/shops/${shop.id}/webhooks`, { url: `${receiver.url}/bench`, events: ['order.completed'] });
    secrets.push(hook.secret as string);
    endpointIds.push(hook.webhook.id as number);
    callers.push({ token: shop.token as string });
  }
  receiver.setSecrets(secrets);
  return { callers, endpointIds, offerIds, receiver };
}

/** Turns every shop's endpoint off (its shop's orders then make no event) or on. */
export async function setEndpoints(url: string, shops: WebhookShops, enabled: boolean): Promise<void> {
  const api = new HttpClient({ baseUrl: `${url}/admin/v1`, authorization: `Bearer ${ADMIN_TOKEN}`, timeoutMs: 30_000 });
  for (const id of shops.endpointIds) {
    const answer = await api.send({ method: 'PATCH', path: `/webhooks/${id}`, body: { enabled } });
    if (answer.status !== 200) throw new Error(`PATCH /webhooks/${id}: ${answer.status} ${answer.text}`);
  }
}

/** Every shop buying the offer of run `run`. */
export function webhookCallers(shops: WebhookShops, run: number, runId: string): Caller[] {
  const offerId = shops.offerIds[run]!;
  return shops.callers.map((c) => ({ token: c.token, body: `{"offerId":${offerId},"price":1,"transactionId":"hook-${run}-${runId}-{n}"}` }));
}

/** Lets the receiver answer, waits until it has the `events` held and sent since, and times it. */
export async function drain(shops: WebhookShops, events: number, timeoutMs = 300_000): Promise<WebhookFigures> {
  const before = shops.receiver.delivered().length;
  const released = Date.now();
  shops.receiver.setDefault({ kind: 'status', status: 200 });
  shops.receiver.releaseHeld(200);
  await shops.receiver.waitForDelivered(before + events, timeoutMs);
  const delivered = shops.receiver.delivered().slice(before);
  const seconds = (Date.now() - released) / 1000;
  return {
    events,
    deliveredPerSecond: Math.round(events / seconds),
    drainSeconds: seconds,
    verified: delivered.filter((r) => r.verified).length,
  };
}
