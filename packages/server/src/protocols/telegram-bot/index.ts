/**
 * Telegram's side of the bot in webhook mode: POST /telegram/webhook, where Telegram delivers
 * updates. grammY checks the secret token header and hands the update to the bot; no shop token
 * here (Telegram is the caller), and nothing is registered unless the bot runs in webhook mode.
 */
import type { FastifyInstance } from 'fastify';
import type { Hub } from '../../hub.ts';

export const TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';

export async function telegramWebhook(app: FastifyInstance, { hub }: { hub: Hub }): Promise<void> {
  if (hub.telegramBot?.mode !== 'webhook') return;
  const handle = hub.telegramBot.webhookHandler();
  app.post(TELEGRAM_WEBHOOK_PATH, { schema: { hide: true } }, (request, reply) => handle(request, reply));
}
