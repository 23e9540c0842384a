/**
 * The hub's Prometheus metrics (prom-client), one registry per hub: several hubs in one process
 * (the tests) never mix their numbers. Counters and histograms are fed where things happen (HTTP,
 * order placement and its batches, supplier calls, database restarts); gauges are read at scrape time from what
 * holds them (the pool, the fulfilment queue, the TON rate), so a scrape shows the present.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type pg from 'pg';
import type { SupplierAdapter, SupplierOutcome } from '../modules/suppliers/index.ts';

/** Latency buckets, seconds: from a cached find-one (≈2 ms) to the 5 s database bound and beyond. */
const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Placing an order: finer where a create-order's p99 is judged (tens of milliseconds). */
const PLACEMENT_BUCKETS = [0.001, 0.002, 0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Supplier calls take longer: up to their timeouts (10 s by default, more when configured). */
const SUPPLIER_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Orders per placing statement: 1 (no batch) up to DROPGATE_ORDER_BATCH_MAX's range. */
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 1000];
/** An order's wait for its placing statement: nothing at low load, a statement's time or more past the cap. */
const STATEMENT_WAIT_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** What the scrape-time gauges read; each part is optional (no Stars, no embedded database). */
export interface MetricSources {
  pool: pg.Pool;
  /** The fulfilment queue: jobs waiting, and the age of the oldest one's order. */
  queue(): Promise<{ depth: number; oldestSeconds: number | null }>;
  /** When the TON/USD rate was last fetched; undefined when Stars are off or none was fetched yet. */
  tonRateFetchedAt?(): Date | undefined;
}

export class HubMetrics {
  readonly registry = new Registry();
  readonly #http = new Histogram({
    name: 'dropgate_http_request_duration_seconds',
    help: 'HTTP requests by method, route (its template) and status: count and latency',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly #orders = new Counter({
    name: 'dropgate_orders_total',
    help: 'Orders accepted, by merchant protocol and the status the merchant was answered',
    labelNames: ['protocol', 'status'] as const,
    registers: [this.registry],
  });
  readonly #placement = new Histogram({
    name: 'dropgate_order_placement_seconds',
    help: 'Time to accept an order (checks and the placing statement), by protocol',
    labelNames: ['protocol'] as const,
    buckets: PLACEMENT_BUCKETS,
    registers: [this.registry],
  });
  readonly #orderStatements = new Histogram({
    name: 'dropgate_order_batch_size',
    help: 'Statements placing orders, by how many orders each carried (sum / count: the mean batch)',
    buckets: BATCH_BUCKETS,
    registers: [this.registry],
  });
  readonly #orderStatementWaits = new Histogram({
    name: 'dropgate_order_statement_wait_seconds',
    help: 'How long each order waited for its placing statement, batching on: queued behind its merchant or the cap on statements, then for a connection',
    buckets: STATEMENT_WAIT_BUCKETS,
    registers: [this.registry],
  });
  readonly #orderBatchRetries = new Counter({
    name: 'dropgate_order_batch_retries_total',
    help: 'Order batches rolled back whole (a deadlock, say) and placed again one order per statement',
    registers: [this.registry],
  });
  readonly #supplierCalls = new Histogram({
    name: 'dropgate_supplier_call_duration_seconds',
    help: 'Calls to upstream suppliers, by supplier, operation and outcome: count and latency',
    labelNames: ['supplier', 'operation', 'outcome'] as const,
    buckets: SUPPLIER_BUCKETS,
    registers: [this.registry],
  });
  readonly #databaseRestarts = new Counter({
    name: 'dropgate_embedded_database_restarts_total',
    help: 'Times the embedded PostgreSQL died and was started again by the hub',
    registers: [this.registry],
  });

  constructor() {
    // Process CPU, memory, file descriptors, GC, and the event loop's lag (nodejs_eventloop_lag_*).
    collectDefaultMetrics({ register: this.registry });
  }

  /** The gauges that are read when Prometheus scrapes. */
  watch(sources: MetricSources): void {
    const { pool } = sources;
    const registers = [this.registry];
    new Gauge({ name: 'dropgate_db_pool_connections', help: 'Database connections of the pool, by state', labelNames: ['state'] as const, registers,
      collect() {
        this.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
        this.set({ state: 'idle' }, pool.idleCount);
      } });
    new Gauge({ name: 'dropgate_db_pool_waiting', help: 'Requests waiting for a database connection', registers,
      collect() { this.set(pool.waitingCount); } });
    const depth = new Gauge({ name: 'dropgate_fulfilment_queue_depth', help: 'Orders waiting on a supplier step (queued fulfilment jobs)', registers });
    new Gauge({ name: 'dropgate_fulfilment_queue_oldest_seconds', help: 'Age of the oldest order in the fulfilment queue (0 when empty)', registers,
      async collect() {
        // One read feeds both gauges; a database that cannot answer leaves them as they were.
        const stats = await sources.queue().catch(() => undefined);
        if (!stats) return;
        depth.set(stats.depth);
        this.set(stats.oldestSeconds ?? 0);
      } });
    if (sources.tonRateFetchedAt) {
      const fetchedAt = sources.tonRateFetchedAt;
      new Gauge({ name: 'dropgate_ton_rate_age_seconds', help: 'Age of the TON/USD rate Stars are priced with (absent until the first fetch)', registers,
        collect() {
          const at = fetchedAt();
          if (at) this.set((Date.now() - at.getTime()) / 1000);
        } });
    }
  }

  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.#http.observe({ method, route, status: String(status) }, seconds);
  }

  orderPlaced(protocol: string, status: string, placementSeconds: number): void {
    this.#orders.inc({ protocol, status });
    this.#placement.observe({ protocol }, placementSeconds);
  }

  orderStatement(orders: number, waitedSeconds: readonly number[]): void {
    this.#orderStatements.observe(orders);
    for (const seconds of waitedSeconds) this.#orderStatementWaits.observe(seconds);
  }

  orderBatchRetried(): void {
    this.#orderBatchRetries.inc();
  }

  databaseRestarted(): void {
    this.#databaseRestarts.inc();
  }

  /** The adapter, with each call timed and counted by its outcome (a throw counts as `error`). */
  instrumentSupplier(supplier: string, adapter: SupplierAdapter): SupplierAdapter {
    const timed = async (operation: string, call: () => Promise<SupplierOutcome>): Promise<SupplierOutcome> => {
      const end = this.#supplierCalls.startTimer({ supplier, operation });
      try {
        const outcome = await call();
        end({ outcome: outcome.kind });
        return outcome;
      } catch (error) {
        end({ outcome: 'error' });
        throw error;
      }
    };
    return {
      place: (request) => timed('place', () => adapter.place(request)),
      checkStatus: (request) => timed('status', () => adapter.checkStatus(request)),
    };
  }
}
