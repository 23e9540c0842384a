/**
 * The hub's Telegram bot (grammY). It records every user who writes to it (id, username, first
 * name, profile photo) so that user-info can turn a username into the id a Stars order needs,
 * and tells the user their id. Updates arrive by long polling (default: one instance of the
 * deployment polls, elected through a PostgreSQL advisory lock, since Telegram allows one poller)
 * or by webhook (any instance receives them). The API root is configurable, so tests and the demo
 * point it at the Bot API simulator.
 *
 * The token is a secret: it is never logged, and every message that could carry it (grammY's
 * network errors name the request URL, which contains it) is scrubbed first.
 */
import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Bot, webhookCallback, type Context } from 'grammy';
import type pg from 'pg';
import { LeaderLock } from '../../platform/db/index.ts';
import * as repo from './repository.ts';

export interface TelegramBotOptions {
  token: string;
  /** e.g. https://api.telegram.org (no trailing slash). */
  apiRoot: string;
  mode: 'polling' | 'webhook';
  /** Webhook mode: the public URL Telegram posts updates to (this hub's /telegram/webhook). */
  webhookUrl: string | undefined;
  /** Webhook mode: Telegram sends it back in X-Telegram-Bot-Api-Secret-Token; unset: derived from the token. */
  webhookSecret: string | undefined;
  /** Long polling: the PostgreSQL that elects the one polling instance. */
  databaseUrl: string;
  log: { info(details: object, message: string): void; warn(details: object, message: string): void };
}

/** Any constant shared by all instances (the migrations use another). */
const POLLING_LOCK = 7_270_202;
/** How long getUpdates waits for an update, and how often a standby instance tries to lead. */
const POLL_TIMEOUT_S = 25;
const STANDBY_RETRY_MS = 5_000;
const START_RETRY_MS = 5_000;
const STOP_DEADLINE_MS = 3_000;

export class TelegramBot {
  readonly #options: TelegramBotOptions;
  readonly #bot: Bot;
  readonly #stopping = new AbortController();
  #leader: LeaderLock | undefined;
  #webhookSetup: Promise<void> | undefined;

  constructor(pool: pg.Pool, options: TelegramBotOptions) {
    this.#options = options;
    // getUpdates holds for POLL_TIMEOUT_S: every call may take that long, and no longer.
    this.#bot = new Bot(options.token, { client: { apiRoot: options.apiRoot, timeoutSeconds: POLL_TIMEOUT_S + 15 } });
    this.#bot.on('message', (ctx) => this.#record(pool, ctx));
    this.#bot.catch((error) => options.log.warn({ err: { message: this.#scrub(error.message) } }, 'telegram bot: handling an update failed'));
  }

  get mode(): 'polling' | 'webhook' {
    return this.#options.mode;
  }

  /** The secret Telegram echoes on every webhook call, proving the call comes from it. */
  get webhookSecret(): string {
    return this.#options.webhookSecret ?? createHmac('sha256', this.#options.token).update('dropgate-telegram-webhook').digest('hex');
  }

  /** Starts receiving updates in the background: a Bot API that is down never stops the hub. */
  start(): void {
    if (this.#options.mode === 'webhook') {
      this.#webhookSetup = this.#retry('setWebhook', async () => {
        await this.#bot.init();
        await this.#bot.api.setWebhook(this.#options.webhookUrl!, { secret_token: this.webhookSecret, allowed_updates: ['message'] });
      });
      return;
    }
    this.#leader = new LeaderLock({ connectionString: this.#options.databaseUrl, key: POLLING_LOCK, retryMs: STANDBY_RETRY_MS, log: this.#options.log });
    this.#leader.start(() => this.#poll(), () => void this.#bot.stop().catch(() => {}));
  }

  /** Webhook mode: the handler of POST /telegram/webhook (checks the secret, handles the update). */
  webhookHandler() {
    return webhookCallback(this.#bot, 'fastify', { secretToken: this.webhookSecret });
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    const stopped = Promise.all([this.#leader?.stop(), this.#webhookSetup]);
    // grammY confirms the last update offset on stop; a Bot API that does not answer must not hold the hub.
    await Promise.race([stopped, sleep(STOP_DEADLINE_MS)]);
  }

  async #poll(): Promise<void> {
    try {
      this.#options.log.info({}, 'telegram bot: polling for updates (this instance leads)');
      await this.#bot.start({ allowed_updates: ['message'], timeout: POLL_TIMEOUT_S, drop_pending_updates: false });
    } catch (error) {
      // 401 (wrong token) or 409 (another poller): back to standby; the leader lock retries.
      this.#options.log.warn({ err: { message: this.#scrub((error as Error).message) } }, 'telegram bot: polling stopped');
    }
  }

  async #retry(what: string, task: () => Promise<void>): Promise<void> {
    while (!this.#stopping.signal.aborted) {
      try {
        return await task();
      } catch (error) {
        this.#options.log.warn({ err: { message: this.#scrub((error as Error).message) } }, `telegram bot: ${what} failed; retrying`);
        await sleep(START_RETRY_MS, undefined, { signal: this.#stopping.signal }).catch(() => {});
      }
    }
  }

  /** Records the sender; their photo is looked up once (best effort), and they are told their id. */
  async #record(pool: pg.Pool, ctx: Context): Promise<void> {
    const from = ctx.from;
    if (!from || from.is_bot) return;
    const known = await repo.findUserById(pool, from.id);
    let photoFileId: string | null = null;
    if (!known?.photoFileId) {
      const photos = await ctx.api.getUserProfilePhotos(from.id, { limit: 1 }).catch(() => undefined);
      photoFileId = photos?.photos[0]?.at(-1)?.file_id ?? null;
    }
    await repo.upsertUser(pool, { id: from.id, username: from.username ?? null, firstName: from.first_name, photoFileId });
    await ctx.reply(`Hi ${from.first_name}! Your Telegram user id is ${from.id}. Shops can now send you Telegram Stars.`).catch(() => {});
  }

  #scrub(text: string): string {
    return text.replaceAll(this.#options.token, '<bot token>');
  }
}
