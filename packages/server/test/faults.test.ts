/**
 * The hub under faults, as an operator would meet them: hub processes on their own embedded
 * PostgreSQL (no DATABASE_URL, a temp DATA_DIR, free ports), merchants' orders flowing, and then
 * a SIGKILL of the hub, a SIGKILL of the database, a database stalled by SIGSTOP for 20 s, a
 * SIGTERM after the database came back, and a backup taken under load and restored elsewhere.
 * Each test prints its figures ("figures: …"). Orders acknowledged with a 200 must all survive,
 * and the audit must stay clean, whatever happened.
 *
 * These faults concern the embedded database only, which every run of the suite starts itself:
 * they run once, in the embedded pass, not again when DATABASE_URL names another server.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { call } from './support/hub.ts';
import { useHubProcesses } from './support/hub-processes.ts';
import { freePort } from './support/ports.ts';
import { clusterProcesses, type HubProcess } from './support/process.ts';

const BIN = fileURLToPath(new URL('../bin/dropgate.js', import.meta.url));
/** Every answer while the database is down or stalled comes within this (docs/operations.md). */
const ANSWER_BOUND_MS = 5_500;

const processes = useHubProcesses();

interface Demo { hub: HubProcess; env: Record<string, string>; token: string; operatorToken: string; dataDir: string }

async function startDemo(dataDir?: string, extra: Record<string, string> = {}): Promise<Demo> {
  const dir = dataDir ?? (await processes.dataDir());
  const env = { DATA_DIR: dir, DROPGATE_DEMO: '1', PORT: String(await freePort()), DROPGATE_PG_PORT: String(await freePort()), ...extra };
  const hub = await processes.start(env);
  const credentials = JSON.parse(await readFile(path.join(dir, 'demo-credentials.json'), 'utf8'));
  return { hub, env, token: credentials.shopToken, operatorToken: credentials.operatorToken, dataDir: dir };
}

async function postmasterPid(dataDir: string): Promise<number> {
  return Number((await readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
}

interface Outcome { transactionId: string; status: number; ms: number; body: any; at: number }

/**
 * Orders placed back to back by `workers` merchants' clients until stop(); each outcome kept
 * (status 0: the connection failed, nothing was acknowledged).
 */
function orderLoad(url: () => string, token: string, prefix: string, workers = 4) {
  const outcomes: Outcome[] = [];
  let running = true;
  let n = 0;
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      const transactionId = `${prefix}-${n++}`;
      const started = performance.now();
      const answer = await call(`${url()}/api/v1/offers/create-order`, { token, body: { offerId: 1001, price: 560.1, transactionId } })
        .catch(() => ({ status: 0, body: null }));
      outcomes.push({ transactionId, status: answer.status, ms: performance.now() - started, body: answer.body, at: Date.now() });
      if (answer.status !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  return {
    outcomes,
    async stop() {
      running = false;
      await Promise.all(loops);
      return outcomes;
    },
  };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  for (const until = Date.now() + ms; Date.now() < until; await wait(50)) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Every acknowledged order is there as it was answered (the same status, the same key). */
async function expectAcknowledgedKept(url: string, token: string, outcomes: Outcome[]): Promise<number> {
  const acknowledged = outcomes.filter((o) => o.status === 200);
  for (const order of acknowledged) {
    const status = await call(`${url}/api/v1/offers/order-status`, { token, body: { transactionId: order.transactionId } });
    // The demo offer has 25 keys: once they are sold, orders are acknowledged CANCELED (and refunded).
    expect(status.body, order.transactionId).toMatchObject({ orderId: order.body.orderId, status: order.body.status, ...(order.body.key && { key: order.body.key }) });
  }
  return acknowledged.length;
}

async function expectAuditClean(url: string, operatorToken: string): Promise<void> {
  const audit = await call(`${url}/admin/v1/audit`, { bearer: operatorToken });
  expect(audit.body.violations).toEqual([]);
}

function dropgate(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const PATH = `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`;
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const child = spawn(BIN, args, { env: { ...inherited, PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe.skipIf(process.env.DATABASE_URL !== undefined)('faults of the hub and its embedded database', () => {
  it('SIGKILL of the hub under load: no acknowledged order lost, the database stops with it, the next start succeeds', async () => {
    const first = await startDemo();
    const load = orderLoad(() => first.hub.url, first.token, 'hub-kill');
    await waitFor('orders flowing', async () => (load.outcomes.filter((o) => o.status === 200).length >= 10 ? true : undefined));
    first.hub.child.kill('SIGKILL');
    const killedAt = performance.now();
    const outcomes = await load.stop();
    await first.hub.exited;
    await waitFor('the embedded database to stop', async () => (clusterProcesses(first.dataDir).length === 0 ? true : undefined), 15_000);
    const databaseGoneMs = performance.now() - killedAt;
    const restarting = performance.now();
    const second = await startDemo(first.dataDir, { PORT: first.env.PORT!, DROPGATE_PG_PORT: first.env.DROPGATE_PG_PORT! });
    const restartMs = performance.now() - restarting;
    const kept = await expectAcknowledgedKept(second.hub.url, second.token, outcomes);
    await expectAuditClean(second.hub.url, second.operatorToken);
    console.log(`figures: hub SIGKILL under load: ${kept} orders acknowledged, 0 lost; its database stopped ${Math.round(databaseGoneMs)} ms after; the next start took ${Math.round(restartMs)} ms`);
    expect(kept).toBeGreaterThanOrEqual(10);
  });

  it('SIGKILL of the embedded database under load: fast 503s, /ready 503, orders succeed again with no operator action', async () => {
    const demo = await startDemo();
    const load = orderLoad(() => demo.hub.url, demo.token, 'db-kill');
    await waitFor('orders flowing', async () => (load.outcomes.filter((o) => o.status === 200).length >= 5 ? true : undefined));
    const killedAt = Date.now();
    process.kill(await postmasterPid(demo.dataDir), 'SIGKILL');
    const notReady = await waitFor('/ready 503', async () => {
      const ready = await call(`${demo.hub.url}/ready`);
      return ready.status === 503 ? ready.body : undefined;
    }, 5_000);
    // Orders in flight at the kill may still commit: "again" is after the first refusal.
    const firstRefused = await waitFor('a refusal', async () => load.outcomes.find((o) => o.at > killedAt && o.status !== 200), 10_000);
    const recovered = await waitFor('an order to succeed again', async () =>
      load.outcomes.find((o) => o.at > firstRefused.at && o.status === 200), 30_000);
    await wait(500);
    const outcomes = await load.stop();
    const during = outcomes.filter((o) => o.at >= firstRefused.at && o.at <= recovered.at && o.status !== 200);
    for (const failed of during) {
      expect(failed.status, JSON.stringify(failed.body)).toBe(503);
      expect(failed.body.error.code).toBe('SERVICE_UNAVAILABLE');
    }
    const slowest = Math.max(0, ...during.map((o) => o.ms));
    expect(slowest).toBeLessThan(ANSWER_BOUND_MS);
    // Connections whose backend outlived its server a moment may serve before /ready says so.
    await waitFor('/ready 200', async () => ((await call(`${demo.hub.url}/ready`)).status === 200 ? true : undefined), 10_000);
    const kept = await expectAcknowledgedKept(demo.hub.url, demo.token, outcomes);
    await expectAuditClean(demo.hub.url, demo.operatorToken);
    console.log(`figures: database SIGKILL under load: ${during.length} answers 503 while it was down (slowest ${Math.round(slowest)} ms), /ready said "${notReady.checks.database}", orders succeeded again after ${recovered.at - killedAt} ms; ${kept} acknowledged, 0 lost`);

    // SIGTERM right after the database came back: within the documented 10 s.
    const stopping = performance.now();
    demo.hub.child.kill('SIGTERM');
    expect(await demo.hub.exited).toBe(0);
    const stopMs = performance.now() - stopping;
    console.log(`figures: SIGTERM after the database restart: stopped in ${Math.round(stopMs)} ms`);
    expect(stopMs).toBeLessThan(10_000);
    expect(clusterProcesses(demo.dataDir)).toEqual([]);
  }, 90_000);

  it('SIGSTOP of the database for 20 s under load: every answer within the bound; timed-out orders retried place once', async () => {
    const demo = await startDemo();
    const load = orderLoad(() => demo.hub.url, demo.token, 'db-stall');
    await waitFor('orders flowing', async () => (load.outcomes.filter((o) => o.status === 200).length >= 5 ? true : undefined));
    const stalled = clusterProcesses(demo.dataDir);
    const stoppedAt = Date.now();
    for (const pid of stalled) process.kill(pid, 'SIGSTOP');
    let readyDuringStall: { status: number; ms: number } | undefined;
    try {
      await wait(2_000);
      const probing = performance.now();
      const ready = await call(`${demo.hub.url}/ready`);
      readyDuringStall = { status: ready.status, ms: performance.now() - probing };
      const health = await call(`${demo.hub.url}/health`);
      expect(health.status).toBe(200);
      await wait(18_000);
    } finally {
      for (const pid of stalled) process.kill(pid, 'SIGCONT');
    }
    const resumedAt = Date.now();
    await waitFor('an order to succeed again', async () => load.outcomes.find((o) => o.at > resumedAt + 100 && o.status === 200), 15_000);
    const outcomes = await load.stop();
    const during = outcomes.filter((o) => o.at > stoppedAt && o.at <= resumedAt + ANSWER_BOUND_MS);
    const slowest = Math.max(...during.map((o) => o.ms));
    const refused = during.filter((o) => o.status !== 200);
    for (const o of refused) expect(o.status, JSON.stringify(o.body)).toBe(503);
    expect(readyDuringStall).toMatchObject({ status: 503 });
    expect(readyDuringStall!.ms).toBeLessThan(1_500);
    expect(slowest).toBeLessThan(ANSWER_BOUND_MS);
    // Each order answered 503 may have been committed before the stall cut its answer off: a
    // retry with its transactionId finds it (409 naming it) or places it now, never twice.
    let found = 0;
    let placed = 0;
    for (const o of refused) {
      const retry = await call(`${demo.hub.url}/api/v1/offers/create-order`, { token: demo.token, body: { offerId: 1001, price: 560.1, transactionId: o.transactionId } });
      if (retry.status === 409) {
        expect(retry.body.error).toMatchObject({ code: 'TRANSACTION_DUPLICATE', orderId: expect.any(Number) });
        found++;
      } else {
        expect(retry.status, JSON.stringify(retry.body)).toBe(200);
        placed++;
      }
    }
    const kept = await expectAcknowledgedKept(demo.hub.url, demo.token, outcomes);
    await expectAuditClean(demo.hub.url, demo.operatorToken);
    console.log(`figures: database SIGSTOP 20 s under load: ${during.length} answers meanwhile, slowest ${Math.round(slowest)} ms (bound ${ANSWER_BOUND_MS}), ${refused.length} answered 503; /ready answered ${readyDuringStall!.status} in ${Math.round(readyDuringStall!.ms)} ms; retried: ${found} found, ${placed} placed once; ${kept} acknowledged, 0 lost`);
  }, 90_000);

  it('a backup taken under load, restored into a new folder: every order acknowledged before it began is there, the audit is clean, keys open with the secret', async () => {
    const demo = await startDemo();
    const load = orderLoad(() => demo.hub.url, demo.token, 'backup', 2);
    await waitFor('orders flowing', async () => (load.outcomes.filter((o) => o.status === 200).length >= 10 ? true : undefined));
    const before = load.outcomes.filter((o) => o.status === 200);
    const started = performance.now();
    const out = path.join(await processes.dataDir(), 'backup.tar');
    const backup = await dropgate(['backup', '--out', out, '--json'], { DROPGATE_URL: demo.hub.url, DROPGATE_ADMIN_TOKEN: demo.operatorToken });
    const backupMs = performance.now() - started;
    const during = await load.stop();
    expect(backup.code, backup.stderr).toBe(0);
    const saved = JSON.parse(backup.stdout);
    expect(saved.reminder).toContain('does not contain the key-encryption secret');

    // Restored into fresh folders of the fixture's (which the postgres user can reach when we are root).
    const restoredDir = await processes.dataDir();
    const restoring = performance.now();
    const wrongSecret = path.join(await processes.dataDir(), 'wrong.key');
    await writeFile(wrongSecret, `${'cd'.repeat(32)}\n`);
    const refused = await dropgate(['restore', '--file', out, '--data-dir', restoredDir, '--secret-file', wrongSecret], {});
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is not the one this backup');
    const restoreInto = await processes.dataDir();
    const restore = await dropgate(['restore', '--file', out, '--data-dir', restoreInto, '--secret-file', path.join(demo.dataDir, 'secret.key'), '--json'], {});
    const restoreMs = performance.now() - restoring;
    expect(restore.code, restore.stderr).toBe(0);
    expect(JSON.parse(restore.stdout).orders).toBeGreaterThanOrEqual(before.length);

    // Not a demo start: the restored database already holds the demo's shop and operator token.
    const restored = { hub: await processes.start({ DATA_DIR: restoreInto, PORT: String(await freePort()), DROPGATE_PG_PORT: String(await freePort()) }) };
    // The orders acknowledged before the backup began, with their keys (sealed: opened by the secret).
    const kept = await expectAcknowledgedKept(restored.hub.url, demo.token, before);
    await expectAuditClean(restored.hub.url, demo.operatorToken);
    console.log(`figures: backup under load: ${Math.round(saved.bytes / 1024 / 1024)} MB in ${Math.round(backupMs)} ms while ${during.length - before.length} more orders came; restored and checked in ${Math.round(restoreMs)} ms; ${kept} orders acknowledged before it, all there with their keys; audit clean`);
  }, 120_000);

  it("the backup is the owner's: an owner's API key takes one through the CLI, and the trail names it; an admin's key is refused", async () => {
    const demo = await startDemo();
    const key = async (role: string) => {
      const made = await call(`${demo.hub.url}/admin/v1/api-keys`, { bearer: demo.operatorToken, body: { name: `backup-${role}`, role } });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      return made.body.token as string;
    };
    const [owner, admin] = [await key('owner'), await key('admin')];
    const out = path.join(await processes.dataDir(), 'owner-backup.tar');
    const taken = await dropgate(['backup', '--out', out, '--json'], { DROPGATE_URL: demo.hub.url, DROPGATE_API_KEY: owner });
    expect(taken.code, taken.stderr).toBe(0);
    expect(JSON.parse(taken.stdout).bytes).toBeGreaterThan(1_000_000);
    const refused = await dropgate(['backup', '--out', `${out}.admin`, '--json'], { DROPGATE_URL: demo.hub.url, DROPGATE_API_KEY: admin });
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).error.code).toBe('FORBIDDEN');
    const trail = await call(`${demo.hub.url}/admin/v1/audit-log?action=backup.take`, { bearer: demo.operatorToken });
    expect(trail.body.entries).toEqual([expect.objectContaining({ actor: 'key:backup-owner', actorKind: 'api-key', targetType: 'database', ip: expect.any(String) })]);
  }, 60_000);
});
