/**
 * Configuration comes from the environment only, validated at boot: every problem is reported
 * at once, by variable name, before anything starts. docs/configuration.md lists each variable.
 */
import { availableParallelism } from 'node:os';
import { parseNetwork } from './platform/networks.ts';
import { parseDecimal } from './platform/decimal.ts';

export interface Config {
  port: number;
  host: string;
  /** Unset: the hub starts its own embedded PostgreSQL under dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPgPort: number;
  dbPoolSize: number;
  /** How long a request waits for a database connection, and for one statement, before a 503. */
  dbAcquireTimeoutMs: number;
  dbStatementTimeoutMs: number;
  /** How long a client may take to send a whole request, and its headers, before a 408. */
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  /** Bearer token that opens GET /metrics; unset: /metrics is off. */
  metricsToken: string | undefined;
  /** Unset: one is generated on first start, stored hashed, printed once. */
  adminToken: string | undefined;
  /** 64 hex chars; unset: generated into dataDir/secret.key on first start. */
  secretKey: string | undefined;
  demo: boolean;
  logLevel: string;
  /** How long create-order waits for a fast supplier before answering PROCESSING. */
  orderWaitMs: number;
  /** The most create-orders one statement places (those that arrived while one was in flight); 1: one each. */
  orderBatchMax: number;
  /** Statements placing orders in flight at once on this instance; past it, orders of any merchants share statements. */
  orderStatements: number;
  workerPollMs: number;
  workerConcurrency: number;
  /** Telegram Stars; undefined when no provider is configured (Stars are then not sold). */
  stars: StarsConfig | undefined;
  tonRate: TonRateConfig;
  /** The hub's Telegram bot; undefined when no token is configured (user-info then knows nobody). */
  telegram: TelegramConfig | undefined;
  /** Back-office sign-in: failed attempts allowed per account and per client address, per 15 minutes. */
  signInMaxPerAccount: number;
  signInMaxPerIp: number;
  /** Back-office cookies: 'auto' marks them Secure when the request came over HTTPS. */
  cookieSecure: 'auto' | 'always' | 'never';
  /**
   * Behind a reverse proxy: take the client address (and protocol) from X-Forwarded-*. true:
   * from any peer; a list: only from these addresses and networks (DROPGATE_TRUSTED_PROXIES).
   */
  trustProxy: boolean | string[];
  /** Merchant APIs: requests per window of a shop with no limit of its own; 0: not limited. */
  rateLimit: number;
  rateLimitWindowS: number;
  /** How long a request waits for its instance's share of a window before it is admitted anyway. */
  rateLimitWaitMs: number;
  /** The generic job runner (graphile-worker): webhooks and what else modules queue there. */
  jobs: JobsConfig;
  webhooks: WebhooksConfig;
}

export interface JobsConfig {
  concurrency: number;
  pollMs: number;
  /** Three missed beats and the other instances unlock a dead instance's jobs. */
  heartbeatMs: number;
}

export interface WebhooksConfig {
  /** Plain http:// URLs (for a receiver on the same network, or tests). */
  allowHttp: boolean;
  /** Private, loopback and link-local addresses. */
  allowPrivate: boolean;
  timeoutMs: number;
  retryBaseMs: number;
  maxDelayMs: number;
  maxAgeS: number;
  /** How often the job runner queues the jobs of the events the outbox holds. */
  dispatchMs: number;
}

export interface StarsConfig {
  providerUrl: string;
  /** A secret: never logged, never answered. */
  providerToken: string | undefined;
  providerTimeoutMs: number;
  statusIntervalS: number;
  statusAttempts: number;
  /** Provider calls per second, across every instance of the deployment. */
  rateLimit: number;
  /** Percent with at most 2 decimals, e.g. "1.5". */
  marginPercent: string;
  tolerancePercent: string;
}

export interface TonRateConfig {
  url: string | undefined;
  field: string;
  cacheS: number;
  maxAgeS: number;
  /** USD per TON, used when no fetched rate is fresh enough. */
  fallback: string | undefined;
  timeoutMs: number;
}

export interface TelegramConfig {
  /** A secret: never logged, never answered. */
  botToken: string;
  apiRoot: string;
  mode: 'polling' | 'webhook';
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  // Secrets are named, never echoed: a boot error goes to the terminal and to log collectors.
  const SECRETS = new Set(['DROPGATE_ADMIN_TOKEN', 'DROPGATE_METRICS_TOKEN', 'DROPGATE_SECRET_KEY', 'DROPGATE_STARS_PROVIDER_TOKEN', 'DROPGATE_TELEGRAM_BOT_TOKEN', 'DROPGATE_TELEGRAM_WEBHOOK_SECRET']);
  const read = <T>(name: string, fallback: T, parse: (raw: string) => T | undefined, expected: string): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = parse(raw);
    if (value === undefined) problems.push(`${SECRETS.has(name) ? name : `${name}=${JSON.stringify(raw)}`}: expected ${expected}`);
    return value ?? fallback;
  };
  const port = (raw: string) => (/^\d+$/.test(raw) && Number(raw) <= 65535 ? Number(raw) : undefined);
  const positive = (max: number) => (raw: string) =>
    /^\d+$/.test(raw) && Number(raw) >= 1 && Number(raw) <= max ? Number(raw) : undefined;
  const milliseconds = (raw: string) => (/^\d+$/.test(raw) && Number(raw) <= 60_000 ? Number(raw) : undefined);
  const text = (raw: string) => raw;
  const flag = (raw: string) =>
    ['1', 'true', 'yes', 'on'].includes(raw.toLowerCase()) ? true
      : ['0', 'false', 'no', 'off'].includes(raw.toLowerCase()) ? false : undefined;
  const url = (raw: string) => (/^postgres(ql)?:\/\//.test(raw) ? raw : undefined);
  const adminToken = (raw: string) => (raw.length >= 16 ? raw : undefined);
  const secret = (raw: string) => (/^[0-9a-fA-F]{64}$/.test(raw) ? raw.toLowerCase() : undefined);
  const httpUrl = (raw: string) => {
    try {
      const parsed = new URL(raw);
      return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && !raw.endsWith('/') ? raw : undefined;
    } catch {
      return undefined;
    }
  };
  const decimal = (maxPlaces: number, max: number) => (raw: string) => {
    const value = parseDecimal(raw, maxPlaces);
    return value !== undefined && Number(value) <= max ? value : undefined;
  };
  const positiveRate = (raw: string) => {
    const value = parseDecimal(raw, 12);
    return value !== undefined && /[1-9]/.test(value) && Number(value) < 1e6 ? value : undefined;
  };
  const between = (min: number, max: number) => (raw: string) =>
    /^\d+$/.test(raw) && Number(raw) >= min && Number(raw) <= max ? Number(raw) : undefined;
  const botToken = (raw: string) => (/^\d{1,20}:[A-Za-z0-9_-]{1,200}$/.test(raw) ? raw : undefined);
  const mode = (raw: string) => (raw === 'polling' || raw === 'webhook' ? raw : undefined);
  const webhookSecret = (raw: string) => (/^[A-Za-z0-9_-]{1,256}$/.test(raw) ? raw : undefined);
  const networks = (raw: string) => {
    const list = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
    return list.length > 0 && list.every((entry) => parseNetwork(entry)) ? list : undefined;
  };
  const level = (raw: string) => (['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(raw) ? raw : undefined);

  const config: Config = {
    port: read('PORT', 8080, port, 'a port number 0-65535'),
    host: read('HOST', '127.0.0.1', text, 'a host name or address'),
    databaseUrl: read<string | undefined>('DATABASE_URL', undefined, url, 'a postgres:// URL'),
    dataDir: read('DATA_DIR', './data', text, 'a folder path'),
    embeddedPgPort: read('DROPGATE_PG_PORT', 54329, port, 'a port number'),
    dbPoolSize: read('DROPGATE_DB_POOL', 16, positive(500), 'a pool size 1-500'),
    dbAcquireTimeoutMs: read('DROPGATE_DB_ACQUIRE_TIMEOUT_MS', 5000, between(100, 60_000), 'milliseconds 100-60000'),
    dbStatementTimeoutMs: read('DROPGATE_DB_STATEMENT_TIMEOUT_MS', 3000, between(100, 600_000), 'milliseconds 100-600000'),
    requestTimeoutMs: read('DROPGATE_REQUEST_TIMEOUT_MS', 30_000, between(1000, 30_000), 'milliseconds 1000-30000'),
    headersTimeoutMs: read('DROPGATE_HEADERS_TIMEOUT_MS', 10_000, between(1000, 30_000), 'milliseconds 1000-30000'),
    metricsToken: read<string | undefined>('DROPGATE_METRICS_TOKEN', undefined, adminToken, 'at least 16 characters'),
    adminToken: read<string | undefined>('DROPGATE_ADMIN_TOKEN', undefined, adminToken, 'at least 16 characters'),
    secretKey: read<string | undefined>('DROPGATE_SECRET_KEY', undefined, secret, '64 hex characters (32 bytes)'),
    demo: read('DROPGATE_DEMO', false, flag, '1/0, true/false, yes/no or on/off'),
    logLevel: read('LOG_LEVEL', 'info', level, 'fatal, error, warn, info, debug, trace or silent'),
    orderWaitMs: read('DROPGATE_ORDER_WAIT_MS', 2000, milliseconds, 'milliseconds 0-60000'),
    orderBatchMax: read('DROPGATE_ORDER_BATCH_MAX', 64, positive(1000), 'a number 1-1000 (1: no batching)'),
    // Twice this machine's cores: past that, more commits at once only contend for the CPU and the WAL.
    orderStatements: read('DROPGATE_ORDER_STATEMENTS', 2 * availableParallelism(), positive(500), 'a number 1-500'),
    workerPollMs: read('DROPGATE_WORKER_POLL_MS', 1000, positive(60_000), 'milliseconds 1-60000'),
    workerConcurrency: read('DROPGATE_WORKER_CONCURRENCY', 8, positive(256), 'a number 1-256'),
    stars: undefined,
    tonRate: {
      url: read<string | undefined>('DROPGATE_TON_RATE_URL', undefined, httpUrl, 'an http(s) URL without a trailing /'),
      field: read('DROPGATE_TON_RATE_FIELD', 'price', (raw) => (/^[\w-]+(\.[\w-]+)*$/.test(raw) ? raw : undefined), 'a dot path such as price or the-open-network.usd'),
      cacheS: read('DROPGATE_TON_RATE_CACHE_S', 30, between(0, 3600), 'seconds 0-3600'),
      maxAgeS: read('DROPGATE_TON_RATE_MAX_AGE_S', 300, between(1, 86_400), 'seconds 1-86400'),
      fallback: read<string | undefined>('DROPGATE_TON_RATE_FALLBACK', undefined, positiveRate, 'USD per TON, a positive decimal with at most 12 decimals'),
      timeoutMs: read('DROPGATE_TON_RATE_TIMEOUT_MS', 3000, between(100, 60_000), 'milliseconds 100-60000'),
    },
    telegram: undefined,
    signInMaxPerAccount: read('DROPGATE_SIGNIN_MAX_PER_ACCOUNT', 5, positive(10_000), 'a number 1-10000'),
    signInMaxPerIp: read('DROPGATE_SIGNIN_MAX_PER_IP', 50, positive(100_000), 'a number 1-100000'),
    cookieSecure: read('DROPGATE_COOKIE_SECURE', 'auto', (raw) => (['auto', 'always', 'never'].includes(raw) ? raw as Config['cookieSecure'] : undefined), 'auto, always or never'),
    trustProxy: read('DROPGATE_TRUST_PROXY', false, flag, '1/0, true/false, yes/no or on/off'),
    rateLimit: read('DROPGATE_RATE_LIMIT', 60_000, between(0, 10_000_000), 'requests per window 0-10000000 (0: no default limit)'),
    rateLimitWindowS: read('DROPGATE_RATE_LIMIT_WINDOW_S', 60, between(1, 3600), 'seconds 1-3600'),
    rateLimitWaitMs: read('DROPGATE_RATE_LIMIT_WAIT_MS', 200, between(10, 5000), 'milliseconds 10-5000'),
    jobs: {
      concurrency: read('DROPGATE_JOBS_CONCURRENCY', 8, positive(256), 'a number 1-256'),
      pollMs: read('DROPGATE_JOBS_POLL_MS', 2000, between(50, 60_000), 'milliseconds 50-60000'),
      heartbeatMs: read('DROPGATE_JOBS_HEARTBEAT_MS', 10_000, between(100, 600_000), 'milliseconds 100-600000'),
    },
    webhooks: {
      allowHttp: read('DROPGATE_WEBHOOK_ALLOW_HTTP', false, flag, '1/0, true/false, yes/no or on/off'),
      allowPrivate: read('DROPGATE_WEBHOOK_ALLOW_PRIVATE', false, flag, '1/0, true/false, yes/no or on/off'),
      timeoutMs: read('DROPGATE_WEBHOOK_TIMEOUT_MS', 10_000, between(100, 60_000), 'milliseconds 100-60000'),
      retryBaseMs: read('DROPGATE_WEBHOOK_RETRY_BASE_MS', 10_000, between(10, 3_600_000), 'milliseconds 10-3600000'),
      maxDelayMs: read('DROPGATE_WEBHOOK_MAX_DELAY_MS', 6 * 3_600_000, between(10, 86_400_000), 'milliseconds 10-86400000'),
      maxAgeS: read('DROPGATE_WEBHOOK_MAX_AGE_S', 3 * 86_400, between(1, 30 * 86_400), 'seconds 1-2592000'),
      dispatchMs: read('DROPGATE_WEBHOOK_DISPATCH_MS', 100, between(10, 10_000), 'milliseconds 10-10000'),
    },
  };
  const proxies = read<string[] | undefined>('DROPGATE_TRUSTED_PROXIES', undefined, networks, 'a comma-separated list of IPv4/IPv6 addresses or CIDR networks');
  if (proxies !== undefined) {
    if (env.DROPGATE_TRUST_PROXY) problems.push('DROPGATE_TRUSTED_PROXIES: set it or DROPGATE_TRUST_PROXY, not both (the list is the safer choice)');
    config.trustProxy = proxies;
  }
  if (config.headersTimeoutMs > config.requestTimeoutMs) {
    problems.push('DROPGATE_HEADERS_TIMEOUT_MS: must not exceed DROPGATE_REQUEST_TIMEOUT_MS (the headers are part of the request)');
  }
  const providerUrl = read<string | undefined>('DROPGATE_STARS_PROVIDER_URL', undefined, httpUrl, 'an http(s) URL without a trailing /');
  if (providerUrl !== undefined) {
    config.stars = {
      providerUrl,
      providerToken: read<string | undefined>('DROPGATE_STARS_PROVIDER_TOKEN', undefined, text, 'a token'),
      providerTimeoutMs: read('DROPGATE_STARS_PROVIDER_TIMEOUT_MS', 10_000, between(100, 600_000), 'milliseconds 100-600000'),
      statusIntervalS: read('DROPGATE_STARS_STATUS_INTERVAL_S', 30, between(1, 86_400), 'seconds 1-86400'),
      statusAttempts: read('DROPGATE_STARS_STATUS_ATTEMPTS', 20, between(1, 10_000), 'a number 1-10000'),
      rateLimit: read('DROPGATE_STARS_RATE_LIMIT', 30, between(1, 1000), 'calls per second 1-1000'),
      marginPercent: read('DROPGATE_STARS_MARGIN_PERCENT', '0', decimal(2, 100), 'a percentage 0-100 with at most 2 decimals'),
      tolerancePercent: read('DROPGATE_STARS_PRICE_TOLERANCE_PERCENT', '1', decimal(2, 50), 'a percentage 0-50 with at most 2 decimals'),
    };
    if (config.tonRate.url === undefined && config.tonRate.fallback === undefined) {
      problems.push('DROPGATE_STARS_PROVIDER_URL: Telegram Stars need a price: set DROPGATE_TON_RATE_URL, DROPGATE_TON_RATE_FALLBACK, or both');
    }
  }
  const token = read<string | undefined>('DROPGATE_TELEGRAM_BOT_TOKEN', undefined, botToken, 'a bot token from @BotFather (digits:characters)');
  if (token !== undefined) {
    config.telegram = {
      botToken: token,
      apiRoot: read('DROPGATE_TELEGRAM_API_ROOT', 'https://api.telegram.org', httpUrl, 'an http(s) URL without a trailing /'),
      mode: read<'polling' | 'webhook'>('DROPGATE_TELEGRAM_MODE', 'polling', mode, 'polling or webhook'),
      webhookUrl: read<string | undefined>('DROPGATE_TELEGRAM_WEBHOOK_URL', undefined, httpUrl, 'an http(s) URL'),
      webhookSecret: read<string | undefined>('DROPGATE_TELEGRAM_WEBHOOK_SECRET', undefined, webhookSecret, '1-256 letters, digits, _ or -'),
    };
    if (config.telegram.mode === 'webhook' && config.telegram.webhookUrl === undefined) {
      problems.push('DROPGATE_TELEGRAM_WEBHOOK_URL: webhook mode needs the public URL of this hub\'s /telegram/webhook');
    }
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  return config;
}
