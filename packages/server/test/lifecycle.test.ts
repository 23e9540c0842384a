/**
 * The hub as an operator runs it: a process with an embedded PostgreSQL and demo data, stopped
 * by SIGTERM while a request is in flight, then started again on the same data folder.
 */
import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { call } from './support/hub.ts';
import { useHubProcesses } from './support/hub-processes.ts';
import { freePort } from './support/ports.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

const processes = useHubProcesses();

describe('hub process', () => {
  it('starts with demo data, drains on SIGTERM, and keeps every acknowledged order across a restart', async () => {
    const dataDir = await processes.dataDir();
    const pgPort = await freePort();
    const env = { DATA_DIR: dataDir, DROPGATE_DEMO: '1', PORT: String(await freePort()), DROPGATE_PG_PORT: String(pgPort) };

    const first = await processes.start(env);
    const token = /Demo shop token: ([0-9a-f]{32})/.exec(first.output())?.[1];
    expect(token).toBeDefined();
    expect(first.output()).toMatch(/Operator token: {2}[0-9a-f]{32}/);
    expect((await call(`${first.url}/health`)).status).toBe(200);
    expect((await call(`${first.url}/api/v1/balance`, { token })).body.balance).toBe(1000);

    // A burst of orders; SIGTERM lands after the first answer, so others are in flight. Each one
    // either got its 200 (and must survive the restart) or was refused whole (and left no trace).
    const api = (route: string, body: unknown, url = first.url) => call(`${url}/api/v1${route}`, { token, body });
    const burst = Array.from({ length: 20 }, (_, i) =>
      api('/offers/create-order', { offerId: 1001, price: 560.1, transactionId: `sigterm-${i}` }).catch(() => ({ status: 0, body: null })),
    );
    await Promise.race(burst);
    first.child.kill('SIGTERM');
    const answers = await Promise.all(burst);
    expect(await first.exited).toBe(0);
    expect(await portOpen(pgPort)).toBe(false); // the embedded database stopped with the hub
    const acknowledged = answers.filter((a) => a.status === 200);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const a of answers) {
      expect([0, 200]).toContain(a.status); // 0: the connection was refused, nothing was sent
      if (a.status === 200) expect(a.body.status).toBe('COMPLETED');
    }

    const second = await processes.start(env);
    try {
      expect(/Demo shop token: ([0-9a-f]{32})/.exec(second.output())?.[1]).toBe(token);
      for (const [i, a] of answers.entries()) {
        const status = await api('/offers/order-status', { transactionId: `sigterm-${i}` }, second.url);
        if (a.status === 200) expect(status.body).toMatchObject({ orderId: a.body.orderId, status: 'COMPLETED', key: a.body.key });
        else expect(status.body.error?.code).toMatch(/ORDER_NOT_FOUND/);
      }
      const paid = acknowledged.length * 6.05; // 560.10 RUB at 0.0108 = 6.05 USD each
      expect((await call(`${second.url}/api/v1/balance`, { token })).body.balance).toBeCloseTo(1000 - paid, 2);

      // The demo's Telegram Stars, end to end on its simulators: the hint, the price, the bot's
      // demo user found by user-info, a delivery, and the spec's failing id canceled and refunded.
      expect(second.output()).toContain('Telegram Stars: find-one {"offerId":"telegram_stars_100"}');
      const offer = (await api('/offers/find-one', { offerId: 'telegram_stars_100' }, second.url)).body;
      expect(offer).toMatchObject({ offerId: 'telegram_stars_100', currency: 'USD', price: 0.78 }); // 0.3 TON × 2.58 × 1.01
      let igor;
      for (let i = 0; i < 100 && igor?.userInfo?.id === undefined; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 100));
        igor = (await call(`${second.url}/api/aggregator/a6/telegram/user-info`, { token, body: { username: '@igoryan34' } })).body;
      }
      expect(igor.userInfo).toMatchObject({ id: 143594291, first_name: 'Igor', username: 'igoryan34' });
      const stars = (await api('/offers/create-order', { offerId: 'telegram_stars_100', price: offer.price, transactionId: 'demo-stars', customer: { gameUserId: '143594291' } }, second.url)).body;
      expect(stars).toMatchObject({ status: 'COMPLETED', fulfillmentData: { telegram_user_id: 143594291, stars_amount: 100, delivery_status: 'completed' } });
      const failed = (await api('/offers/create-order', { offerId: 'telegram_stars_50', price: 0.39, transactionId: 'demo-stars-fail', customer: { gameUserId: '123456789' } }, second.url)).body;
      expect(failed).toMatchObject({ status: 'CANCELED', message: 'Failed to deliver Stars: user not found' });
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });

  it('refuses to start on invalid configuration, naming each variable', async () => {
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env, PORT: 'eighty', DROPGATE_SECRET_KEY: 'short', DATABASE_URL: 'mysql://x',
        DROPGATE_TELEGRAM_BOT_TOKEN: 'not-a-bot-token-TOPSECRET', DROPGATE_STARS_PROVIDER_URL: 'http://127.0.0.1:9/stars',
        DROPGATE_STARS_MARGIN_PERCENT: '1.005',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('PORT="eighty"');
    expect(stderr).toContain('DROPGATE_SECRET_KEY');
    expect(stderr).toContain('DATABASE_URL');
    // Secrets are named, never echoed; Stars need a price source; percentages have 2 decimals.
    expect(stderr).toContain('DROPGATE_TELEGRAM_BOT_TOKEN: expected');
    expect(stderr).not.toContain('TOPSECRET');
    expect(stderr).not.toContain('short');
    expect(stderr).toContain('set DROPGATE_TON_RATE_URL, DROPGATE_TON_RATE_FALLBACK, or both');
    expect(stderr).toContain('DROPGATE_STARS_MARGIN_PERCENT="1.005"');
  });
});
