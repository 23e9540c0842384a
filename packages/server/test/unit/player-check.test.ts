/** The player-check rule of an offer (modules/catalog): sandbox, anchored patterns, the server id. */
import { describe, expect, it } from 'vitest';
import { assertPlayerAccepted, checkPlayer, type Offer } from '../../src/modules/catalog/index.ts';
import { appErrorOf } from '../support/expect.ts';

function offer(rules: Partial<Pick<Offer, 'sandbox' | 'gameUserIdPattern' | 'gameServerIdPattern'>> = {}): Offer {
  return {
    id: 1001, productName: 'PUBG MOBILE GIFT', offerName: '60 UC', count: 1, price: 56010, currency: 'RUB', returnsKey: true,
    requiresGameUserId: true, gameUserIdPattern: null, gameServerIdPattern: null, sandbox: false, visibleToAll: true,
    merchantIds: [], commissionPercent: '0', updatedAt: new Date(0), ...rules,
  };
}

const USER_MISMATCH = { valid: false, message: 'gameUserId does not match the format this offer expects' };
const SERVER_MISMATCH = { valid: false, message: 'gameServerId does not match the format this offer expects' };

describe('checkPlayer', () => {
  it('the sandbox offer accepts every player, whatever its patterns say', () => {
    const sandbox = offer({ sandbox: true, gameUserIdPattern: '\\d{5}', gameServerIdPattern: 'eu' });
    expect(checkPlayer(sandbox, 'anyone at all', undefined)).toEqual({ valid: true });
  });

  it('an offer without patterns accepts any id', () => {
    expect(checkPlayer(offer(), 'x', undefined)).toEqual({ valid: true });
  });

  it('the user pattern must match the whole id', () => {
    const rule = offer({ gameUserIdPattern: '\\d{5,12}' });
    expect(checkPlayer(rule, '52357322414', undefined)).toEqual({ valid: true });
    expect(checkPlayer(rule, '1234', undefined)).toEqual(USER_MISMATCH);
    expect(checkPlayer(rule, 'x52357322414', undefined)).toEqual(USER_MISMATCH);
    expect(checkPlayer(rule, '52357322414x', undefined)).toEqual(USER_MISMATCH);
    expect(checkPlayer(rule, '1234567890123', undefined)).toEqual(USER_MISMATCH);
  });

  it('anchors an alternation as a whole: "a|b" never accepts "ab"', () => {
    const rule = offer({ gameUserIdPattern: 'a|b' });
    expect(checkPlayer(rule, 'a', undefined)).toEqual({ valid: true });
    expect(checkPlayer(rule, 'b', undefined)).toEqual({ valid: true });
    expect(checkPlayer(rule, 'ab', undefined)).toEqual(USER_MISMATCH);
  });

  it('a server pattern requires a server id that matches it whole', () => {
    const rule = offer({ gameServerIdPattern: '(eu|us)-\\d+' });
    expect(checkPlayer(rule, '52357322414', undefined)).toEqual({ valid: false, message: 'gameServerId is required for this offer' });
    expect(checkPlayer(rule, '52357322414', 'eu-1')).toEqual({ valid: true });
    expect(checkPlayer(rule, '52357322414', 'asia-1')).toEqual(SERVER_MISMATCH);
    expect(checkPlayer(rule, '52357322414', 'eu-1x')).toEqual(SERVER_MISMATCH);
  });

  it('checks the user id before the server id', () => {
    const rule = offer({ gameUserIdPattern: '\\d+', gameServerIdPattern: 'eu' });
    expect(checkPlayer(rule, 'name', undefined)).toEqual(USER_MISMATCH);
  });
});

describe('assertPlayerAccepted (create-order)', () => {
  it('lets an order through with no player, or on an offer without rules', () => {
    expect(() => assertPlayerAccepted(offer({ gameUserIdPattern: '\\d+' }), undefined)).not.toThrow();
    expect(() => assertPlayerAccepted(offer({ gameUserIdPattern: '\\d+' }), { gameServerId: 'eu' })).not.toThrow();
    expect(() => assertPlayerAccepted(offer(), { gameUserId: 'anything' })).not.toThrow();
  });

  it('refuses a player the rule calls INVALID, naming customer.gameUserId', () => {
    const refused = appErrorOf(() => assertPlayerAccepted(offer({ gameUserIdPattern: '\\d+' }), { gameUserId: 'name' }));
    expect(refused).toMatchObject({
      code: 'INVALID_REQUEST_BODY', details: { field: 'customer.gameUserId' },
      message: 'customer.gameUserId: gameUserId does not match the format this offer expects',
    });
  });
});
