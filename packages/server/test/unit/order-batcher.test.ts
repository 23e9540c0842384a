/**
 * The order batcher (modules/orders/batcher.ts) on a stand-in for the pool that answers when the
 * test says: which orders go alone and which together, in what order, and that every caller gets
 * its own order's answer, or its batch's failure. The SQL side is order-batches.test.ts.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { OrderBatcher } from '../../src/modules/orders/index.ts';
import type { PlacedOrder, PlaceOrderInput } from '../../src/modules/orders/repository.ts';

interface Statement {
  name: string;
  values: unknown[];
  answer(rows: unknown[]): void;
  fail(error: unknown): void;
}

/**
 * A pool whose statements wait until the test answers them. Its connections come at once, or,
 * once `holdConnections` is called, when the test hands them out.
 */
function heldPool() {
  const statements: Statement[] = [];
  const released: unknown[] = [];
  const heldConnections: Array<() => void> = [];
  let holding = false;
  const query = (config: { name: string; values: unknown[] }) => new Promise((resolve, reject) => {
    statements.push({ name: config.name, values: config.values, answer: (rows) => resolve({ rows }), fail: reject });
  });
  const client = { query, release: (error?: unknown) => released.push(error) };
  const pool = {
    query,
    connect: () => new Promise((resolve) => (holding ? heldConnections.push(() => resolve(client)) : resolve(client))),
  } as unknown as pg.Pool;
  return {
    pool, statements, released, heldConnections,
    holdConnections: () => { holding = true; },
  };
}

const order = (merchantId: number, transactionId: string): PlaceOrderInput => ({
  shopId: merchantId * 10, merchantId, offerId: 7, price: 100, transactionId,
  customerEmail: null, gameUserId: null, gameServerId: null, protocol: 'partner', stars: null,
});

/** What place_order would answer for a transactionId: an order id derived from it, so answers are told apart. */
const created = (transactionId: string): PlacedOrder => ({
  outcome: 'CREATED', orderId: Number(transactionId.replace(/\D/g, '')), status: 'COMPLETED', message: null, deliveredKey: null,
  productName: 'P', offerName: 'O', count: 1, price: 100, currency: 'USD', returnsKey: true, sandbox: false, createdAt: new Date(0),
});

/** Answers a batch statement as place_orders does, rows in reverse so the mapping must go by ordinal. */
function answerBatch(statement: Statement): void {
  const transactionIds = statement.values[4] as string[];
  statement.answer(transactionIds.map((id, i) => ({ ordinal: i + 1, ...created(id) })).reverse());
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the order batcher', () => {
  it('sends an order alone at once, and the orders that arrive meanwhile as one batch, each answer to its caller', async () => {
    const { pool, statements } = heldPool();
    const sizes: number[] = [];
    const waits: number[][] = [];
    const batcher = new OrderBatcher(pool, {
      maxBatch: 64, maxInFlight: 8, maxWaitMs: 60_000, onStatement: (n, waited) => { sizes.push(n); waits.push([...waited]); },
    });

    const first = batcher.place(order(1, 't-1'));
    await settle();
    expect(statements.map((s) => s.name)).toEqual(['orders.place']);
    const rest = [2, 3, 4, 5].map((n) => batcher.place(order(1, `t-${n}`)));
    await settle();
    expect(statements).toHaveLength(1);
    expect(batcher.waiting).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 30));

    statements[0]!.answer([created('t-1')]);
    expect(await first).toMatchObject({ orderId: 1 });
    await settle();
    expect(statements.map((s) => s.name)).toEqual(['orders.place', 'orders.place-batch']);
    const batch = statements[1]!;
    // 13 arrays, one element per order: place_order's parameters transposed.
    expect(batch.values).toHaveLength(13);
    expect(batch.values[4]).toEqual(['t-2', 't-3', 't-4', 't-5']);
    expect(batch.values[1]).toEqual([1, 1, 1, 1]);
    expect(batch.values[9]).toEqual([null, null, null, null]);
    answerBatch(batch);
    expect((await Promise.all(rest)).map((p) => p.orderId)).toEqual([2, 3, 4, 5]);
    expect(sizes).toEqual([1, 4]);
    // The first went at once; the four waited out the first's statement, held here for 30 ms.
    expect(waits[1]).toHaveLength(4);
    for (const seconds of waits[1]!) expect(seconds).toBeGreaterThanOrEqual(0.025);
    expect(waits[0]![0]).toBeLessThan(Math.min(...waits[1]!));
  });

  it('caps a batch at maxBatch and leaves the rest for the next statement', async () => {
    const { pool, statements } = heldPool();
    const batcher = new OrderBatcher(pool, { maxBatch: 3, maxInFlight: 8, maxWaitMs: 60_000 });
    const placed = Array.from({ length: 6 }, (_, i) => batcher.place(order(1, `t-${i + 1}`)));
    await settle();
    statements[0]!.answer([created('t-1')]);
    await settle();
    expect(statements[1]!.values[4]).toEqual(['t-2', 't-3', 't-4']);
    answerBatch(statements[1]!);
    await settle();
    expect(statements[2]!.values[4]).toEqual(['t-5', 't-6']);
    answerBatch(statements[2]!);
    expect((await Promise.all(placed)).map((p) => p.orderId)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('past the cap on statements, batches orders of several merchants by merchant id, none of a merchant already in flight', async () => {
    const { pool, statements } = heldPool();
    const batcher = new OrderBatcher(pool, { maxBatch: 64, maxInFlight: 2, maxWaitMs: 60_000 });
    const placed = [batcher.place(order(9, 't-90')), batcher.place(order(5, 't-50'))];
    await settle();
    expect(statements).toHaveLength(2);
    // Arrival order: merchant 3, 9 (in flight), 1, 3, 2.
    placed.push(...[order(3, 't-31'), order(9, 't-91'), order(1, 't-11'), order(3, 't-32'), order(2, 't-21')].map((o) => batcher.place(o)));
    expect(statements).toHaveLength(2);

    statements[0]!.answer([created('t-90')]);
    await settle();
    // Merchant 5 is still in flight; 9 is free again: ascending merchant ids, each merchant's orders as they came.
    expect(statements[2]!.values[1]).toEqual([1, 2, 3, 3, 9]);
    expect(statements[2]!.values[4]).toEqual(['t-11', 't-21', 't-31', 't-32', 't-91']);
    statements[1]!.answer([created('t-50')]);
    answerBatch(statements[2]!);
    expect((await Promise.all(placed)).map((p) => p.orderId)).toEqual([90, 50, 31, 91, 11, 32, 21]);
  });

  it('retries a batch that deadlocked one order per statement, each caller getting its own answer', async () => {
    const { pool, statements } = heldPool();
    const retried: number[] = [];
    const batcher = new OrderBatcher(pool, { maxBatch: 64, maxInFlight: 8, maxWaitMs: 60_000, onRetry: (n) => retried.push(n) });
    const first = batcher.place(order(1, 't-1'));
    const rest = [2, 3, 4].map((n) => batcher.place(order(1, `t-${n}`)));
    await settle();
    statements[0]!.answer([created('t-1')]);
    await first;
    await settle();
    statements[1]!.fail(Object.assign(new pg.DatabaseError('deadlock detected', 0, 'error'), { code: '40P01' }));
    const outcomes = rest.map((p) => p.then((placed) => placed.orderId, (error: { code?: string }) => error.code));
    for (const n of [2, 3, 4]) {
      await settle();
      const single = statements.at(-1)!;
      expect({ name: single.name, transactionId: single.values[4] }).toEqual({ name: 'orders.place', transactionId: `t-${n}` });
      // The one-by-one statements raise what place_order raises: here a lost transactionId race.
      if (n === 3) single.fail(Object.assign(new pg.DatabaseError('duplicate', 0, 'error'), { code: 'DG409' }));
      else single.answer([created(`t-${n}`)]);
    }
    expect(await Promise.all(outcomes)).toEqual([2, 'DG409', 4]);
    expect(retried).toEqual([3]);
    expect(statements).toHaveLength(5);
  });

  it('fails every order of a batch whose connection failed with that same error, and carries on', async () => {
    const { pool, statements } = heldPool();
    const batcher = new OrderBatcher(pool, { maxBatch: 64, maxInFlight: 8, maxWaitMs: 60_000 });
    const first = batcher.place(order(1, 't-1'));
    const rest = [2, 3].map((n) => batcher.place(order(1, `t-${n}`)));
    await settle();
    statements[0]!.answer([created('t-1')]);
    await first;
    await settle();
    const lost = new Error('Connection terminated unexpectedly');
    statements[1]!.fail(lost);
    expect(await Promise.allSettled(rest)).toEqual([{ status: 'rejected', reason: lost }, { status: 'rejected', reason: lost }]);
    expect(statements).toHaveLength(2);
    const next = batcher.place(order(1, 't-4'));
    await settle();
    expect(statements.at(-1)!.name).toBe('orders.place');
    statements.at(-1)!.answer([created('t-4')]);
    expect(await next).toMatchObject({ orderId: 4 });
  });

  it('fails the orders queued behind a statement that lost the database with its error, at once', async () => {
    const { pool, statements, released } = heldPool();
    const batcher = new OrderBatcher(pool, { maxBatch: 64, maxInFlight: 8, maxWaitMs: 60_000 });
    const placed = [1, 2, 3].map((n) => batcher.place(order(1, `t-${n}`)));
    const otherMerchant = batcher.place(order(2, 't-20'));
    await settle();
    expect(statements.map((s) => s.values[4])).toEqual(['t-1', 't-20']);
    const lost = new Error('Query read timeout');
    statements[0]!.fail(lost);
    expect(await Promise.allSettled(placed)).toEqual(placed.map(() => ({ status: 'rejected', reason: lost })));
    expect(batcher.waiting).toBe(0);
    expect(released).toEqual([lost]);
    // The other merchant's statement was not behind it, and stands.
    statements[1]!.answer([created('t-20')]);
    expect(await otherMerchant).toMatchObject({ orderId: 20 });
    expect(statements).toHaveLength(2);
  });

  it("counts a batch's wait for its connection in its orders' wait: past maxWaitMs they fail unsent, and the connection goes back unused", async () => {
    const { pool, statements, released, heldConnections, holdConnections } = heldPool();
    const batcher = new OrderBatcher(pool, { maxBatch: 64, maxInFlight: 8, maxWaitMs: 80 });
    const first = batcher.place(order(1, 't-1'));
    await settle();
    holdConnections();
    const queued = batcher.place(order(1, 't-2'));
    statements[0]!.answer([created('t-1')]);
    expect(await first).toMatchObject({ orderId: 1 });
    await settle();
    // t-2 left the queue for its batch, which waits for a connection.
    expect(batcher.waiting).toBe(0);
    expect(heldConnections).toHaveLength(1);
    await expect(queued).rejects.toThrow(/^timeout exceeded when trying to connect/);
    heldConnections[0]!();
    await settle();
    expect(statements).toHaveLength(1);
    expect(released).toEqual([undefined, undefined]);
  });

  it('fails an order that waited past maxWaitMs as a connection not had in time, and never sends it', async () => {
    const { pool, statements } = heldPool();
    const batcher = new OrderBatcher(pool, { maxBatch: 64, maxInFlight: 8, maxWaitMs: 30 });
    const first = batcher.place(order(1, 't-1'));
    const late = batcher.place(order(1, 't-2'));
    await expect(late).rejects.toThrow(/^timeout exceeded when trying to connect/);
    expect(batcher.waiting).toBe(0);
    await settle();
    statements[0]!.answer([created('t-1')]);
    expect(await first).toMatchObject({ orderId: 1 });
    await settle();
    expect(statements).toHaveLength(1);
  });

  it('with maxBatch 1 sends every order its own statement at once', async () => {
    const { pool, statements } = heldPool();
    const batcher = new OrderBatcher(pool, { maxBatch: 1, maxInFlight: 1, maxWaitMs: 60_000 });
    const placed = [1, 2, 3].map((n) => batcher.place(order(1, `t-${n}`)));
    expect(statements.map((s) => s.name)).toEqual(['orders.place', 'orders.place', 'orders.place']);
    statements.forEach((s) => s.answer([created(s.values[4] as string)]));
    expect((await Promise.all(placed)).map((p) => p.orderId)).toEqual([1, 2, 3]);
  });
});
