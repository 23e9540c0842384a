/**
 * What the SDK tests cannot see: the simulators' raw HTTP behaviour (bad requests, routes),
 * their bounds, a clean stop with requests still held, and their fault arguments.
 * The protocol behaviour itself is tested through the SDK in packages/sdk/test.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startCodeGamesSimulator, startGamesDropSimulator } from '../src/index.ts';
import { parseFaultArg } from '../src/fault-arg.ts';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

async function post(url: string, body: unknown, raw?: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw ?? JSON.stringify(body) });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

describe('CodeGames simulator', () => {
  it('hands out the given keys in order, and answers bad requests with 400 and a comment', async () => {
    const sim = await startCodeGamesSimulator({ products: [{ id: 7, name: 'Seven', price: 1, partnerPrice: 0.9, keys: ['K-1', 'K-2'] }] });
    stops.push(sim.stop);
    expect((await post(`${sim.url}/pay`, { product_id: 7, price: 1, txn_id: 'a' })).body.product.productKey).toBe('K-1');
    expect((await post(`${sim.url}/pay`, { product_id: 7, price: 1, txn_id: 'b' })).body.product.productKey).toBe('K-2');

    const stringId = await post(`${sim.url}/check`, { product_id: '7' });
    expect(stringId.status).toBe(400);
    expect(stringId.body.comment).toMatch(/^product_id/);
    expect((await post(`${sim.url}/pay`, undefined, 'not json')).status).toBe(400);
    expect((await post(`${sim.url}/nope`, {})).status).toBe(404);
    expect((await fetch(`${sim.url}/check`)).status).toBe(405);
  });

  it('remembers at most maxPayments: the oldest is forgotten', async () => {
    const sim = await startCodeGamesSimulator({ maxPayments: 2 });
    stops.push(sim.stop);
    for (const txn of ['t1', 't2', 't3']) {
      expect((await post(`${sim.url}/pay`, { product_id: 1234567890, price: 50000, txn_id: txn })).body.status).toBe('OK');
    }
    expect(sim.payments().map((p) => p.txnId)).toEqual(['t2', 't3']);
    expect((await post(`${sim.url}/status`, { txn_id: 't1' })).body.status).toBe('TXN_NOT_FOUND');
    expect((await post(`${sim.url}/status`, { txn_id: 't3' })).body.status).toBe('OK');
  });

  it('generates n keys on demand and then runs out', async () => {
    const sim = await startCodeGamesSimulator({ products: [{ id: 9, name: 'Nine', price: 2, partnerPrice: 1, keys: 1 }] });
    stops.push(sim.stop);
    expect(sim.catalog()).toEqual([{ id: 9, name: 'Nine', price: 2, partnerPrice: 1, keysLeft: 1 }]);
    expect((await post(`${sim.url}/pay`, { product_id: 9, price: 2, txn_id: 'x' })).body.product.productKey).toMatch(/^CG-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$/);
    expect((await post(`${sim.url}/pay`, { product_id: 9, price: 2, txn_id: 'y' })).body.status).toBe('PRODUCT_OUT_OF_STOCK');
  });

  it('stops promptly with a request held by the timeout fault; the caller sees the connection close', async () => {
    const sim = await startCodeGamesSimulator();
    sim.setFault('all', { kind: 'timeout' });
    const held = fetch(`${sim.url}/check`, { method: 'POST', body: '{"product_id":1234567890}' }).then(
      () => 'answered',
      () => 'closed',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sim.calls.check).toBe(1);
    const started = performance.now();
    await sim.stop();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await held).toBe('closed');
  });
});

describe('GamesDrop simulator', () => {
  it('answers bad input as INVALID_REQUEST_BODY in the error shape, and serves the balance alias', async () => {
    const sim = await startGamesDropSimulator({ balance: 12.5 });
    stops.push(sim.stop);
    const base = `${sim.url}/api/v1`;
    const bad = await post(`${base}/offers/create-order`, { offerId: 1001, price: 560.1 });
    expect(bad).toEqual({ status: 400, body: { error: { code: 'INVALID_REQUEST_BODY', message: expect.stringContaining('transactionId'), field: 'transactionId' } } });
    expect((await post(`${base}/offers/find-one`, undefined, '{oops')).body.error.code).toBe('INVALID_REQUEST_BODY');
    expect((await post(`${base}/offers/order-status`, { orderId: 1, transactionId: 'a' })).body.error.code).toBe('INVALID_REQUEST_BODY');
    expect((await post(`${base}/balance/check`, {})).body).toEqual({ balance: 12.5, draftBalance: 0, currency: { id: 3, code: 'USD' } });
    expect((await post(`${base}/unknown`, {})).status).toBe(404);
  });

  it('remembers at most maxOrders: a forgotten order frees its transactionId', async () => {
    const sim = await startGamesDropSimulator({ maxOrders: 1 });
    stops.push(sim.stop);
    const order = (transactionId: string) => post(`${sim.url}/api/v1/offers/create-order`, { offerId: 1002, price: 10, transactionId });
    const first = await order('a');
    expect((await order('a')).body.error).toEqual({ code: 'TRANSACTION_DUPLICATE', message: expect.any(String), orderId: first.body.orderId });
    await order('b');
    expect(sim.orders().map((o) => o.transactionId)).toEqual(['b']);
    expect((await order('a')).status).toBe(200);
  });

  it('refuses faults of unknown kinds, bad values, or for unknown offers', async () => {
    const sim = await startGamesDropSimulator();
    stops.push(sim.stop);
    expect(() => sim.setFault(1001, { kind: 'processing-then-complete', afterStatusCalls: 1.5 })).toThrow(/afterStatusCalls/);
    expect(() => sim.setFault('all', { kind: 'http-500', status: 404 })).toThrow(/500\.\.599/);
    expect(() => sim.setFault(5, { kind: 'timeout' })).toThrow(/no offer 5/);
    expect(() => sim.setFault('all', { kind: 'duplicate' } as never)).toThrow(/unknown fault kind/);
  });
});

describe('--fault arguments', () => {
  it('parse TARGET=KIND[:VALUE] into the fault objects', () => {
    expect(parseFaultArg('all=timeout')).toEqual({ target: 'all', fault: { kind: 'timeout' } });
    expect(parseFaultArg('1001=slow:2000')).toEqual({ target: 1001, fault: { kind: 'slow', ms: 2000 } });
    expect(parseFaultArg('1234567890=pay-fails-then-ok:3')).toEqual({ target: 1234567890, fault: { kind: 'pay-fails-then-ok', okAfterStatusCalls: 3 } });
    expect(parseFaultArg('all=http-500:503')).toEqual({ target: 'all', fault: { kind: 'http-500', status: 503 } });
    expect(parseFaultArg('all=garbage:{"a":1}')).toEqual({ target: 'all', fault: { kind: 'garbage', body: '{"a":1}' } });
    expect(() => parseFaultArg('all=slow')).toThrow(/needs a value/);
    expect(() => parseFaultArg('all=timeout:5')).toThrow(/takes no value/);
    expect(() => parseFaultArg('x=timeout')).toThrow(/TARGET=KIND/);
  });
});
