/**
 * Seeds through the operator API, as an operator would: merchants with balances and one shop
 * each, USD stock offers with enough keys for every scenario, and one order per merchant for
 * order-status to read.
 */
import { randomBytes } from 'node:crypto';
import { HttpClient, PartnerApiClient } from '@dropgate/sdk';
import { ADMIN_TOKEN } from './hub-process.ts';

export interface Seeded {
  merchants: Array<{ merchantId: number; token: string; orderId: number }>;
  offers: { spread: number; hot: number; baselineSpread: number; baselineHot: number; limits: number };
  priceMinor: number;
  seconds: number;
}

const UPLOAD_BATCH = 5000;

type OfferKind = keyof Seeded['offers'];

/** keys: per offer, for every run that buys from it (the seed's own order per merchant comes on top). */
export async function seed(url: string, plan: { merchants: number; keys: Record<OfferKind, number> }): Promise<Seeded> {
  const started = performance.now();
  // A key upload of 5,000 keys is one request: the operator API's own pace, not a network one.
  const operatorApi = new HttpClient({ baseUrl: `${url}/admin/v1`, authorization: `Bearer ${ADMIN_TOKEN}`, timeoutMs: 120_000 });
  const admin = async (method: string, path: string, body?: unknown): Promise<any> => {
    const answer = await operatorApi.send({ method, path, body });
    if (answer.status < 200 || answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${answer.text}`);
    return answer.body;
  };
  const offers = { spread: 5001, hot: 5002, baselineSpread: 5003, baselineHot: 5004, limits: 5005 };
  for (const [name, id] of Object.entries(offers)) {
    await admin('PUT', `/offers/${id}`, { productName: 'Bench Card', offerName: name, price: '1.00', currency: 'USD' });
  }
  const keys = { ...plan.keys, spread: plan.keys.spread + plan.merchants };
  await Promise.all(Object.entries(offers).map(([name, id]) => uploadKeys(admin, id, keys[name as OfferKind])));

  const merchants: Seeded['merchants'] = [];
  for (let i = 0; i < plan.merchants; i++) {
    const merchant = await admin('POST', '/merchants', { name: `bench-${i}` });
    await admin('POST', `/merchants/${merchant.id}/deposits`, { amount: '1000000.00' });
    const shop = await admin('POST', '/shops', { merchantId: merchant.id, name: `bench-${i}` });
    // The pgbench baseline passes one id for both: shops and merchants are created in step.
    if (shop.id !== merchant.id) throw new Error(`seeding expects shop id = merchant id, got ${shop.id} for ${merchant.id}`);
    const order = await new PartnerApiClient({ baseUrl: url, token: shop.token }).createOrder({ offerId: offers.spread, price: 1, transactionId: `seed-${i}` });
    merchants.push({ merchantId: merchant.id, token: shop.token, orderId: order.orderId });
  }
  return { merchants, offers, priceMinor: 100, seconds: (performance.now() - started) / 1000 };
}

async function uploadKeys(admin: (m: string, r: string, b?: unknown) => Promise<any>, offerId: number, count: number): Promise<void> {
  const prefix = randomBytes(4).toString('hex');
  for (let sent = 0; sent < count; sent += UPLOAD_BATCH) {
    const keys = Array.from({ length: Math.min(UPLOAD_BATCH, count - sent) }, (_, i) => `BENCH-${offerId}-${prefix}-${sent + i}`);
    await admin('POST', `/offers/${offerId}/stock`, { keys });
  }
}
