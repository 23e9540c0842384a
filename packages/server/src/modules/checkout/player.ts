/**
 * Who an offer may be sold to: the one place player rules live. check-game-data answers them as
 * VALID / INVALID; create-order refuses what they call INVALID before anything is written.
 */
import { invalidField } from '../../platform/errors.ts';
import { compilePattern } from '../../platform/patterns.ts';
import { isTelegramUserId } from '../telegram/index.ts';

export type PlayerRule =
  /** The sandbox offer: every player is VALID, as the spec says. */
  | { kind: 'anyone' }
  /** A catalog offer: the operator's presence rule and id formats (null: any). */
  | { kind: 'catalog'; requiresGameUserId: boolean; gameUserIdPattern: string | null; gameServerIdPattern: string | null }
  /** Telegram Stars: the recipient's numeric Telegram user id, never a @username. */
  | { kind: 'telegram' };

export interface PlayerIds {
  gameUserId?: string | undefined;
  gameServerId?: string | undefined;
}

export type PlayerCheck = { valid: true } | { valid: false; field: 'gameUserId' | 'gameServerId'; message: string };

const TELEGRAM_HELP =
  'must be a numeric Telegram user id such as "143594291", not a @username: resolve a username with POST /api/aggregator/a6/telegram/user-info';

/** check-game-data: the rule applied to a player id the merchant names. */
export function checkPlayer(rule: PlayerRule, ids: PlayerIds & { gameUserId: string }): PlayerCheck {
  switch (rule.kind) {
    case 'anyone':
      return { valid: true };
    case 'telegram':
      return isTelegramUserId(ids.gameUserId) ? { valid: true } : { valid: false, field: 'gameUserId', message: `gameUserId ${TELEGRAM_HELP}` };
    case 'catalog':
      return checkFormats(rule, ids.gameUserId, ids.gameServerId);
  }
}

/**
 * create-order: the customer the order is for, or INVALID_REQUEST_BODY naming the field. A
 * catalog offer checks formats only when a player id is sent: offers that do not require one
 * sell without it.
 */
export function assertPlayerAccepted(rule: PlayerRule, customer: PlayerIds | undefined): void {
  const gameUserId = customer?.gameUserId;
  switch (rule.kind) {
    case 'anyone':
      return;
    case 'telegram':
      if (gameUserId === undefined) throw invalidField('customer.gameUserId', 'is required for Telegram Stars: the numeric Telegram user id of the recipient');
      if (!isTelegramUserId(gameUserId)) throw invalidField('customer.gameUserId', TELEGRAM_HELP);
      return;
    case 'catalog': {
      if (gameUserId === undefined) {
        if (rule.requiresGameUserId) throw invalidField('customer.gameUserId', 'is required for this offer');
        return;
      }
      const check = checkFormats(rule, gameUserId, customer?.gameServerId);
      if (!check.valid) throw invalidField('customer.gameUserId', check.message);
    }
  }
}

function checkFormats(rule: Extract<PlayerRule, { kind: 'catalog' }>, gameUserId: string, gameServerId: string | undefined): PlayerCheck {
  if (rule.gameUserIdPattern !== null && !compilePattern(rule.gameUserIdPattern, 'gameUserIdPattern').test(gameUserId)) {
    return { valid: false, field: 'gameUserId', message: 'gameUserId does not match the format this offer expects' };
  }
  if (rule.gameServerIdPattern !== null) {
    if (gameServerId === undefined) return { valid: false, field: 'gameServerId', message: 'gameServerId is required for this offer' };
    if (!compilePattern(rule.gameServerIdPattern, 'gameServerIdPattern').test(gameServerId)) {
      return { valid: false, field: 'gameServerId', message: 'gameServerId does not match the format this offer expects' };
    }
  }
  return { valid: true };
}
