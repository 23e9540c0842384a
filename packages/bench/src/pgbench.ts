/**
 * The baseline: the database work of one create-order without HTTP and without Node. The script
 * is generated at run time from PLACE_ORDER_SQL, the very statement the hub issues per order (the
 * shop token and the offer come from the hub's in-memory caches, so they cost no SQL), and run by
 * the machine's pgbench at the same concurrency as the HTTP load.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PLACE_ORDERS_SQL, PLACE_ORDER_SQL } from '@dropgate/server/queries';
import { countCpu, type CpuFigures } from './cpu.ts';
import { quantile } from './ranged.ts';

const run = promisify(execFile);

export interface BaselineFigures {
  scenario: string;
  tps: number;
  latencyAvgMs: number;
  cpu: CpuFigures;
}

/** PLACE_ORDER_SQL with its $n parameters bound to pgbench expressions. */
export function pgbenchScript(offerId: number, priceMinor: number, merchants: { from: number; to: number }): string {
  const bindings = [':m', ':m', String(offerId), String(priceMinor), `'pgb-' || :client_id || '-' || :r`, 'NULL', 'NULL', 'NULL', `'partner'`, 'NULL', 'NULL', 'NULL', 'NULL'];
  const sql = PLACE_ORDER_SQL.replace(/\$(\d+)/g, (_, n: string) => {
    const value = bindings[Number(n) - 1];
    if (value === undefined) throw new Error(`PLACE_ORDER_SQL uses $${n}, which the baseline does not bind: update pgbench.ts`);
    return value;
  });
  return [
    `\\set m random(${merchants.from}, ${merchants.to})`,
    '\\set r random(1, 1000000000000000)',
    `${sql.replace(/\s+/g, ' ').trim()};`,
    '',
  ].join('\n');
}

/**
 * The batched design's own baseline: PLACE_ORDERS_SQL carrying `batch` orders of one merchant per
 * statement, as the hub's batcher sends them (each parameter an array, one element per order).
 */
export function pgbenchBatchScript(offerId: number, priceMinor: number, merchant: number, batch: number): string {
  const each = (value: (i: number) => string, type: string) => `ARRAY[${Array.from({ length: batch }, (_, i) => value(i)).join(', ')}]::${type}[]`;
  const bindings = [
    each(() => ':m', 'bigint'), each(() => ':m', 'bigint'), each(() => String(offerId), 'bigint'), each(() => String(priceMinor), 'bigint'),
    each((i) => `'pgb-' || :client_id || '-' || :r || '-${i}'`, 'text'), each(() => 'NULL', 'text'), each(() => 'NULL', 'text'),
    each(() => 'NULL', 'text'), each(() => `'partner'`, 'text'), each(() => 'NULL', 'integer'), each(() => 'NULL', 'bigint'),
    each(() => 'NULL', 'bigint'), each(() => 'NULL', 'numeric'),
  ];
  const sql = PLACE_ORDERS_SQL.replace(/\$(\d+)/g, (_, n: string) => {
    const value = bindings[Number(n) - 1];
    if (value === undefined) throw new Error(`PLACE_ORDERS_SQL uses $${n}, which the baseline does not bind: update pgbench.ts`);
    return value;
  });
  return [`\\set m ${merchant}`, '\\set r random(1, 1000000000000000)', `${sql.replace(/\s+/g, ' ').trim()};`, ''].join('\n');
}

export async function runPgbench(options: {
  scenario: string; databaseUrl: string; script: string; clients: number; seconds: number; databasePid: number | undefined;
}): Promise<BaselineFigures> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'dropgate-pgbench-')), 'place-order.sql');
  await writeFile(file, options.script);
  const cpu = countCpu({ hubPid: undefined, databasePid: options.databasePid });
  const { stdout } = await run('pgbench', [
    '-n', '-M', 'prepared', '-c', String(options.clients), '-j', '2', '-T', String(options.seconds), '-f', file, options.databaseUrl,
  ], { maxBuffer: 10 * 1024 * 1024 });
  const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1]);
  const latency = Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1]);
  const transactions = Number(/number of transactions actually processed: (\d+)/.exec(stdout)?.[1]);
  if (!Number.isFinite(tps) || !Number.isFinite(transactions)) throw new Error(`could not read pgbench's output:\n${stdout}`);
  await cpu.settled();
  return { scenario: options.scenario, tps: Math.round(tps), latencyAvgMs: latency, cpu: cpu.per(transactions) };
}

/** Latency from the schedule at a fixed rate (pgbench -R), from its per-transaction log. */
export interface RateLatency {
  rate: number;
  transactions: number;
  /** What the rate schedules after the warm-up: far more than `transactions` when pgbench fell behind. */
  scheduled: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/**
 * pgbench at a fixed rate: with -R each transaction has a scheduled start, and the log's time is
 * counted from it (the schedule lag included, which the log gives apart too): the latency a client
 * sending at that rate sees, as the hub's open-loop figures count it. Transactions that ended in
 * the warm-up are left out. A pgbench that falls behind its schedule starts fewer transactions
 * than the rate asks (the rest are never sent before -T ends): `scheduled` says how many were due.
 */
export async function runPgbenchAtRate(options: {
  databaseUrl: string; script: string; clients: number; rate: number; seconds: number; warmUpSeconds: number;
}): Promise<RateLatency> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dropgate-pgbench-'));
  try {
    const file = path.join(dir, 'place-order.sql');
    await writeFile(file, options.script);
    // The warm-up is counted from the launch on this machine's clock, as the log's timestamps are.
    const launchedUs = Date.now() * 1000;
    const { stdout, stderr } = await run('pgbench', [
      '-n', '-M', 'prepared', '-c', String(options.clients), '-j', '2', '-T', String(options.warmUpSeconds + options.seconds),
      '-R', String(options.rate), '-l', '--log-prefix', path.join(dir, 'log'), '-f', file, options.databaseUrl,
    ], { maxBuffer: 10 * 1024 * 1024 });
    const lines = (await Promise.all((await readdir(dir)).filter((f) => f.startsWith('log')).map((f) => readFile(path.join(dir, f), 'utf8'))))
      .flatMap((text) => text.split('\n')).filter((line) => line !== '');
    // client_id transaction_no time script_no time_epoch time_us schedule_lag (µs; time_epoch and
    // time_us give the transaction's end, time runs from its scheduled start)
    const rows = lines.map((line) => line.split(' ').map(Number)).map(([, , timeUs, , epoch, epochUs]) => ({
      endUs: epoch! * 1e6 + epochUs!, latencyUs: timeUs!,
    }));
    const counted = rows.filter((r) => r.endUs >= launchedUs + options.warmUpSeconds * 1e6).map((r) => r.latencyUs).sort((a, b) => a - b);
    if (counted.length === 0) throw new Error(`pgbench logged no transaction after the warm-up (${rows.length} in all)\n${stdout}${stderr}`);
    const at = (q: number) => Math.round(quantile(counted, q) / 100) / 10;
    return { rate: options.rate, transactions: counted.length, scheduled: Math.round(options.rate * options.seconds), p50: at(0.5), p99: at(0.99), p999: at(0.999), max: Math.round(counted.at(-1)! / 100) / 10 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
