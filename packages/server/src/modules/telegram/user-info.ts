/**
 * POST /api/aggregator/a6/telegram/user-info: a username (with or without @) or a numeric id, to
 * the user's numeric id for Stars orders. Only users who wrote to the hub's bot are known (the Bot
 * API has no username lookup); everyone else gets the spec's second answer. The wording of both
 * answers is the spec's.
 */
import type { TelegramUserInfoResponse } from '@dropgate/contract';
import type { Db } from '../../platform/db/index.ts';
import * as repo from './repository.ts';
import { isTelegramUserId } from './user-id.ts';

/** Telegram's rule: 5-32 characters, letters, digits and underscores, starting with a letter. */
const USERNAME = /^[A-Za-z][A-Za-z0-9_]{4,31}$/;

const VERIFIED = 'User account verified successfully';
const NOT_AVAILABLE = 'Username format is valid, but user details are not publicly available. Full verification requires user interaction with the bot.';
const ID_NOT_AVAILABLE = 'User ID format is valid, but user details are not available. Full verification requires user interaction with the bot.';

/** The users who wrote to the hub's bot, as the user-info call asks for them. */
export class TelegramUsers {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async userInfo(asked: string): Promise<TelegramUserInfoResponse> {
    const cleaned = asked.trim().replace(/^@/, '');
    if (isTelegramUserId(cleaned)) {
      const id = Number(cleaned);
      const user = await repo.findUserById(this.#db, id);
      if (!user) return { valid: true, username: cleaned, userInfo: { id, first_name: cleaned }, message: ID_NOT_AVAILABLE };
      return { valid: true, username: user.username ?? cleaned, userInfo: known(user), message: VERIFIED };
    }
    if (!USERNAME.test(cleaned)) {
      return { valid: false, username: cleaned, message: 'Username format is invalid: 5-32 letters, digits or underscores, starting with a letter' };
    }
    const user = await repo.findUserByUsername(this.#db, cleaned);
    if (!user) return { valid: true, username: cleaned, userInfo: { username: cleaned, first_name: cleaned }, message: NOT_AVAILABLE };
    return { valid: true, username: user.username!, userInfo: known(user), message: VERIFIED };
  }
}

function known(user: repo.TelegramUser): NonNullable<TelegramUserInfoResponse['userInfo']> {
  return {
    id: user.id,
    first_name: user.firstName,
    ...(user.username !== null && { username: user.username }),
    ...(user.photoFileId !== null && { photo_url: user.photoFileId }),
  };
}
