/**
 * Starting and stopping a hub: database (embedded or DATABASE_URL), migrations, secrets,
 * operator token, optional demo data, then HTTP. Used by `dropgate serve`, `npm start`,
 * the tests and the benchmark alike, so all of them run the same start-up.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type pg from 'pg';
import { buildApp, registerApis } from './app.ts';
import type { Config } from './config.ts';
import type { Hub } from './hub.ts';
import { Access, assertPermissionTable, Team } from './modules/access/index.ts';
import { Audit } from './modules/audit/index.ts';
import { AuditLog } from './modules/audit-log/index.ts';
import { Catalog } from './modules/catalog/index.ts';
import { Checkout } from './modules/checkout/index.ts';
import { Fulfilment, FulfilmentWorker, queueStats } from './modules/fulfilment/index.ts';
import { Ledger } from './modules/ledger/index.ts';
import { Inventory } from './modules/inventory/index.ts';
import { KeyReveals } from './modules/key-reveals/index.ts';
import { Merchants, ShopTokens } from './modules/merchants/index.ts';
import { assertStateMachine, findOrder, OrderBatcher, orderStatementsCap, orderView, Orders } from './modules/orders/index.ts';
import { ShopLimits } from './modules/shop-limits/index.ts';
import { Webhooks, webhookPump, webhookTasks } from './modules/webhooks/index.ts';
import { orderToWire } from './protocols/partner-api/present.ts';
import { startJobs, type JobRunner } from './platform/jobs/index.ts';
import { SIGN_IN_WINDOW_SECONDS } from './backoffice-api/index.ts';
import { operatorBackup } from './operator-api/index.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { CatalogSyncs, catalogSyncTasks, configureStarsProvider, repriceOnRate, Suppliers } from './modules/suppliers/index.ts';
import { basisPoints, STARS_OFFER_ID, TelegramBot, TelegramStars, TelegramUsers, TonRate } from './modules/telegram/index.ts';
import { createAdapter } from './supplier-adapters/index.ts';
import { generateToken, hashToken, KeyVault, secretFingerprint } from './platform/crypto.ts';
import { ChangeFeed, createPool, expectedSchema, migrate, openLongConnection, SlotLimiter, startEmbeddedPostgres, type EmbeddedDatabase } from './platform/db/index.ts';
import { HubMetrics } from './observability/metrics.ts';
import { ReadinessProbe } from './observability/readiness.ts';
import { observabilityRoutes } from './observability/routes.ts';
import { seedDemo, type DemoCredentials } from './seed/demo.ts';
import { startDemoStars } from './seed/demo-stars.ts';
import { startDemoSupplier } from './seed/demo-supplier.ts';

export interface RunningHub {
  app: FastifyInstance;
  hub: Hub;
  url: string;
  /** Set only on the start that generated the operator token: it is never shown again. */
  newAdminToken: string | undefined;
  demo: DemoCredentials | undefined;
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: FastifyServerOptions['logger'];
  /** Tests inject a manual clock to run supplier policies in seconds. */
  clock?: Clock;
}

export async function startHub(config: Config, options: StartOptions = {}): Promise<RunningHub> {
  assertStateMachine();
  assertPermissionTable();
  const embedded: EmbeddedDatabase | undefined = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort });
  const databaseUrl = config.databaseUrl ?? embedded!.url;
  // Requests wait on the database within bounds (503 past them); migrations may take as long as they need.
  const pool = createPool(databaseUrl, config.dbPoolSize, { acquireMs: config.dbAcquireTimeoutMs, statementMs: config.dbStatementTimeoutMs });
  let feed: ChangeFeed | undefined;
  let demoStars: Awaited<ReturnType<typeof startDemoStars>> | undefined;
  let telegramBot: TelegramBot | undefined;
  let jobs: JobRunner | undefined;
  try {
    await migrateOnce(databaseUrl);
    const secret = await loadSecret(config);
    const vault = new KeyVault(secret);
    const admin = await resolveAdminToken(pool, config.adminToken);
    const demo = config.demo ? await seedDemo(pool, vault, config.dataDir, admin.newToken) : undefined;
    const demoSupplier = config.demo ? await startDemoSupplier(pool, vault) : undefined;
    // The demo's Telegram Stars run on simulators, unless the environment configures real ones.
    demoStars = config.demo ? await startDemoStars(config) : undefined;
    const { stars: starsConfig, tonRate: rateConfig, telegram: botConfig } = demoStars?.config ?? config;
    const metrics = new HubMetrics();
    const app = await buildApp({
      ...options, trustProxy: config.trustProxy, requestTimeoutMs: config.requestTimeoutMs, headersTimeoutMs: config.headersTimeoutMs, metrics,
    });
    embedded?.useLog(app.log);
    embedded?.onRestart(() => metrics.databaseRestarted());
    feed = new ChangeFeed(databaseUrl, app.log);
    await feed.start();
    const clock = options.clock ?? systemClock;
    const starsParts = starsConfig ? await startStars(pool, vault, starsConfig, rateConfig, clock, app.log) : undefined;
    const stars = starsParts?.stars;
    // Every stars provider call, from any instance, takes a slot here (orders in flight still
    // reach the provider after Stars are switched off, so the limiter always exists).
    const starsLimiter = new SlotLimiter(pool, { name: 'telegram-stars-provider', perSecond: starsConfig?.rateLimit ?? 30, maxWaitMs: STARS_MAX_SLOT_WAIT_MS });
    const worker = new FulfilmentWorker(
      { pool, vault, clock, log: app.log, createAdapter: (supplier) => metrics.instrumentSupplier(supplier.name, createAdapter(supplier, { starsLimiter })) },
      { pollIntervalMs: config.workerPollMs, concurrency: config.workerConcurrency },
    );
    metrics.watch({ pool, queue: () => queueStats(pool), tonRateFetchedAt: starsParts && (() => starsParts.tonRate.fetchedAt) });
    telegramBot = botConfig ? new TelegramBot(pool, { ...botConfig, token: botConfig.botToken, databaseUrl, log: app.log }) : undefined;
    const shops = new ShopTokens(pool, feed);
    const catalog = new Catalog(pool, feed, { onRateSet: repriceOnRate });
    const webhookPolicy = { allowHttp: config.webhooks.allowHttp, allowPrivate: config.webhooks.allowPrivate };
    const catalogSyncs = new CatalogSyncs({ pool, vault, log: app.log, createAdapter: (supplier) => createAdapter(supplier, { starsLimiter }) });
    const hub: Hub = {
      checkout: new Checkout({
        pool, vault, catalog, stars, worker, orderWaitMs: config.orderWaitMs,
        orderBatcher: new OrderBatcher(pool, {
          maxBatch: config.orderBatchMax,
          maxInFlight: Math.min(config.orderStatements, orderStatementsCap(config.dbPoolSize)),
          maxWaitMs: config.dbAcquireTimeoutMs,
          onStatement: (orders, waitedSeconds) => metrics.orderStatement(orders, waitedSeconds),
          onRetry: () => metrics.orderBatchRetried(),
        }),
        onOrder: (protocol, status, seconds) => metrics.orderPlaced(protocol, status, seconds),
      }),
      catalog,
      inventory: new Inventory(pool, vault),
      keyReveals: new KeyReveals(pool, vault),
      suppliers: new Suppliers(pool, vault),
      catalogSyncs,
      orders: new Orders(pool, vault),
      fulfilment: new Fulfilment(pool, vault),
      worker,
      ledger: new Ledger(pool),
      merchants: new Merchants(pool, shops),
      shops,
      shopLimits: new ShopLimits(pool, feed, { defaultRateLimit: config.rateLimit, windowSeconds: config.rateLimitWindowS, reservationWaitMs: config.rateLimitWaitMs, log: app.log }),
      access: new Access(pool, vault, {
        limits: { perAccount: config.signInMaxPerAccount, perIp: config.signInMaxPerIp, windowSeconds: SIGN_IN_WINDOW_SECONDS },
        operatorTokenHash: admin.hash,
      }),
      team: new Team(pool),
      auditLog: new AuditLog(pool),
      audit: new Audit(pool),
      stars,
      telegramUsers: new TelegramUsers(pool),
      telegramBot,
      backoffice: { cookieSecure: config.cookieSecure },
      webhooks: new Webhooks(pool, vault, webhookPolicy),
    };
    await registerApis(app, hub);
    const readiness = new ReadinessProbe({ pool, expected: await expectedSchema(), worker, embeddedDown: embedded?.down });
    await app.register(observabilityRoutes, { readiness, metrics, metricsToken: config.metricsToken });
    await app.register(operatorBackup, {
      prefix: '/admin/v1', hub, secretFingerprint: secretFingerprint(secret),
      embedded: embedded && { dataDir: path.resolve(config.dataDir), clusterDir: embedded.clusterDir, connect: () => openLongConnection(pool) },
    });
    jobs = await startJobs({
      databaseUrl, concurrency: config.jobs.concurrency, pollIntervalMs: config.jobs.pollMs, heartbeatMs: config.jobs.heartbeatMs, log: app.log,
      tasks: {
        ...webhookTasks(
          { pool, vault, clock, renderOrder: (orderId, status, includeKey) => renderWebhookOrder(pool, vault, orderId, status, includeKey) },
          { ...webhookPolicy, timeoutMs: config.webhooks.timeoutMs, retryBaseMs: config.webhooks.retryBaseMs, maxDelayMs: config.webhooks.maxDelayMs, maxAgeMs: config.webhooks.maxAgeS * 1000 },
        ),
        ...catalogSyncTasks(catalogSyncs, pool),
      },
      pumps: [webhookPump(config.webhooks.dispatchMs)],
    });
    const address = await app.listen({ port: config.port, host: config.host });
    worker.start();
    telegramBot?.start();
    return {
      app,
      hub,
      url: address,
      newAdminToken: admin.newToken,
      demo,
      async stop() {
        // Within STOP_BUDGET_MS whatever state the database is in: each step gets what is left.
        const deadline = Date.now() + STOP_BUDGET_MS - DATABASE_STOP_RESERVE_MS;
        const left = () => Math.max(0, deadline - Date.now());
        readiness.stopping();
        await drain(app, Math.min(DRAIN_DEADLINE_MS, left()));
        // Jobs still running keep their lease and are taken up again when it ends: nothing is lost.
        await within(Promise.all([worker.stop(), catalogSyncs.stop(), jobs?.stop()]), left());
        await within(Promise.all([telegramBot?.stop(), demoSupplier?.stop(), demoStars?.stop(), feed?.stop()]), left());
        await within(pool.end(), left());
        await embedded?.stop();
      },
    };
  } catch (error) {
    await jobs?.stop().catch(() => {});
    await telegramBot?.stop();
    await demoStars?.stop();
    await feed?.stop();
    await pool.end().catch(() => {});
    await embedded?.stop().catch(() => {});
    throw error;
  }
}

/** A webhook's order: the Partner API's shape, with the status its event recorded; the key only where the shop opted in. */
async function renderWebhookOrder(pool: pg.Pool, vault: KeyVault, orderId: number, status: string, includeKey: boolean) {
  const order = await findOrder(pool, orderId);
  if (!order) throw new Error(`order ${orderId} of a webhook event does not exist`);
  const view = orderView({ ...order, status: status as typeof order.status }, vault);
  return orderToWire(includeKey ? view : { ...view, key: undefined });
}

/** Migrations on a connection of their own, without the pool's timeouts: a migration may be long. */
async function migrateOnce(databaseUrl: string): Promise<void> {
  const pool = createPool(databaseUrl, 1);
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
}

/** Resolves when `work` settles or after `ms`, whichever comes first; `work` failing is not this caller's concern. */
async function within(work: Promise<unknown>, ms: number): Promise<void> {
  await Promise.race([work.catch(() => {}), sleep(ms, undefined, { ref: false })]);
}

/**
 * A stars provider call waits at most this long for its rate-limit slot; beyond, the step is
 * deferred. It must stay under the fulfilment lease's margin over the supplier timeout (5 s).
 */
const STARS_MAX_SLOT_WAIT_MS = 3_000;

/** Telegram Stars: the provider attached to offer 0, and pricing from the TON/USD rate. */
async function startStars(
  pool: pg.Pool,
  vault: KeyVault,
  stars: NonNullable<Config['stars']>,
  rate: Config['tonRate'],
  clock: Clock,
  log: FastifyInstance['log'],
): Promise<{ stars: TelegramStars; tonRate: TonRate }> {
  await configureStarsProvider(pool, vault, {
    baseUrl: stars.providerUrl, token: stars.providerToken, timeoutMs: stars.providerTimeoutMs,
    statusIntervalS: stars.statusIntervalS, statusAttempts: stars.statusAttempts,
  }, STARS_OFFER_ID);
  const tonRate = new TonRate({
    url: rate.url, field: rate.field, cacheMs: rate.cacheS * 1000, maxAgeMs: rate.maxAgeS * 1000,
    fallback: rate.fallback, timeoutMs: rate.timeoutMs, clock, log,
  });
  return { stars: new TelegramStars(tonRate, { marginBp: basisPoints(stars.marginPercent), toleranceBp: basisPoints(stars.tolerancePercent) }), tonRate };
}

/** A stop ends within this (docs/operations.md), whatever the database does meanwhile. */
const STOP_BUDGET_MS = 10_000;
/** The longest a stop waits for in-flight requests before cutting their connections. */
const DRAIN_DEADLINE_MS = 5_000;
/** What the embedded database's stop may take at worst (fast, then immediate, then kill). */
const DATABASE_STOP_RESERVE_MS = 4_500;

/**
 * Stops accepting connections and lets in-flight requests finish. A keep-alive connection that
 * was busy when closing began turns idle after its answer, and close() waits for it: sweep those.
 */
async function drain(app: FastifyInstance, deadlineMs: number): Promise<void> {
  const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
  const deadline = setTimeout(() => app.server.closeAllConnections(), deadlineMs);
  try {
    await app.close();
  } finally {
    clearInterval(sweep);
    clearTimeout(deadline);
  }
}

/** The key-encryption secret: DROPGATE_SECRET_KEY, or generated once into DATA_DIR/secret.key. */
async function loadSecret(config: Config): Promise<Buffer> {
  if (config.secretKey) return Buffer.from(config.secretKey, 'hex');
  const file = path.join(config.dataDir, 'secret.key');
  if (existsSync(file)) return Buffer.from((await readFile(file, 'utf8')).trim(), 'hex');
  await mkdir(config.dataDir, { recursive: true, mode: 0o711 });
  const secret = randomBytes(32);
  await writeFile(file, `${secret.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}

/** DROPGATE_ADMIN_TOKEN if set; else the stored hash; else a new token, stored hashed, shown once. */
async function resolveAdminToken(pool: pg.Pool, configured: string | undefined): Promise<{ hash: Buffer; newToken: string | undefined }> {
  if (configured) return { hash: hashToken(configured), newToken: undefined };
  const token = generateToken();
  const { rows } = await pool.query<{ value: string; inserted: boolean }>(
    `WITH ins AS (INSERT INTO settings (key, value) VALUES ('admin_token_sha256', $1) ON CONFLICT (key) DO NOTHING RETURNING value)
     SELECT value, true AS inserted FROM ins
     UNION ALL SELECT value, false FROM settings WHERE key = 'admin_token_sha256' AND NOT EXISTS (SELECT 1 FROM ins)`,
    [hashToken(token).toString('hex')],
  );
  const row = rows[0]!;
  return { hash: Buffer.from(row.value, 'hex'), newToken: row.inserted ? token : undefined };
}
