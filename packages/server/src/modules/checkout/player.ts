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
  /**
   * A catalog offer: the operator's presence rule and id formats (null: any), and the servers a
   * player must be on when it lists any.
   */
  | { kind: 'catalog'; requiresGameUserId: boolean; gameUserIdPattern: string | null; gameServerIdPattern: string | null; servers: string[] }
  /** Telegram Stars: the recipient's numeric Telegram user id, never a @username. */
  | { kind: 'telegram' };

export interface PlayerIds {
  gameUserId?: string | undefined;
  gameServerId?: string | undefined;
}

export type PlayerCheck = { valid: true } | { valid: false; field: 'gameUserId' | 'gameServerId'; message: string };

const VALID: PlayerCheck = { valid: true };
const TELEGRAM_HELP =
  'must be a numeric Telegram user id such as "143594291", not a @username: resolve a username with POST /api/aggregator/a6/telegram/user-info';

/** Whether a gameServerId must be sent: the offer lists servers, or has a server id format. */
export function requiresGameServerId(rule: PlayerRule): boolean {
  return rule.kind === 'catalog' && (rule.servers.length > 0 || rule.gameServerIdPattern !== null);
}

export function requiresGameUserId(rule: PlayerRule): boolean {
  return rule.kind === 'telegram' || (rule.kind === 'catalog' && rule.requiresGameUserId);
}

/** check-game-data: the rule applied to a player id the merchant names. */
export function checkPlayer(rule: PlayerRule, ids: PlayerIds & { gameUserId: string }): PlayerCheck {
  switch (rule.kind) {
    case 'anyone':
      return VALID;
    case 'telegram':
      return isTelegramUserId(ids.gameUserId) ? VALID : { valid: false, field: 'gameUserId', message: `gameUserId ${TELEGRAM_HELP}` };
    case 'catalog': {
      const user = checkUserFormat(rule, ids.gameUserId);
      return user.valid ? checkServer(rule, ids.gameServerId) : user;
    }
  }
}

/**
 * create-order: the customer the order is for, or INVALID_REQUEST_BODY naming the field. A
 * catalog offer checks the player id's format only when one is sent (offers that do not require
 * one sell without it); its server list applies to every order.
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
      if (gameUserId === undefined && rule.requiresGameUserId) throw invalidField('customer.gameUserId', 'is required for this offer');
      const check = gameUserId === undefined
        ? checkServerList(rule, customer?.gameServerId)
        : checkPlayer(rule, { gameUserId, gameServerId: customer?.gameServerId });
      if (!check.valid) throw invalidField(`customer.${check.field}`, check.message);
    }
  }
}

type CatalogRule = Extract<PlayerRule, { kind: 'catalog' }>;

function checkUserFormat(rule: CatalogRule, gameUserId: string): PlayerCheck {
  if (rule.gameUserIdPattern !== null && !compilePattern(rule.gameUserIdPattern, 'gameUserIdPattern').test(gameUserId)) {
    return { valid: false, field: 'gameUserId', message: 'gameUserId does not match the format this offer expects' };
  }
  return VALID;
}

function checkServer(rule: CatalogRule, gameServerId: string | undefined): PlayerCheck {
  if (!requiresGameServerId(rule)) return VALID;
  if (gameServerId === undefined) return { valid: false, field: 'gameServerId', message: 'gameServerId is required for this offer' };
  const listed = checkServerList(rule, gameServerId);
  if (!listed.valid) return listed;
  if (rule.gameServerIdPattern !== null && !compilePattern(rule.gameServerIdPattern, 'gameServerIdPattern').test(gameServerId)) {
    return { valid: false, field: 'gameServerId', message: 'gameServerId does not match the format this offer expects' };
  }
  return VALID;
}

/** The offer's server list, when it has one: the id must be on it (see POST /api/v1/partner/product-offer/servers). */
function checkServerList(rule: CatalogRule, gameServerId: string | undefined): PlayerCheck {
  if (rule.servers.length === 0) return VALID;
  if (gameServerId === undefined) return { valid: false, field: 'gameServerId', message: "gameServerId is required for this offer: one of its servers (POST /api/v1/partner/product-offer/servers)" };
  if (!rule.servers.includes(gameServerId)) return { valid: false, field: 'gameServerId', message: "gameServerId is not one of this offer's servers (POST /api/v1/partner/product-offer/servers)" };
  return VALID;
}
