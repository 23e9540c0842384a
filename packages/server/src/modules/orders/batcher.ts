/**
 * Group commit for create-orders. A merchant's orders serialise on its account row, held by each
 * order from its debit through COMMIT (and the commit's WAL flush), so one order per transaction
 * caps a busy merchant at one flush per order. The batcher sends an order at once when nothing of
 * its merchant is in flight (no added latency at low load); orders that arrive meanwhile wait and
 * go together, as one place_orders statement, when it returns. A global cap on statements in
 * flight (the pool less a reserve for everything else) makes orders of many merchants, past it,
 * share statements too.
 *
 * Invariants:
 * - each order is all-or-nothing on its own (a subtransaction in place_orders);
 * - a caller's promise settles only after its statement returned, committed (it autocommits), so
 *   a 2xx still means committed;
 * - a batch is sorted by merchant id (stable: a merchant's orders keep their arrival order), so
 *   every batch takes account rows in ascending order; within one hub a merchant is in at most one
 *   statement at a time;
 * - a batch that deadlocks on another lock (an offer row marked sold out, a transactionId's unique
 *   slot) or fails on its input was rolled back whole: its orders are retried one by one, each
 *   with the answer a single statement gives. A batch that loses the database (connection,
 *   timeout) fails every order of it with that same error, as a single statement would, and so
 *   do the orders of its merchants queued behind it, which would only meet the same database;
 * - an order is answered within the bound of a single one: it waits at most maxWaitMs, queued
 *   and for its statement's connection together (as a single order waits on the pool), and then
 *   its statement's own timeout.
 */
import pg from 'pg';
import { databaseFault } from '../../platform/db/index.ts';
import * as repo from './repository.ts';

export interface OrderBatcherOptions {
  /** The most orders one statement carries; 1: no batching, every order its own statement. */
  maxBatch: number;
  /** Statements placing orders in flight at once, across merchants. */
  maxInFlight: number;
  /**
   * How long an order may wait for a statement to carry it: past that it fails as a request that
   * waited too long for a pooled connection does (the pool's acquire timeout), so the bound on a
   * create-order's answer stays what it was without batching.
   */
  maxWaitMs: number;
  /**
   * Told of every statement that places orders, as it is sent: how many it carried, and how long
   * each of them waited for it, queued and for its connection (none with batching off, nor for a
   * batch's one-by-one retries).
   */
  onStatement?: (orders: number, waitedSeconds: readonly number[]) => void;
  /** Told of every batch retried one by one (after a deadlock, say): how many orders it held. */
  onRetry?: (orders: number) => void;
}

interface Waiting {
  input: repo.PlaceOrderInput;
  resolve(placed: repo.PlacedOrder): void;
  reject(error: unknown): void;
  /** When place() queued it (performance.now()). */
  queuedAt: number;
  /** When the order stops waiting: past it, neither queued nor waiting for a connection. */
  deadline: number;
  /** Fails the order if no statement took it in time. */
  timer: NodeJS.Timeout;
}

/** pg-pool's own error for a connection not had in time: the error handler answers it 503, Retry-After. */
const WAITED_TOO_LONG = 'timeout exceeded when trying to connect';

/** A batch that failed with one of these rolled back whole, and its orders alone may well pass. */
const DEADLOCK_OR_SERIALIZATION = new Set(['40P01', '40001']);

/** The most placing statements a pool of this size allows: a quarter of it, at least 2, stays for everything else. */
export function orderStatementsCap(poolSize: number): number {
  return Math.max(1, poolSize - Math.max(2, Math.ceil(poolSize / 4)));
}

export class OrderBatcher {
  readonly db: pg.Pool;
  readonly #options: OrderBatcherOptions;
  #waiting: Waiting[] = [];
  /** Merchants with a statement in flight: their next orders wait for it. */
  readonly #busy = new Set<number>();
  #inFlight = 0;

  constructor(db: pg.Pool, options: OrderBatcherOptions) {
    this.db = db;
    this.#options = options;
  }

  /**
   * place_order's result for this order, once its statement returned. A single statement raises
   * DG402 and DG409 as place_order does; in a batch they come back as INSUFFICIENT_BALANCE and
   * DUPLICATE (naming the existing order), which callers map the same way.
   */
  place(input: repo.PlaceOrderInput): Promise<repo.PlacedOrder> {
    if (this.#options.maxBatch <= 1) {
      this.#options.onStatement?.(1, []);
      return repo.placeOrder(this.db, input);
    }
    return new Promise((resolve, reject) => {
      const queuedAt = performance.now();
      const waiting: Waiting = {
        input, resolve, reject, queuedAt,
        deadline: queuedAt + this.#options.maxWaitMs,
        timer: setTimeout(() => this.#giveUp(waiting), this.#options.maxWaitMs),
      };
      this.#waiting.push(waiting);
      this.#dispatch();
    });
  }

  /** Orders waiting for a statement (for tests and figures). */
  get waiting(): number {
    return this.#waiting.length;
  }

  #giveUp(order: Waiting): void {
    const index = this.#waiting.indexOf(order);
    if (index === -1) return;
    this.#waiting.splice(index, 1);
    order.reject(this.#waitedTooLong());
  }

  #waitedTooLong(): Error {
    return new Error(`${WAITED_TOO_LONG}: the order waited ${this.#options.maxWaitMs} ms for a statement to place it`);
  }

  /** Fails, with a batch's error, the orders of its merchants that were queued behind it. */
  #failQueuedBehind(batch: Waiting[], error: unknown): void {
    const merchants = new Set(batch.map((order) => order.input.merchantId));
    const [behind, rest] = partition(this.#waiting, (order) => merchants.has(order.input.merchantId));
    this.#waiting = rest;
    for (const order of behind) {
      clearTimeout(order.timer);
      order.reject(error);
    }
  }

  #dispatch(): void {
    while (this.#inFlight < this.#options.maxInFlight) {
      const batch = this.#nextBatch();
      if (batch.length === 0) return;
      const merchants = new Set(batch.map((order) => order.input.merchantId));
      for (const merchant of merchants) this.#busy.add(merchant);
      this.#inFlight += 1;
      void this.#run(batch).finally(() => {
        this.#inFlight -= 1;
        for (const merchant of merchants) this.#busy.delete(merchant);
        this.#dispatch();
      });
    }
  }

  /** The longest-waiting orders of merchants with nothing in flight, up to maxBatch, by merchant id. */
  #nextBatch(): Waiting[] {
    const batch: Waiting[] = [];
    const rest: Waiting[] = [];
    for (const order of this.#waiting) {
      (batch.length < this.#options.maxBatch && !this.#busy.has(order.input.merchantId) ? batch : rest).push(order);
    }
    this.#waiting = rest;
    for (const order of batch) clearTimeout(order.timer);
    return batch.sort((a, b) => a.input.merchantId - b.input.merchantId);
  }

  async #run(batch: Waiting[]): Promise<void> {
    const client = await this.#connect(batch);
    if (client === undefined) return;
    const sentAt = performance.now();
    this.#options.onStatement?.(batch.length, batch.map((order) => (sentAt - order.queuedAt) / 1000));
    const inputs = batch.map((order) => order.input);
    let placed: repo.PlacedOrder[];
    try {
      placed = batch.length === 1 ? [await repo.placeOrder(client, inputs[0]!)] : await repo.placeOrders(client, inputs);
    } catch (error) {
      const lost = databaseLost(error);
      client.release(lost ? (error as Error) : undefined);
      if (batch.length > 1 && retriesOneByOne(error)) {
        this.#options.onRetry?.(batch.length);
        // One by one, in the batch's order: each a statement of its own, so nothing else of the batch can hold a lock it waits on.
        for (const order of batch) await this.#single(order);
        return;
      }
      this.#fail(batch, error, lost);
      return;
    }
    client.release();
    batch.forEach((order, i) => order.resolve(placed[i]!));
  }

  /**
   * A connection for the batch before its longest-waiting order's deadline, or none: then every
   * order of it has failed, nothing was sent, and a connection that comes later goes back unused.
   */
  async #connect(batch: Waiting[]): Promise<pg.PoolClient | undefined> {
    const connecting = this.db.connect();
    const left = Math.min(...batch.map((order) => order.deadline)) - performance.now();
    let expire: NodeJS.Timeout | undefined;
    const expired = new Promise<undefined>((resolve) => { expire = setTimeout(() => resolve(undefined), Math.max(0, left)); });
    try {
      const client = await Promise.race([connecting, expired]);
      if (client === undefined) {
        connecting.then((late) => late.release(), () => {});
        this.#fail(batch, this.#waitedTooLong(), true);
      }
      return client;
    } catch (error) {
      this.#fail(batch, error, databaseLost(error));
      return undefined;
    } finally {
      clearTimeout(expire);
    }
  }

  #fail(batch: Waiting[], error: unknown, lost: boolean): void {
    for (const order of batch) order.reject(error);
    if (lost) this.#failQueuedBehind(batch, error);
  }

  async #single(order: Waiting): Promise<void> {
    this.#options.onStatement?.(1, []);
    try {
      order.resolve(await repo.placeOrder(this.db, order.input));
    } catch (error) {
      order.reject(error);
    }
  }
}

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) (test(item) ? yes : no).push(item);
  return [yes, no];
}

/**
 * The database did not answer (its connection failed, a timeout, a shutdown): the orders queued
 * behind the statement would meet the same. A deadlock or a serialization failure is no such loss.
 */
function databaseLost(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return databaseFault(error) === 'unavailable' && !(typeof code === 'string' && DEADLOCK_OR_SERIALIZATION.has(code));
}

/**
 * A batch PostgreSQL refused is retried order by order, unless the database itself is unavailable
 * (shutdown, timeout), which would fail each order alike. Nor is a batch whose connection failed
 * (no answer: it may even have committed). A deadlock or a serialization failure is retried (a
 * single order takes one account lock, and waits on nothing the batch held), and so is a refused
 * input, so it fails only the order that carried it.
 */
function retriesOneByOne(error: unknown): boolean {
  if (!(error instanceof pg.DatabaseError)) return false;
  return DEADLOCK_OR_SERIALIZATION.has(error.code ?? '') || databaseFault(error) !== 'unavailable';
}
