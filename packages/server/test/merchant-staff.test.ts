/**
 * Merchant self-service in the cabinet: owners create shops and run their staff (invite with a
 * role, change roles, remove), the merchant always keeping an owner; each role reaches only what
 * it may; and nothing of another merchant's staff can be named.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession } from './support/browser-session.ts';
import { expectError } from './support/expect.ts';
import { merchantClient, operator, useTestHub } from './support/hub.ts';
import { merchantUser, type MerchantPerson } from './support/team.ts';

const hub = useTestHub();
const op = operator(hub);

let merchantId: number;
let owner: MerchantPerson;

beforeAll(async () => {
  ({ merchantId } = await op.merchant(undefined, '10.00'));
  owner = await merchantUser(hub, merchantId, 'owner');
});

const email = (who: string) => `${who}-${randomBytes(4).toString('hex')}@shop.example`;

describe('merchant self-service', () => {
  it('an owner creates a shop: its token is shown once and works at once', async () => {
    const made = await owner.session.post('/cabinet/v1/shops', { name: 'Second storefront' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ merchantId, name: 'Second storefront', token: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect((await merchantClient(hub, made.body.token)('/balance')).body).toMatchObject({ balance: 10 });
    const overview = await owner.session.get('/cabinet/v1/overview');
    expect(overview.body.shops.map((s: { id: number }) => s.id)).toContain(made.body.id);
    expect(JSON.stringify(overview.body)).not.toContain(made.body.token);
    const trail = await op.ok('GET', `/audit-log?targetType=shop&targetId=${made.body.id}`);
    expect(trail.entries).toEqual([expect.objectContaining({
      action: 'shop.create', actor: `merchant-user:${owner.id}`, actorName: owner.email, merchantId, after: { merchantId, name: 'Second storefront', token: 'changed (never recorded)' },
    })]);
  });

  it('an owner invites staff with a role; each role reaches only its part of the cabinet', async () => {
    const invited = await owner.session.post('/cabinet/v1/users', { email: email('dev'), role: 'developer' });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({ merchantId, role: 'developer', twoFactor: false, password: expect.any(String) });
    const developer = new BrowserSession(hub.url);
    expect((await developer.signInMerchant(invited.body.email, invited.body.password)).body).toMatchObject({ staffRole: 'developer', who: 'merchant-user' });
    const shops = (await developer.get('/cabinet/v1/overview')).body.shops;
    expect((await developer.post(`/cabinet/v1/shops/${shops[0].id}/rotate-token`)).status).toBe(200);
    expectError(await developer.get('/cabinet/v1/transactions'), 403, 'FORBIDDEN');
    expectError(await developer.post('/cabinet/v1/users', { email: email('sneaky'), role: 'owner' }), 403, 'FORBIDDEN');
    expectError(await developer.post('/cabinet/v1/shops', { name: 'not mine to make' }), 403, 'FORBIDDEN');

    const accountant = await merchantUser(hub, merchantId, 'accountant');
    expect((await accountant.session.get('/cabinet/v1/transactions')).status).toBe(200);
    expect((await accountant.session.get('/cabinet/v1/transactions.csv')).status).toBe(200);
    expectError(await accountant.session.post(`/cabinet/v1/shops/${shops[0].id}/rotate-token`), 403, 'FORBIDDEN');
    const staff = (await owner.session.get('/cabinet/v1/users')).body.users;
    expect(staff.map((u: { email: string; role: string }) => [u.email, u.role])).toEqual(expect.arrayContaining([[invited.body.email, 'developer'], [owner.email, 'owner']]));
  });

  it('roles change at once; a removed person is signed out; the merchant keeps an owner', async () => {
    const other = await merchantUser(hub, merchantId, 'accountant');
    expect((await owner.session.call('PUT', `/cabinet/v1/users/${other.id}/role`, { role: 'owner' })).body).toMatchObject({ role: 'owner' });
    expect((await other.session.get('/cabinet/v1/users')).status).toBe(200);
    expectError(await owner.session.call('PUT', `/cabinet/v1/users/${owner.id}/role`, { role: 'developer' }), 400, 'INVALID_REQUEST_BODY', 'id');
    expectError(await owner.session.call('DELETE', `/cabinet/v1/users/${owner.id}`), 400, 'INVALID_REQUEST_BODY', 'id');
    expect((await owner.session.call('DELETE', `/cabinet/v1/users/${other.id}`)).status).toBe(204);
    expectError(await other.session.get('/cabinet/v1/overview'), 401, 'SESSION_REQUIRED');
    expectError(await new BrowserSession(hub.url).signInMerchant(other.email, other.password), 401, 'SIGN_IN_FAILED');

    // Two owners demoting each other at the same moment: one wins, and the merchant keeps an owner.
    const { merchantId: pair } = await op.merchant();
    const first = await merchantUser(hub, pair, 'owner');
    const second = await merchantUser(hub, pair, 'owner');
    const answers = await Promise.all([
      first.session.call('PUT', `/cabinet/v1/users/${second.id}/role`, { role: 'accountant' }),
      second.session.call('PUT', `/cabinet/v1/users/${first.id}/role`, { role: 'accountant' }),
    ]);
    // The loser is refused by the owner rule under the lock (400), or, if it came second, by its new role (403).
    const [won, lost] = [...answers].sort((a, b) => a.status - b.status);
    expect(won!.status).toBe(200);
    if (lost!.status === 400) expect(lost!.body.error.message).toMatch(/at least one owner/);
    else expectError(lost!, 403, 'FORBIDDEN');
    const roles = (await op.ok('GET', `/merchants/${pair}/users`)).users.map((u: { role: string }) => u.role).sort();
    expect(roles).toEqual(['accountant', 'owner']);
  });

  it("another merchant's staff cannot be named at all", async () => {
    const { merchantId: elsewhere } = await op.merchant();
    const stranger = await merchantUser(hub, elsewhere, 'developer');
    expectError(await owner.session.call('PUT', `/cabinet/v1/users/${stranger.id}/role`, { role: 'owner' }), 404, 'USER_NOT_FOUND');
    expectError(await owner.session.call('DELETE', `/cabinet/v1/users/${stranger.id}`), 404, 'USER_NOT_FOUND');
    expect((await owner.session.get('/cabinet/v1/users')).body.users.map((u: { id: number }) => u.id)).not.toContain(stranger.id);
    expect((await stranger.session.get('/cabinet/v1/overview')).status).toBe(200);
  });
});
