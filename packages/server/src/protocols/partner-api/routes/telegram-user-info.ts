import { TelegramUserInfoRequest, TelegramUserInfoResponse } from '@dropgate/contract';
import type { Hub } from '../../../hub.ts';
import type { TypedApp } from '../../../platform/http/typed-app.ts';
import { errorResponses, partnerRoute } from './common.ts';

/** The spec's Telegram user validation: a username (or id) to the numeric id a Stars order needs. */
export function telegramUserInfoRoute(app: TypedApp, hub: Hub): void {
  app.post('/api/aggregator/a6/telegram/user-info', {
    schema: {
      ...partnerRoute,
      summary: "A Telegram username (with or without @) or user id to the user's id, if the user has written to the hub's bot",
      body: TelegramUserInfoRequest,
      response: { 200: TelegramUserInfoResponse, ...errorResponses },
    },
  }, async (request) => hub.telegramUsers.userInfo(request.body.username));
}
