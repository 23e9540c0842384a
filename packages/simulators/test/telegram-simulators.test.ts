/**
 * The Telegram Stars simulators over raw HTTP: the TON/USD rate source, the stars provider
 * (idempotency, the spec's delivery failures, its own rate limit) and the Bot API (long polling,
 * offsets, webhooks, 409s). The hub's use of them is tested in packages/server/test/telegram-*.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startStarsProviderSimulator, startTelegramBotApiSimulator, startTonRateSimulator } from '../src/index.ts';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

async function send(url: string, body?: unknown, init: { token?: string; method?: string } = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json', ...(init.token !== undefined && { authorization: init.token }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

describe('TON/USD rate simulator', () => {
  it('serves the rate as a decimal string, follows setRate, and fails on demand', async () => {
    const sim = await startTonRateSimulator({ usdPerTon: '2.58' });
    stops.push(sim.stop);
    expect((await send(sim.rateUrl)).body).toMatchObject({ symbol: 'TONUSD', price: '2.58' });
    sim.setRate('3.1234');
    expect((await send(sim.rateUrl)).body.price).toBe('3.1234');
    sim.setFault({ kind: 'http-500', status: 503 });
    expect((await send(sim.rateUrl)).status).toBe(503);
    sim.setFault(null);
    expect((await send(`${sim.url}/other`)).status).toBe(404);
    expect(sim.calls.rate).toBe(3);
    expect(() => sim.setRate('2,58')).toThrow(/decimal/);
  });
});

describe('stars provider simulator', () => {
  it('transfers once per request_id: a repeat answers the same transfer; other data under it is 409', async () => {
    const sim = await startStarsProviderSimulator({ token: 'p-token' });
    stops.push(sim.stop);
    const url = `${sim.url}/v1/transfers`;
    const first = await send(url, { request_id: 'r-1', telegram_user_id: 143594291, amount: 100 }, { token: 'p-token' });
    expect(first).toEqual({ status: 200, body: { request_id: 'r-1', telegram_user_id: 143594291, amount: 100, status: 'completed', transaction_id: expect.stringMatching(/^tg_tx_[0-9a-f]{12}$/) } });
    expect((await send(url, { request_id: 'r-1', telegram_user_id: 143594291, amount: 100 }, { token: 'p-token' })).body).toEqual(first.body);
    expect((await send(url, { request_id: 'r-1', telegram_user_id: 143594291, amount: 50 }, { token: 'p-token' })).status).toBe(409);
    expect(sim.transfers()).toHaveLength(1);
    expect((await send(url, { request_id: 'r-2', telegram_user_id: 1, amount: 100 }, { token: 'wrong' })).status).toBe(401);
    const bad = await send(url, { request_id: 'r-3', telegram_user_id: 1, amount: 2501 }, { token: 'p-token' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('BAD_REQUEST');
  });

  it("fails deliveries with the spec's three errors, and scripts pending transfers", async () => {
    const sim = await startStarsProviderSimulator();
    stops.push(sim.stop);
    const url = `${sim.url}/v1/transfers`;
    sim.setFault(1, { kind: 'user-not-found' });
    sim.setFault(2, { kind: 'stargift-invalid' });
    sim.setFault(3, { kind: 'bot-blocked' });
    sim.setFault(4, { kind: 'pending-then-complete', afterCalls: 1 });
    const errors = [];
    for (const user of [1, 2, 3]) errors.push((await send(url, { request_id: `f-${user}`, telegram_user_id: user, amount: 10 })).body);
    expect(errors.map((e) => [e.status, e.error, e.transaction_id])).toEqual([
      ['failed', 'user not found', undefined], ['failed', 'STARGIFT_INVALID', undefined], ['failed', 'bot was blocked by user', undefined],
    ]);
    const pending = { request_id: 'p-1', telegram_user_id: 4, amount: 10 };
    expect((await send(url, pending)).body.status).toBe('pending');
    sim.clearFaults(); // the transfer keeps its script
    expect((await send(url, pending)).body.status).toBe('pending');
    expect((await send(url, pending)).body).toMatchObject({ status: 'completed', transaction_id: expect.any(String) });
    expect(() => sim.setFault(5, { kind: 'pending-then-complete', afterCalls: -1 })).toThrow(/afterCalls/);
  });

  it('enforces its own rate limit with 429 and records every arrival', async () => {
    const sim = await startStarsProviderSimulator({ rateLimit: 3 });
    stops.push(sim.stop);
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => send(`${sim.url}/v1/transfers`, { request_id: `rl-${i}`, telegram_user_id: 9, amount: 1 })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 429, 429]);
    expect(answers.find((a) => a.status === 429)!.body.error).toMatchObject({ code: 'RATE_LIMITED', retry_after: 1 });
    expect(sim.calls).toEqual({ transfer: 5, rateLimited: 2 });
    expect(sim.arrivals()).toHaveLength(5);
  });
});

describe('Telegram Bot API simulator', () => {
  const TOKEN = '42:simulated-token';

  it('long polls: getUpdates waits for a user to write, and an offset confirms what was read', async () => {
    const sim = await startTelegramBotApiSimulator({ token: TOKEN });
    stops.push(sim.stop);
    const api = (method: string, body: unknown = {}, token = TOKEN) => send(`${sim.url}/bot${token}/${method}`, body);
    expect((await api('getMe')).body.result).toMatchObject({ is_bot: true, username: 'dropgate_demo_bot' });
    expect((await api('getMe', {}, '42:wrong')).body).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' });

    const waiting = api('getUpdates', { timeout: 5 });
    await new Promise((r) => setTimeout(r, 100));
    sim.userWrites({ id: 143594291, first_name: 'Igor', username: 'igoryan34', photoFileId: 'PHOTO' }, 'hello');
    const got = (await waiting).body.result;
    expect(got).toHaveLength(1);
    expect(got[0].message).toMatchObject({ text: 'hello', from: { id: 143594291, is_bot: false, first_name: 'Igor', username: 'igoryan34' }, chat: { id: 143594291, type: 'private' } });
    expect((await api('getUpdates', { timeout: 0 })).body.result).toHaveLength(1); // not confirmed yet
    expect((await api('getUpdates', { offset: got[0].update_id + 1, timeout: 0 })).body.result).toEqual([]);
    expect(sim.pendingUpdates()).toBe(0);

    expect((await api('getUserProfilePhotos', { user_id: 143594291, limit: 1 })).body.result.photos[0].at(-1).file_id).toBe('PHOTO');
    await api('sendMessage', { chat_id: 143594291, text: 'your id is 143594291' });
    expect(sim.botMessages()).toEqual([{ chatId: 143594291, text: 'your id is 143594291' }]);
  });

  it('a second poller terminates the first with 409 Conflict', async () => {
    const sim = await startTelegramBotApiSimulator({ token: TOKEN });
    stops.push(sim.stop);
    const first = send(`${sim.url}/bot${TOKEN}/getUpdates`, { timeout: 5 });
    await new Promise((r) => setTimeout(r, 100));
    const second = send(`${sim.url}/bot${TOKEN}/getUpdates`, { timeout: 0 });
    expect((await first).body).toMatchObject({ ok: false, error_code: 409 });
    expect((await second).body).toEqual({ ok: true, result: [] });
    expect(sim.conflicts.count).toBe(1);
  });

  it('delivers updates to a webhook with the secret header; getUpdates is then a 409', async () => {
    const received: Array<{ secret: string | undefined; update: any }> = [];
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        received.push({ secret: request.headers['x-telegram-bot-api-secret-token'] as string | undefined, update: JSON.parse(body) });
        response.end('');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    stops.push(() => new Promise((resolve) => receiver.close(() => resolve())));
    const sim = await startTelegramBotApiSimulator({ token: TOKEN });
    stops.push(sim.stop);
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    expect((await send(`${sim.url}/bot${TOKEN}/setWebhook`, { url: hook, secret_token: 's3cret' })).body).toEqual({ ok: true, result: true });
    sim.userWrites({ id: 7, first_name: 'Seven' });
    for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(received).toEqual([{ secret: 's3cret', update: expect.objectContaining({ message: expect.objectContaining({ from: expect.objectContaining({ id: 7 }) }) }) }]);
    expect((await send(`${sim.url}/bot${TOKEN}/getUpdates`, {})).body.error_code).toBe(409);
    expect(sim.webhook()).toEqual({ url: hook, secretToken: 's3cret' });
  });
});
