/**
 * The owner's rule that every operator user signs in with two-factor: a person without it may
 * sign in, but reaches nothing but their own account until they set it up. Keys are not people:
 * the rule does not touch them. (A hub of its own: the rule holds for the whole deployment.)
 */
import { describe, expect, it } from 'vitest';
import { BrowserSession } from './support/browser-session.ts';
import { expectError } from './support/expect.ts';
import { ADMIN_TOKEN, operator, useIsolatedHub } from './support/hub.ts';
import { apiKey, enableTwoFactor, operatorUser, signInOperatorUser, totpCode } from './support/team.ts';

const hub = useIsolatedHub();
const op = operator(hub);

describe('requiring two-factor of every operator', () => {
  it('holds people without it to their own account until they set it up; keys and the bootstrap key go on', async () => {
    const owner = await operatorUser(hub, 'owner');
    const { secret } = await enableTwoFactor(owner.session, 'console', owner.password);
    const support = await operatorUser(hub, 'support');
    const key = await apiKey(hub, 'viewer');
    expect((await support.session.get('/console/v1/orders')).status).toBe(200);

    expectError(await support.session.call('PUT', '/console/v1/two-factor-policy', { requireTwoFactor: true }), 403, 'FORBIDDEN');
    expect((await owner.session.call('PUT', '/console/v1/two-factor-policy', { requireTwoFactor: true })).body).toEqual({ requireTwoFactor: true });
    expect((await op.ok('GET', '/operators')).requireTwoFactor).toBe(true);

    // The session already open is held to it at once, and so is a new one.
    expectError(await support.session.get('/console/v1/orders'), 403, 'TWO_FACTOR_SETUP_REQUIRED');
    const fresh = new BrowserSession(hub.url);
    const signed = await signInOperatorUser(fresh, support.email, support.password);
    expect(signed.body.twoFactor).toEqual({ enabled: false, mustSetUp: true });
    expectError(await fresh.get('/console/v1/dashboard'), 403, 'TWO_FACTOR_SETUP_REQUIRED');
    expect((await fresh.get('/console/v1/two-factor')).body).toMatchObject({ enabled: false, required: true });
    await enableTwoFactor(fresh, 'console', support.password);
    expect((await fresh.get('/console/v1/dashboard')).status).toBe(200);
    expect((await fresh.get('/console/v1/session')).body.twoFactor).toEqual({ enabled: true, mustSetUp: false });

    // Not people: an API key and the bootstrap key are not asked for a second factor.
    expect((await key.call('GET', '/orders')).status).toBe(200);
    const bootstrap = new BrowserSession(hub.url);
    expect((await bootstrap.signInOperator(ADMIN_TOKEN)).status).toBe(201);
    expect((await bootstrap.get('/console/v1/dashboard')).status).toBe(200);

    // The owner still signs in with their code, and lifts the rule.
    const again = new BrowserSession(hub.url);
    expect((await signInOperatorUser(again, owner.email, owner.password, totpCode(secret))).status).toBe(201);
    await again.call('PUT', '/console/v1/two-factor-policy', { requireTwoFactor: false });
    const trail = await op.ok('GET', '/audit-log?action=policy.two-factor');
    expect(trail.entries.map((e: { before: unknown; after: unknown; actor: string }) => [e.actor, e.before, e.after])).toEqual([
      [`operator:${owner.email}`, { requireTwoFactor: true }, { requireTwoFactor: false }],
      [`operator:${owner.email}`, { requireTwoFactor: false }, { requireTwoFactor: true }],
    ]);
  });
});
