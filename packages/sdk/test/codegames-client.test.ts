/**
 * CodeGamesClient against the CodeGames simulator over real HTTP: every call, every answer the
 * spec lists, and every fault sorted into "answer" or "TransportError of kind X".
 */
import { randomUUID } from 'node:crypto';
import { startCodeGamesSimulator, type CodeGamesSimulator } from '@dropgate/simulators';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CodeGamesClient } from '../src/index.ts';
import { transportError } from './support/outcome.ts';

const CARD = 1234567890; // price 50000, partner_price 45000
const SCARCE = 555; // a single key
const PRICE = 50000.0;

let sim: CodeGamesSimulator;
let client: CodeGamesClient;

beforeAll(async () => {
  sim = await startCodeGamesSimulator({
    products: [
      { id: CARD, name: 'PSN USA 100 USD', shortDescription: 'PSN card', price: PRICE, partnerPrice: 45000.0, keys: 50 },
      { id: SCARCE, name: 'Rare card', price: 10.5, partnerPrice: 9.75, keys: ['ONLY-KEY-1'] },
    ],
  });
  client = new CodeGamesClient({ baseUrl: sim.url, timeoutMs: 2000 });
});
afterEach(() => sim.clearFaults());
afterAll(() => sim.stop());

const txn = () => `txn-${randomUUID()}`;

describe('answers', () => {
  it('check answers OK with the product and both prices', async () => {
    const answer = await client.check(CARD);
    expect(answer).toMatchObject({
      status: 'OK',
      product: { id: CARD, name: 'PSN USA 100 USD', shortDescription: 'PSN card', price: 50000, partner_price: 45000 },
    });
  });

  it('check answers PRODUCT_NOT_FOUND for an unknown product', async () => {
    expect(await client.check(42)).toMatchObject({ status: 'PRODUCT_NOT_FOUND' });
  });

  it('pay answers OK with partner_txn_id and the key; status then answers OK with the same key', async () => {
    const txnId = txn();
    const paid = await client.pay({ productId: CARD, price: PRICE, txnId });
    expect(paid.status).toBe('OK');
    if (paid.status !== 'OK') return;
    expect(paid.partner_txn_id).toMatch(/^W\d+$/);
    expect(paid.product?.productKey).toMatch(/^CG-/);
    const recorded = sim.payments().find((p) => p.txnId === txnId);
    expect(recorded).toMatchObject({ state: 'OK', productKey: paid.product?.productKey, partnerTxnId: paid.partner_txn_id, price: PRICE });

    const status = await client.status(txnId);
    expect(status).toMatchObject({ status: 'OK', partner_txn_id: paid.partner_txn_id, product: { productKey: paid.product?.productKey } });
  });

  it('pay is idempotent on txn_id: the second pay answers TXN_DUPLICATE and takes no key', async () => {
    const txnId = txn();
    expect((await client.pay({ productId: CARD, price: PRICE, txnId })).status).toBe('OK');
    const keysBefore = sim.catalog().find((p) => p.id === CARD)!.keysLeft;
    const again = await client.pay({ productId: CARD, price: PRICE, txnId });
    expect(again).toMatchObject({ status: 'TXN_DUPLICATE' });
    expect(sim.catalog().find((p) => p.id === CARD)!.keysLeft).toBe(keysBefore);
    expect(sim.payments().filter((p) => p.txnId === txnId)).toHaveLength(1);
  });

  it('pay refuses a wrong price and an unknown product', async () => {
    expect(await client.pay({ productId: CARD, price: 49999.99, txnId: txn() })).toMatchObject({ status: 'WRONG_PRICE' });
    expect(await client.pay({ productId: 42, price: 1, txnId: txn() })).toMatchObject({ status: 'PRODUCT_NOT_FOUND' });
  });

  it('the last key sells once; then check and pay answer PRODUCT_OUT_OF_STOCK', async () => {
    const paid = await client.pay({ productId: SCARCE, price: 10.5, txnId: txn() });
    expect(paid).toMatchObject({ status: 'OK', product: { productKey: 'ONLY-KEY-1' } });
    expect(await client.pay({ productId: SCARCE, price: 10.5, txnId: txn() })).toMatchObject({ status: 'PRODUCT_OUT_OF_STOCK' });
    expect(await client.check(SCARCE)).toMatchObject({ status: 'PRODUCT_OUT_OF_STOCK' });
  });

  it('status of an unknown transaction is TXN_NOT_FOUND', async () => {
    expect(await client.status(txn())).toMatchObject({ status: 'TXN_NOT_FOUND' });
  });

  it('counts the calls it received', async () => {
    const before = { ...sim.calls };
    await client.check(CARD);
    await client.status(txn());
    expect(sim.calls).toEqual({ check: before.check + 1, pay: before.pay, status: before.status + 1 });
  });
});

describe('faults', () => {
  it('http-500 on pay is a TransportError http-status (queue a status check), and nothing was paid', async () => {
    sim.setFault(CARD, { kind: 'http-500' });
    const txnId = txn();
    const error = await transportError(client.pay({ productId: CARD, price: PRICE, txnId }), 'http-status');
    expect(error.httpStatus).toBe(500);
    expect(error.operation).toBe('POST /pay');
    sim.setFault(CARD, null);
    expect(await client.status(txnId)).toMatchObject({ status: 'TXN_NOT_FOUND' });
  });

  it('http-500 takes any 5xx, and hits check and status too', async () => {
    sim.setFault('all', { kind: 'http-500', status: 502 });
    expect((await transportError(client.check(CARD), 'http-status')).httpStatus).toBe(502);
    expect((await transportError(client.status(txn()), 'http-status')).httpStatus).toBe(502);
  });

  it("a product's own fault wins over the fault for all, and leaves other products alone", async () => {
    sim.setFault('all', { kind: 'http-500' });
    sim.setFault(CARD, { kind: 'wrong-price' });
    expect(await client.pay({ productId: CARD, price: PRICE, txnId: txn() })).toMatchObject({ status: 'WRONG_PRICE' });
    await transportError(client.check(SCARCE), 'http-status');
    sim.setFault(CARD, null);
    sim.setFault('all', null);
    expect((await client.check(CARD)).status).toBe('OK');
  });

  it('timeout: the call fails with kind timeout after timeoutMs', async () => {
    sim.setFault(CARD, { kind: 'timeout' });
    const quick = new CodeGamesClient({ baseUrl: sim.url, timeoutMs: 150 });
    const started = performance.now();
    await transportError(quick.pay({ productId: CARD, price: PRICE, txnId: txn() }), 'timeout');
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('slow within the timeout is an answer', async () => {
    sim.setFault(CARD, { kind: 'slow', ms: 100 });
    const started = performance.now();
    expect((await client.check(CARD)).status).toBe('OK');
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('slow past the timeout: a timeout, yet the payment went through and status finds it (late success)', async () => {
    sim.setFault(CARD, { kind: 'slow', ms: 1000 });
    const quick = new CodeGamesClient({ baseUrl: sim.url, timeoutMs: 100 });
    const txnId = txn();
    await transportError(quick.pay({ productId: CARD, price: PRICE, txnId }), 'timeout');
    sim.setFault(CARD, null);
    const status = await client.status(txnId);
    expect(status.status).toBe('OK');
    expect(status.product?.productKey).toBe(sim.payments().find((p) => p.txnId === txnId)?.productKey);
  });

  it('garbage: a 200 that is not JSON is a TransportError bad-body with the body snippet', async () => {
    sim.setFault(CARD, { kind: 'garbage' });
    const error = await transportError(client.check(CARD), 'bad-body');
    expect(error.httpStatus).toBe(200);
    expect(error.body).toContain('Bad Gateway');
  });

  it('garbage JSON that does not match the schema is bad-body, with key values redacted in the snippet', async () => {
    const body = JSON.stringify({ status: 'OK', product: { id: CARD, name: 'x', productKey: 'SECRET-KEY-123' } }); // no partner_txn_id
    sim.setFault(CARD, { kind: 'garbage', body });
    const error = await transportError(client.pay({ productId: CARD, price: PRICE, txnId: txn() }), 'bad-body');
    expect(error.message).toContain('does not match the schema');
    expect(error.body).toContain('[redacted]');
    expect(error.body).not.toContain('SECRET-KEY-123');
  });

  it('an unknown status string is bad-body, not an answer', async () => {
    sim.setFault(CARD, { kind: 'garbage', body: '{"status":"MAYBE"}' });
    await transportError(client.check(CARD), 'bad-body');
  });

  it('pay-fails-then-ok: pay is a 5xx, status answers 5xx n times, then OK with the key', async () => {
    sim.setFault(CARD, { kind: 'pay-fails-then-ok', okAfterStatusCalls: 2 });
    const txnId = txn();
    await transportError(client.pay({ productId: CARD, price: PRICE, txnId }), 'http-status');
    sim.setFault(CARD, null); // the payment keeps its script

    // What the fulfilment worker does: poll status until an answer.
    const outcomes: string[] = [];
    let answer;
    for (let attempt = 0; attempt < 5 && !answer; attempt++) {
      try {
        answer = await client.status(txnId);
      } catch (error) {
        outcomes.push((error as { kind: string }).kind);
      }
    }
    expect(outcomes).toEqual(['http-status', 'http-status']);
    expect(answer?.status).toBe('OK');
    expect(answer?.product?.productKey).toBe(sim.payments().find((p) => p.txnId === txnId)?.productKey);
    expect(answer?.product?.productKey).toMatch(/^CG-/);
  });

  it('pay-fails-then-ok with 0: the first status call answers OK', async () => {
    sim.setFault(CARD, { kind: 'pay-fails-then-ok', okAfterStatusCalls: 0 });
    const txnId = txn();
    await transportError(client.pay({ productId: CARD, price: PRICE, txnId }), 'http-status');
    expect((await client.status(txnId)).status).toBe('OK');
  });

  it('duplicate: pay answers TXN_DUPLICATE for a new txn_id', async () => {
    sim.setFault(CARD, { kind: 'duplicate' });
    expect(await client.pay({ productId: CARD, price: PRICE, txnId: txn() })).toMatchObject({ status: 'TXN_DUPLICATE' });
  });

  it('out-of-stock: check and pay answer PRODUCT_OUT_OF_STOCK while keys remain', async () => {
    sim.setFault(CARD, { kind: 'out-of-stock' });
    expect(await client.check(CARD)).toMatchObject({ status: 'PRODUCT_OUT_OF_STOCK' });
    expect(await client.pay({ productId: CARD, price: PRICE, txnId: txn() })).toMatchObject({ status: 'PRODUCT_OUT_OF_STOCK' });
    expect(sim.catalog().find((p) => p.id === CARD)!.keysLeft).toBeGreaterThan(0);
  });

  it('wrong-price: pay answers WRONG_PRICE for the right price', async () => {
    sim.setFault(CARD, { kind: 'wrong-price' });
    expect(await client.pay({ productId: CARD, price: PRICE, txnId: txn() })).toMatchObject({ status: 'WRONG_PRICE' });
  });

  it('ok-without-key: pay and status answer OK without the product; the key was taken', async () => {
    sim.setFault(CARD, { kind: 'ok-without-key' });
    const txnId = txn();
    const paid = await client.pay({ productId: CARD, price: PRICE, txnId });
    expect(paid.status).toBe('OK');
    expect(paid.product).toBeUndefined();
    const status = await client.status(txnId);
    expect(status.status).toBe('OK');
    expect(status.product).toBeUndefined();
    expect(sim.payments().find((p) => p.txnId === txnId)?.productKey).toMatch(/^CG-/);
  });

  it('canceled: pay is a 5xx, then status answers TXN_CANCELED', async () => {
    sim.setFault(CARD, { kind: 'canceled' });
    const txnId = txn();
    await transportError(client.pay({ productId: CARD, price: PRICE, txnId }), 'http-status');
    expect(await client.status(txnId)).toMatchObject({ status: 'TXN_CANCELED' });
  });

  it('a fault of an unknown kind, or for an unknown product, is refused', () => {
    expect(() => sim.setFault('all', { kind: 'nope' } as never)).toThrow(/unknown fault kind/);
    expect(() => sim.setFault(42, { kind: 'timeout' })).toThrow(/no product 42/);
    expect(() => sim.setFault('all', { kind: 'slow', ms: -1 })).toThrow(/ms/);
  });
});

describe('transport', () => {
  it('a closed port is a TransportError network', async () => {
    const gone = await startCodeGamesSimulator();
    const url = gone.url;
    await gone.stop();
    const error = await transportError(new CodeGamesClient({ baseUrl: url }).check(CARD), 'network');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('sends the token raw in Authorization when given; without it the simulator answers 401', async () => {
    const guarded = await startCodeGamesSimulator({ token: 'cg-secret-token' });
    try {
      expect((await new CodeGamesClient({ baseUrl: guarded.url, token: 'cg-secret-token' }).check(CARD)).status).toBe('OK');
      const error = await transportError(new CodeGamesClient({ baseUrl: guarded.url }).check(CARD), 'http-status');
      expect(error.httpStatus).toBe(401);
      await transportError(new CodeGamesClient({ baseUrl: guarded.url, token: 'Bearer cg-secret-token' }).check(CARD), 'http-status');
    } finally {
      await guarded.stop();
    }
  });

  it('a body over 1 MiB is bad-body, not buffered', async () => {
    sim.setFault(CARD, { kind: 'garbage', body: 'x'.repeat(2 * 1024 * 1024) });
    const error = await transportError(client.check(CARD), 'bad-body');
    expect(error.message).toMatch(/over \d+ bytes/);
  });
});
