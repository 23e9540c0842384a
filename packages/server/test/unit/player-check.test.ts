/** The player rules of an offer (modules/checkout): the sandbox, anchored patterns, the server id, Telegram Stars. */
import { describe, expect, it } from 'vitest';
import { assertPlayerAccepted, checkPlayer, type PlayerRule } from '../../src/modules/checkout/index.ts';
import { appErrorOf } from '../support/expect.ts';

function catalog(rules: { requiresGameUserId?: boolean; gameUserIdPattern?: string; gameServerIdPattern?: string } = {}): PlayerRule {
  return { kind: 'catalog', requiresGameUserId: false, gameUserIdPattern: null, gameServerIdPattern: null, servers: [], ...rules };
}

const USER_MISMATCH = { valid: false, field: 'gameUserId', message: 'gameUserId does not match the format this offer expects' };
const SERVER_MISMATCH = { valid: false, field: 'gameServerId', message: 'gameServerId does not match the format this offer expects' };

describe('checkPlayer', () => {
  it('the sandbox offer accepts every player', () => {
    expect(checkPlayer({ kind: 'anyone' }, { gameUserId: 'anyone at all' })).toEqual({ valid: true });
  });

  it('an offer without patterns accepts any id', () => {
    expect(checkPlayer(catalog(), { gameUserId: 'x' })).toEqual({ valid: true });
  });

  it('the user pattern must match the whole id', () => {
    const rule = catalog({ gameUserIdPattern: '\\d{5,12}' });
    expect(checkPlayer(rule, { gameUserId: '52357322414' })).toEqual({ valid: true });
    expect(checkPlayer(rule, { gameUserId: '1234' })).toEqual(USER_MISMATCH);
    expect(checkPlayer(rule, { gameUserId: 'x52357322414' })).toEqual(USER_MISMATCH);
    expect(checkPlayer(rule, { gameUserId: '52357322414x' })).toEqual(USER_MISMATCH);
    expect(checkPlayer(rule, { gameUserId: '1234567890123' })).toEqual(USER_MISMATCH);
  });

  it('anchors an alternation as a whole: "a|b" never accepts "ab"', () => {
    const rule = catalog({ gameUserIdPattern: 'a|b' });
    expect(checkPlayer(rule, { gameUserId: 'a' })).toEqual({ valid: true });
    expect(checkPlayer(rule, { gameUserId: 'b' })).toEqual({ valid: true });
    expect(checkPlayer(rule, { gameUserId: 'ab' })).toEqual(USER_MISMATCH);
  });

  it('a server pattern requires a server id that matches it whole', () => {
    const rule = catalog({ gameServerIdPattern: '(eu|us)-\\d+' });
    expect(checkPlayer(rule, { gameUserId: '52357322414' })).toEqual({ valid: false, field: 'gameServerId', message: 'gameServerId is required for this offer' });
    expect(checkPlayer(rule, { gameUserId: '52357322414', gameServerId: 'eu-1' })).toEqual({ valid: true });
    expect(checkPlayer(rule, { gameUserId: '52357322414', gameServerId: 'asia-1' })).toEqual(SERVER_MISMATCH);
    expect(checkPlayer(rule, { gameUserId: '52357322414', gameServerId: 'eu-1x' })).toEqual(SERVER_MISMATCH);
  });

  it('checks the user id before the server id', () => {
    expect(checkPlayer(catalog({ gameUserIdPattern: '\\d+', gameServerIdPattern: 'eu' }), { gameUserId: 'name' })).toEqual(USER_MISMATCH);
  });

  it('Telegram Stars take a numeric Telegram user id, never a @username', () => {
    expect(checkPlayer({ kind: 'telegram' }, { gameUserId: '143594291' })).toEqual({ valid: true });
    for (const gameUserId of ['@igoryan34', 'igoryan34', '0143594291', '0', '99999999999999999']) {
      expect(checkPlayer({ kind: 'telegram' }, { gameUserId })).toMatchObject({ valid: false, field: 'gameUserId' });
    }
  });
});

describe('assertPlayerAccepted (create-order)', () => {
  it('lets an order through with no player when none is required, or on an offer without rules', () => {
    expect(() => assertPlayerAccepted(catalog({ gameUserIdPattern: '\\d+' }), undefined)).not.toThrow();
    expect(() => assertPlayerAccepted(catalog({ gameUserIdPattern: '\\d+' }), { gameServerId: 'eu' })).not.toThrow();
    expect(() => assertPlayerAccepted(catalog(), { gameUserId: 'anything' })).not.toThrow();
    expect(() => assertPlayerAccepted({ kind: 'anyone' }, undefined)).not.toThrow();
  });

  it('refuses a player the rule calls INVALID, or a missing one it requires, naming customer.gameUserId', () => {
    expect(appErrorOf(() => assertPlayerAccepted(catalog({ gameUserIdPattern: '\\d+' }), { gameUserId: 'name' }))).toMatchObject({
      code: 'INVALID_REQUEST_BODY', details: { field: 'customer.gameUserId' },
      message: 'customer.gameUserId: gameUserId does not match the format this offer expects',
    });
    expect(appErrorOf(() => assertPlayerAccepted(catalog({ requiresGameUserId: true }), undefined)).message)
      .toBe('customer.gameUserId: is required for this offer');
    expect(appErrorOf(() => assertPlayerAccepted({ kind: 'telegram' }, { gameUserId: '@igoryan34' })).details).toEqual({ field: 'customer.gameUserId' });
    expect(appErrorOf(() => assertPlayerAccepted({ kind: 'telegram' }, undefined)).details).toEqual({ field: 'customer.gameUserId' });
  });
});
