/**
 * The fulfilment worker: runs each order waiting on a supplier through its sources, in order.
 * Success completes the order with its key; a final failure fails over to the next source, and
 * after the last one cancels and refunds; an unknown outcome is polled per the supplier's policy,
 * and when the policy runs out the order goes to manual review (never refunded automatically).
 * Every step is claimed under a lease and settled in one transaction, so work survives crashes
 * and is shared safely by several hub instances.
 */
import type pg from 'pg';
import { inTransaction } from '../../platform/db/index.ts';
import type { Clock } from '../../platform/clock.ts';
import type { KeyVault } from '../../platform/crypto.ts';
import type { SupplierAdapter, SupplierConfig, SupplierOutcome } from '../suppliers/index.ts';
import { cancelInFlight, completeInFlight, findOrder, recordSupplierAttempt, recordUpstreamRef, setFulfillmentData, setReviewReason, type Order } from '../orders/index.ts';
import { listSources, supplierConfig, type OfferSource } from '../suppliers/index.ts';
import { starsCost } from '../telegram/index.ts';
import * as jobs from './repository.ts';

export interface WorkerLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface WorkerOptions {
  /** How often each instance looks for due jobs. */
  pollIntervalMs: number;
  /** Jobs one instance runs at once. */
  concurrency: number;
}

export interface WorkerDeps {
  pool: pg.Pool;
  vault: KeyVault;
  clock: Clock;
  log: WorkerLog;
  createAdapter(config: SupplierConfig): SupplierAdapter;
}

/** A job's lease outlives the slowest supplier's timeout by this much (settling is quick). */
const LEASE_MARGIN_MS = 5_000;

export class FulfilmentWorker {
  readonly #deps: WorkerDeps;
  readonly #options: WorkerOptions;
  readonly #running = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #started = false;
  /** When the polling loop last began or ended a round; undefined while one is in progress. */
  #idleSince: number | undefined;

  constructor(deps: WorkerDeps, options: WorkerOptions) {
    this.#deps = deps;
    this.#options = options;
  }

  start(): void {
    this.#started = true;
    this.#idleSince = Date.now();
    const tick = async () => {
      if (this.#stopped) return;
      this.#idleSince = undefined;
      try {
        await this.runDue();
      } catch (error) {
        this.#deps.log.error({ err: error }, 'fulfilment: claiming due jobs failed');
      }
      this.#idleSince = Date.now();
      if (!this.#stopped) this.#timer = setTimeout(tick, this.#options.pollIntervalMs);
    };
    this.#timer = setTimeout(tick, 0);
  }

  /**
   * Whether the polling loop runs: started, not stopped, and either in a round or due for the
   * next one (a loop that stopped scheduling itself is a bug /ready must show).
   */
  get alive(): boolean {
    if (!this.#started || this.#stopped) return false;
    return this.#idleSince === undefined || Date.now() - this.#idleSince < this.#options.pollIntervalMs * 3 + 5_000;
  }

  /** Stops claiming and waits for the jobs in progress to settle. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await Promise.allSettled([...this.#running]);
  }

  /** Claims the due jobs this instance has room for and runs them; resolves when they settle. */
  async runDue(): Promise<number> {
    const room = this.#options.concurrency - this.#running.size;
    if (room <= 0 || this.#stopped) return 0;
    const claimed = await jobs.claimDue(this.#deps.pool, this.#deps.clock.now(), LEASE_MARGIN_MS, room);
    await Promise.all(claimed.map((job) => this.#track(this.#run(job))));
    return claimed.length;
  }

  /** Runs one order's job now if it is due (create-order calls this to answer fast suppliers at once). */
  async kick(orderId: number): Promise<void> {
    if (this.#stopped) return;
    const job = await jobs.claimOrder(this.#deps.pool, orderId, this.#deps.clock.now(), LEASE_MARGIN_MS);
    if (job) await this.#track(this.#run(job));
  }

  #track(work: Promise<void>): Promise<void> {
    this.#running.add(work);
    return work.finally(() => this.#running.delete(work));
  }

  async #run(job: jobs.ClaimedJob): Promise<void> {
    try {
      const order = await findOrder(this.#deps.pool, job.orderId);
      if (!order || order.status !== 'PROCESSING') return await this.#settle(job, (tx) => jobs.deleteJob(tx, job.orderId));
      const sources = await listSources(this.#deps.pool, order.offerId);
      const source = sources[job.sourceIndex];
      if (!source) return await this.#apply(job, order, sources, undefined, { kind: 'failed', reason: 'the offer has no supplier source left' });
      const attemptHere = order.supplierTxnId === `${order.id}-${job.sourceIndex}`;
      if (job.claimedPhase !== 'place' && attemptHere && order.supplierId !== source.supplierId) {
        // The offer's sources were rearranged (Telegram Stars) while this one held the order: asking
        // another supplier about it could send it twice, so a person looks.
        return await this.#settle(job, async (tx) => {
          await setReviewReason(tx, order.id, `the offer's sources changed while supplier ${order.supplierId} held the order`);
          await jobs.deleteJob(tx, order.id);
        });
      }
      const supplier = await supplierConfig(this.#deps.pool, this.#deps.vault, source.supplierId);
      // A source whose upstream offer the catalog sync found gone or sold out is not asked to sell.
      const outcome: SupplierOutcome = source.available || job.claimedPhase !== 'place'
        ? await this.#callSupplier(job, order, source, supplier)
        : { kind: 'failed', reason: 'the upstream catalog lists it gone or out of stock' };
      await this.#apply(job, order, sources, supplier, outcome);
      // A failover is due at once: go straight on to the next source, in this same run.
      if (outcome.kind === 'failed' && job.sourceIndex + 1 < sources.length) {
        const next = await jobs.claimOrder(this.#deps.pool, job.orderId, this.#deps.clock.now(), LEASE_MARGIN_MS);
        if (next) await this.#run(next);
      }
    } catch (error) {
      // The job stays leased and comes due again when the lease ends: nothing is lost.
      this.#deps.log.error({ err: error, orderId: job.orderId }, 'fulfilment: job failed; it will be retried');
    }
  }

  async #callSupplier(job: jobs.ClaimedJob, order: Order, source: OfferSource, supplier: SupplierConfig): Promise<SupplierOutcome> {
    const supplierTxnId = `${order.id}-${job.sourceIndex}`; // stable per source: the upstream idempotency key
    const adapter = this.#deps.createAdapter(supplier);
    const cost = starsOrderCost(order, supplier) ?? { cost: source.cost, costCurrency: source.costCurrency };
    if (order.supplierTxnId !== supplierTxnId) {
      // Recorded before the call, so a crash mid-call still shows which supplier holds the order.
      await inTransaction(this.#deps.pool, (tx) => recordSupplierAttempt(tx, order.id, {
        supplierId: supplier.id, supplierProductId: source.supplierProductId, ...cost, supplierTxnId, upstreamRef: null,
      }));
    }
    const request = {
      supplierTxnId, productId: source.supplierProductId, ...cost, gameUserId: order.gameUserId, starsAmount: order.starsAmount,
    };
    try {
      return job.claimedPhase === 'place'
        ? await adapter.place(request)
        : await adapter.checkStatus({ ...request, upstreamRef: order.upstreamRef });
    } catch (error) {
      // Adapters classify every answer; anything they throw is a bug of theirs, and "unknown" is
      // the one safe reading of it (never final: the status queue or review decides).
      return { kind: 'unknown', reason: `adapter error: ${(error as Error).message}` };
    }
  }

  async #apply(job: jobs.ClaimedJob, order: Order, sources: OfferSource[], supplier: SupplierConfig | undefined, outcome: SupplierOutcome): Promise<void> {
    const { vault, clock, log } = this.#deps;
    const actor = supplier ? `supplier:${supplier.id}` : 'system';
    log.info({ orderId: order.id, source: job.sourceIndex, outcome: outcome.kind, reason: 'reason' in outcome ? outcome.reason : undefined }, 'fulfilment: supplier answered');
    await this.#settle(job, async (tx) => {
      if (outcome.kind === 'deferred') {
        // Nothing was sent: the same step again later, not counted against the status policy.
        const phase = job.claimedPhase === 'place' ? 'place' : 'poll';
        const dueAt = new Date(clock.now().getTime() + outcome.retryAfterMs);
        return jobs.reschedule(tx, order.id, { sourceIndex: job.sourceIndex, phase, attempts: job.attempts, dueAt, lastOutcome: `deferred: ${outcome.reason}` });
      }
      if (outcome.kind === 'delivered') {
        if (outcome.upstreamRef) await recordUpstreamRef(tx, order.id, outcome.upstreamRef);
        if (outcome.fulfillmentData) await setFulfillmentData(tx, order.id, outcome.fulfillmentData);
        // The job goes first: the transition's money (the merchant's account row) is the last lock.
        await jobs.deleteJob(tx, order.id);
        if (outcome.key === null && order.returnsKey) {
          return setReviewReason(tx, order.id, `paid upstream at ${supplier?.name}, key missing`);
        }
        return completeInFlight(tx, order, outcome.key === null ? null : vault.seal(outcome.key), actor, `delivered by ${supplier?.name}`);
      }
      if (outcome.kind === 'failed') {
        const next = job.sourceIndex + 1;
        if (next < sources.length) {
          return jobs.reschedule(tx, order.id, { sourceIndex: next, phase: 'place', attempts: 0, dueAt: clock.now(), lastOutcome: `failed: ${outcome.reason}` });
        }
        if (outcome.fulfillmentData) await setFulfillmentData(tx, order.id, outcome.fulfillmentData);
        await jobs.deleteJob(tx, order.id);
        return cancelInFlight(tx, order, actor, outcome.customerMessage ?? `No supplier could fulfil the order: ${outcome.reason}`);
      }
      if (outcome.upstreamRef) await recordUpstreamRef(tx, order.id, outcome.upstreamRef);
      const checks = job.attempts + (job.claimedPhase === 'place' ? 0 : 1);
      if (checks >= supplier!.statusAttempts) {
        await setReviewReason(tx, order.id, `outcome unknown at ${supplier!.name} after ${checks} status checks: ${outcome.reason}`);
        return jobs.deleteJob(tx, order.id);
      }
      const dueAt = new Date(clock.now().getTime() + supplier!.statusIntervalS * 1000);
      return jobs.reschedule(tx, order.id, { sourceIndex: job.sourceIndex, phase: 'poll', attempts: checks, dueAt, lastOutcome: `unknown: ${outcome.reason}` });
    });
  }

  /** Settles under the job's lease; a worker whose lease was taken over writes nothing. */
  async #settle(job: jobs.ClaimedJob, write: (tx: pg.PoolClient) => Promise<unknown>): Promise<void> {
    await inTransaction(this.#deps.pool, async (tx) => {
      if (!(await jobs.holdLease(tx, job))) {
        this.#deps.log.warn({ orderId: job.orderId }, 'fulfilment: lease taken over by another worker; dropping this result');
        return;
      }
      await write(tx);
    });
  }
}


/**
 * What a Telegram Stars order may cost at a supplier: at the stars provider, their TON price at
 * the order's rate (the margin is ours); at a GamesDrop upstream, which prices them itself, at
 * most what the merchant was charged (never sold at a loss). Undefined for other orders.
 */
function starsOrderCost(order: Order, supplier: SupplierConfig): { cost: number; costCurrency: 'USD' } | undefined {
  if (order.starsAmount === null) return undefined;
  if (supplier.kind === 'gamesdrop') return { cost: order.price, costCurrency: 'USD' };
  if (order.tonUsdRate === null) return undefined;
  return { cost: starsCost(order.starsAmount, order.tonUsdRate), costCurrency: 'USD' };
}
