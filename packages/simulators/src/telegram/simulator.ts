/**
 * A Telegram Bot API, the part a bot that records its users needs: getMe, getUpdates (long
 * polling, with offsets), setWebhook / deleteWebhook / getWebhookInfo (webhook delivery with the
 * secret token header), getUserProfilePhotos and sendMessage, at /bot<token>/<method> like the
 * real one. A test makes a user write to the bot with userWrites(); what the bot answered is in
 * botMessages(). grammY works against it unchanged (its apiRoot is this simulator's url).
 */
import { answerThrough, assertFault, TRANSPORT_FAULT_KINDS, type TransportFault } from '../faults.ts';
import { startJsonServer, type Answer, type Exchange, type ListenOptions } from '../http-server.ts';

export interface TelegramBotApiSimulatorOptions extends ListenOptions {
  /** The bot's token: the only one accepted (others answer 401 like Telegram). */
  token: string;
  bot?: { id: number; username: string; first_name: string };
}

export interface TelegramUserSpec {
  id: number;
  first_name: string;
  username?: string;
  /** A profile photo's file id, answered by getUserProfilePhotos. */
  photoFileId?: string;
}

export interface TelegramBotApiSimulator {
  /** What a bot takes as its API root (grammY's `apiRoot`). */
  url: string;
  /** Calls received per method. */
  readonly calls: Record<string, number>;
  /** getUpdates calls that overlapped another poller's (Telegram answers the older one 409 Conflict). */
  readonly conflicts: { count: number };
  /** A user sends `text` to the bot: an update for getUpdates, or a webhook call. */
  userWrites(user: TelegramUserSpec, text?: string): void;
  /** What the bot sent (sendMessage), oldest first. */
  botMessages(): Array<{ chatId: number; text: string }>;
  /** The webhook the bot set, if any. */
  webhook(): { url: string; secretToken: string | undefined } | undefined;
  /** Updates not yet confirmed by the bot (getUpdates offset) or not yet accepted by its webhook. */
  pendingUpdates(): number;
  /** A transport fault for every method, or null to clear it. */
  setFault(fault: TransportFault | null): void;
  stop(): Promise<void>;
}

interface Update {
  update_id: number;
  message: Record<string, unknown>;
}

interface Waiter {
  exchange: Exchange;
  offset: number;
  limit: number;
  done: boolean;
}

const MAX_POLL_S = 50;

export async function startTelegramBotApiSimulator(options: TelegramBotApiSimulatorOptions): Promise<TelegramBotApiSimulator> {
  const bot = options.bot ?? { id: 7_000_000_001, username: 'dropgate_demo_bot', first_name: 'Dropgate' };
  const calls: Record<string, number> = {};
  const conflicts = { count: 0 };
  const users = new Map<number, TelegramUserSpec>();
  let updates: Update[] = [];
  let nextUpdateId = 100_000;
  let nextMessageId = 1;
  const sent: Array<{ chatId: number; text: string }> = [];
  let waiters: Waiter[] = [];
  let webhook: { url: string; secretToken: string | undefined } | undefined;
  let delivering = false;
  let fault: TransportFault | undefined;
  let stopped = false;

  const server = await startJsonServer(options, (exchange) => {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(exchange.path);
    if (!match) return exchange.send(failure(404, 'Not Found'));
    const [, token, method] = match as unknown as [string, string, string];
    calls[method] = (calls[method] ?? 0) + 1;
    if (token !== options.token) return exchange.send(failure(401, 'Unauthorized'));
    const params = { ...Object.fromEntries(exchange.query), ...(typeof exchange.body === 'object' && exchange.body !== null ? exchange.body : {}) } as Record<string, unknown>;
    if (method === 'getUpdates') {
      if (fault) return answerThrough(server, exchange, fault, () => ok([]));
      return getUpdates(exchange, params);
    }
    answerThrough(server, exchange, fault, () => call(method, params));
  });

  function call(method: string, params: Record<string, unknown>): Answer {
    switch (method) {
      case 'getMe':
        return ok({ id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false });
      case 'deleteWebhook':
        webhook = undefined;
        if (params.drop_pending_updates === true) updates = [];
        return ok(true);
      case 'setWebhook':
        if (typeof params.url !== 'string' || !/^https?:\/\//.test(params.url)) return failure(400, 'Bad Request: bad webhook: an HTTP URL must be provided for webhook');
        webhook = { url: params.url, secretToken: typeof params.secret_token === 'string' ? params.secret_token : undefined };
        void deliver();
        return ok(true);
      case 'getWebhookInfo':
        return ok({ url: webhook?.url ?? '', has_custom_certificate: false, pending_update_count: updates.length });
      case 'getUserProfilePhotos': {
        const photo = users.get(Number(params.user_id))?.photoFileId;
        const sizes = photo === undefined ? [] : [[
          { file_id: `${photo}-small`, file_unique_id: 'small', width: 160, height: 160 },
          { file_id: photo, file_unique_id: 'big', width: 640, height: 640 },
        ]];
        return ok({ total_count: sizes.length, photos: sizes });
      }
      case 'sendMessage': {
        const chatId = Number(params.chat_id);
        if (!Number.isSafeInteger(chatId) || typeof params.text !== 'string') return failure(400, 'Bad Request: chat_id and text are required');
        sent.push({ chatId, text: params.text });
        return ok({ message_id: nextMessageId++, date: now(), chat: { id: chatId, type: 'private' }, from: { id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username }, text: params.text });
      }
      default:
        return failure(404, 'Not Found: method not found');
    }
  }

  /** Long polling: confirmed updates (below offset) are forgotten; an empty answer waits up to `timeout` s. */
  function getUpdates(exchange: Exchange, params: Record<string, unknown>): void {
    if (webhook) return exchange.send(failure(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"));
    const offset = Number(params.offset ?? 0);
    const limit = Math.min(100, Math.max(1, Number(params.limit ?? 100)));
    const timeout = Math.min(MAX_POLL_S, Math.max(0, Number(params.timeout ?? 0)));
    // Telegram allows one poller: a second getUpdates terminates the one still waiting.
    for (const other of waiters.filter((w) => w.exchange.isOpen())) {
      conflicts.count += 1;
      other.done = true;
      other.exchange.send(failure(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'));
    }
    waiters = [];
    if (offset > 0) updates = updates.filter((u) => u.update_id >= offset);
    const ready = updates.slice(0, limit);
    if (ready.length > 0 || timeout === 0) return exchange.send(ok(ready));
    const waiter: Waiter = { exchange, offset, limit, done: false };
    waiters.push(waiter);
    server.later(timeout * 1000, () => answerWaiter(waiter, []));
  }

  function answerWaiter(waiter: Waiter, batch: Update[]): void {
    if (waiter.done) return;
    waiter.done = true;
    waiters = waiters.filter((w) => w !== waiter);
    waiter.exchange.send(ok(batch));
  }

  /** Webhook delivery, one update at a time and in order; a refused update is retried a second later. */
  async function deliver(): Promise<void> {
    if (delivering) return;
    delivering = true;
    try {
      while (webhook && updates.length > 0 && !stopped) {
        const target = webhook;
        const update = updates[0]!;
        const accepted = await fetch(target.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(target.secretToken !== undefined && { 'x-telegram-bot-api-secret-token': target.secretToken }) },
          body: JSON.stringify(update),
          signal: AbortSignal.timeout(10_000),
        }).then((r) => r.ok, () => false);
        if (accepted) updates = updates.filter((u) => u !== update);
        else {
          server.later(1000, () => void deliver());
          return;
        }
      }
    } finally {
      delivering = false;
    }
  }

  return {
    url: server.url,
    calls,
    conflicts,
    userWrites(user, text = '/start') {
      users.set(user.id, user);
      const from = { id: user.id, is_bot: false, first_name: user.first_name, ...(user.username !== undefined && { username: user.username }) };
      const update: Update = {
        update_id: nextUpdateId++,
        message: { message_id: nextMessageId++, from, chat: { id: user.id, type: 'private', first_name: user.first_name }, date: now(), text },
      };
      updates.push(update);
      if (webhook) return void deliver();
      for (const waiter of [...waiters]) answerWaiter(waiter, updates.filter((u) => u.update_id >= waiter.offset).slice(0, waiter.limit));
    },
    botMessages: () => sent.map((m) => ({ ...m })),
    webhook: () => (webhook ? { ...webhook } : undefined),
    pendingUpdates: () => updates.length,
    setFault(next) {
      if (next !== null) assertFault(next, TRANSPORT_FAULT_KINDS);
      fault = next ?? undefined;
    },
    async stop() {
      stopped = true;
      await server.stop();
    },
  };
}

function ok(result: unknown): Answer {
  return { status: 200, json: { ok: true, result } };
}

function failure(code: number, description: string): Answer {
  return { status: code, json: { ok: false, error_code: code, description } };
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}
