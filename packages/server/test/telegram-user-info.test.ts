/**
 * The user-info call and the bot behind it: users write to the hub's bot (grammY, against the
 * Bot API simulator) and are recorded; user-info then resolves them by @username, username or
 * numeric id, and answers the spec's "not available" shape for everyone else. Long polling has one
 * poller across instances; webhook mode checks Telegram's secret token. Each hub runs on a
 * database of its own (the bot's users are the deployment's).
 */
import { startTelegramBotApiSimulator, type TelegramBotApiSimulator } from '@dropgate/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useIsolatedDatabase } from './support/db.ts';
import { expectError } from './support/expect.ts';
import { call, operator, startTestHub, useTestHub, type TestHub } from './support/hub.ts';
import { freePort } from './support/ports.ts';

const BOT_TOKEN = '123456789:TEST-bot-token-for-the-simulator';
const IGOR = { id: 143594291, first_name: 'Igor', username: 'igoryan34', photoFileId: 'AQADAgADRKgxGzMTjwgABCAI' };
const NOT_AVAILABLE = 'Username format is valid, but user details are not publicly available. Full verification requires user interaction with the bot.';

const database = useIsolatedDatabase();
let botApi: TelegramBotApiSimulator;
let token: string;

const botEnv = (apiRoot: string, extra: Record<string, string> = {}) => ({
  DATABASE_URL: database.url, DROPGATE_TELEGRAM_BOT_TOKEN: BOT_TOKEN, DROPGATE_TELEGRAM_API_ROOT: apiRoot, ...extra,
});

beforeAll(async () => {
  botApi = await startTelegramBotApiSimulator({ token: BOT_TOKEN });
});
afterAll(() => botApi?.stop());

const hub = useTestHub(() => botEnv(botApi.url));

beforeAll(async () => {
  token = (await operator(hub).merchant()).token;
});

const userInfo = (target: TestHub, username: unknown, shopToken = token) =>
  call(`${target.url}/api/aggregator/a6/telegram/user-info`, { token: shopToken, body: { username } });

/** user-info until the bot has recorded the user (updates arrive by long polling, asynchronously). */
async function knownAs(target: TestHub, username: string, shopToken = token) {
  for (let i = 0; i < 200; i++) {
    const answer = await userInfo(target, username, shopToken);
    if (answer.body.userInfo?.id !== undefined && answer.body.message === 'User account verified successfully') return answer;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${username} was never recorded`);
}

describe('POST /api/aggregator/a6/telegram/user-info', () => {
  it('finds a user who wrote to the bot, with or without @, in any case, or by numeric id', async () => {
    botApi.userWrites(IGOR, '/start');
    const expected = {
      valid: true,
      username: 'igoryan34',
      userInfo: { id: 143594291, first_name: 'Igor', username: 'igoryan34', photo_url: 'AQADAgADRKgxGzMTjwgABCAI' },
      message: 'User account verified successfully',
    };
    const found = await knownAs(hub, '@igoryan34');
    expect(found.status).toBe(200);
    expect(found.body).toEqual(expected);
    expect((await userInfo(hub, 'igoryan34')).body).toEqual(expected);
    expect((await userInfo(hub, '@IgorYan34')).body).toEqual(expected);
    expect((await userInfo(hub, '143594291')).body).toEqual(expected);
    // The bot told the user their id.
    expect(botApi.botMessages()).toContainEqual({ chatId: 143594291, text: expect.stringContaining('143594291') });
  });

  it('answers the spec\'s second shape for a username nobody has sent to the bot', async () => {
    const answer = await userInfo(hub, '@nobody_wrote_here');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ valid: true, username: 'nobody_wrote_here', userInfo: { username: 'nobody_wrote_here', first_name: 'nobody_wrote_here' }, message: NOT_AVAILABLE });
    // An unknown numeric id is still usable for orders: it is echoed as the id.
    expect((await userInfo(hub, '777000111')).body).toEqual({
      valid: true, username: '777000111', userInfo: { id: 777000111, first_name: '777000111' },
      message: 'User ID format is valid, but user details are not available. Full verification requires user interaction with the bot.',
    });
  });

  it('records users without a username or photo, and a username that moved to another account', async () => {
    botApi.userWrites({ id: 555000001, first_name: 'Anon' });
    botApi.userWrites({ id: 555000002, first_name: 'First Owner', username: 'moving_name' });
    expect((await knownAs(hub, '555000001')).body).toEqual({ valid: true, username: '555000001', userInfo: { id: 555000001, first_name: 'Anon' }, message: 'User account verified successfully' });
    expect((await knownAs(hub, 'moving_name')).body.userInfo.id).toBe(555000002);
    await new Promise((r) => setTimeout(r, 20)); // last_seen_at orders the two owners
    botApi.userWrites({ id: 555000003, first_name: 'New Owner', username: 'Moving_Name' });
    for (let i = 0; i < 200 && (await userInfo(hub, '@moving_name')).body.userInfo?.id !== 555000003; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await userInfo(hub, '@moving_name')).body.userInfo).toEqual({ id: 555000003, first_name: 'New Owner', username: 'Moving_Name' });
  });

  it('a malformed username is valid: false; bad bodies are INVALID_REQUEST_BODY (unknown fields ignored); the shop token is required', async () => {
    for (const username of ['@ab', '1abcdef', 'has space', 'x'.repeat(33), '@']) {
      const answer = await userInfo(hub, username);
      expect(answer.status, username).toBe(200);
      expect(answer.body).toMatchObject({ valid: false, message: expect.stringContaining('invalid') });
      expect(answer.body.userInfo).toBeUndefined();
    }
    expectError(await userInfo(hub, 143594291), 400, 'INVALID_REQUEST_BODY', 'username');
    expectError(await userInfo(hub, ''), 400, 'INVALID_REQUEST_BODY', 'username');
    expectError(await call(`${hub.url}/api/aggregator/a6/telegram/user-info`, { token, body: {} }), 400, 'INVALID_REQUEST_BODY', 'username');
    // A field the call does not name is ignored, as on every merchant call.
    expect((await call(`${hub.url}/api/aggregator/a6/telegram/user-info`, { token, body: { username: 'igoryan34', id: 1 } })).status).toBe(200);
    expectError(await userInfo(hub, 'igoryan34', 'f'.repeat(32)), 401, 'INVALID_TOKEN');
  });

  it('with a second instance, only one polls Telegram (the other stands by), and both answer', async () => {
    const second = await startTestHub(botEnv(botApi.url));
    try {
      botApi.userWrites({ id: 666000001, first_name: 'Twin', username: 'twin_instances' });
      const other = (await operator(second).merchant()).token;
      expect((await knownAs(second, '@twin_instances', other)).body.userInfo.id).toBe(666000001);
      expect((await knownAs(hub, '@twin_instances')).body.userInfo.id).toBe(666000001);
      expect(botApi.conflicts.count).toBe(0);
    } finally {
      await second.stop();
    }
  });

  it('with no bot configured the call still answers, knowing nobody', async () => {
    const plain = await startTestHub({ DATABASE_URL: database.url });
    try {
      const shop = (await operator(plain).merchant()).token;
      // This deployment's bot recorded Igor earlier; a hub without a bot still reads what is recorded.
      expect((await userInfo(plain, '@igoryan34', shop)).body.userInfo.id).toBe(143594291);
      expect((await userInfo(plain, '@someone_else', shop)).body).toEqual({ valid: true, username: 'someone_else', userInfo: { username: 'someone_else', first_name: 'someone_else' }, message: NOT_AVAILABLE });
    } finally {
      await plain.stop();
    }
  });
});

describe('the bot in webhook mode', () => {
  it('sets its webhook with a secret; Telegram\'s updates are recorded, forged ones refused', async () => {
    const webhookApi = await startTelegramBotApiSimulator({ token: BOT_TOKEN });
    const port = await freePort();
    const webhookHub = await startTestHub(botEnv(webhookApi.url, {
      PORT: String(port), DROPGATE_TELEGRAM_MODE: 'webhook',
      DROPGATE_TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/webhook`, DROPGATE_TELEGRAM_WEBHOOK_SECRET: 'webhook-secret-0123',
    }));
    try {
      for (let i = 0; i < 100 && !webhookApi.webhook(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(webhookApi.webhook()).toEqual({ url: `http://127.0.0.1:${port}/telegram/webhook`, secretToken: 'webhook-secret-0123' });
      webhookApi.userWrites({ id: 888000001, first_name: 'Hooked', username: 'via_webhook' });
      const shop = (await operator(webhookHub).merchant()).token;
      expect((await knownAs(webhookHub, '@via_webhook', shop)).body.userInfo).toEqual({ id: 888000001, first_name: 'Hooked', username: 'via_webhook' });
      expect(webhookApi.pendingUpdates()).toBe(0);
      expect(webhookApi.calls.getUpdates ?? 0).toBe(0);

      const forged = { update_id: 1, message: { message_id: 1, date: 0, chat: { id: 999000001, type: 'private' }, from: { id: 999000001, is_bot: false, first_name: 'Forger', username: 'forged_user' }, text: 'hi' } };
      const refused = await call(`${webhookHub.url}/telegram/webhook`, { body: forged, headers: { 'x-telegram-bot-api-secret-token': 'wrong' } });
      expect(refused.status).toBe(401);
      expect((await userInfo(webhookHub, '@forged_user', shop)).body.message).toBe(NOT_AVAILABLE);
    } finally {
      await webhookHub.stop();
      await webhookApi.stop();
    }
  });
});
