/**
 * Configuration comes from the environment only, validated at boot: every problem is reported
 * at once, by variable name, before anything starts. docs/configuration.md lists each variable.
 */
export interface Config {
  port: number;
  host: string;
  /** Unset: the hub starts its own embedded PostgreSQL under dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPgPort: number;
  dbPoolSize: number;
  /** Unset: one is generated on first start, stored hashed, printed once. */
  adminToken: string | undefined;
  /** 64 hex chars; unset: generated into dataDir/secret.key on first start. */
  secretKey: string | undefined;
  demo: boolean;
  logLevel: string;
  /** How long create-order waits for a fast supplier before answering PROCESSING. */
  orderWaitMs: number;
  workerPollMs: number;
  workerConcurrency: number;
  /** Back-office sign-in: failed attempts allowed per account and per client address, per 15 minutes. */
  signInMaxPerAccount: number;
  signInMaxPerIp: number;
  /** Back-office cookies: 'auto' marks them Secure when the request came over HTTPS. */
  cookieSecure: 'auto' | 'always' | 'never';
  /** Behind a reverse proxy: take the client address (and protocol) from X-Forwarded-*. */
  trustProxy: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = <T>(name: string, fallback: T, parse: (raw: string) => T | undefined, expected: string): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = parse(raw);
    if (value === undefined) problems.push(`${name}=${JSON.stringify(raw)}: expected ${expected}`);
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
  const level = (raw: string) => (['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(raw) ? raw : undefined);

  const config: Config = {
    port: read('PORT', 8080, port, 'a port number 0-65535'),
    host: read('HOST', '127.0.0.1', text, 'a host name or address'),
    databaseUrl: read<string | undefined>('DATABASE_URL', undefined, url, 'a postgres:// URL'),
    dataDir: read('DATA_DIR', './data', text, 'a folder path'),
    embeddedPgPort: read('DROPGATE_PG_PORT', 54329, port, 'a port number'),
    dbPoolSize: read('DROPGATE_DB_POOL', 16, positive(500), 'a pool size 1-500'),
    adminToken: read<string | undefined>('DROPGATE_ADMIN_TOKEN', undefined, adminToken, 'at least 16 characters'),
    secretKey: read<string | undefined>('DROPGATE_SECRET_KEY', undefined, secret, '64 hex characters (32 bytes)'),
    demo: read('DROPGATE_DEMO', false, flag, '1/0, true/false, yes/no or on/off'),
    logLevel: read('LOG_LEVEL', 'info', level, 'fatal, error, warn, info, debug, trace or silent'),
    orderWaitMs: read('DROPGATE_ORDER_WAIT_MS', 2000, milliseconds, 'milliseconds 0-60000'),
    workerPollMs: read('DROPGATE_WORKER_POLL_MS', 1000, positive(60_000), 'milliseconds 1-60000'),
    workerConcurrency: read('DROPGATE_WORKER_CONCURRENCY', 8, positive(256), 'a number 1-256'),
    signInMaxPerAccount: read('DROPGATE_SIGNIN_MAX_PER_ACCOUNT', 5, positive(10_000), 'a number 1-10000'),
    signInMaxPerIp: read('DROPGATE_SIGNIN_MAX_PER_IP', 50, positive(100_000), 'a number 1-100000'),
    cookieSecure: read('DROPGATE_COOKIE_SECURE', 'auto', (raw) => (['auto', 'always', 'never'].includes(raw) ? raw as Config['cookieSecure'] : undefined), 'auto, always or never'),
    trustProxy: read('DROPGATE_TRUST_PROXY', false, flag, '1/0, true/false, yes/no or on/off'),
  };
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  return config;
}
