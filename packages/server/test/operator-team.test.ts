/**
 * The operator team over real HTTP: accounts invited by an owner, roles that apply at once, API
 * keys (shown once, stored hashed, rotated, revoked, last use recorded), two-factor sign-in with
 * TOTP and recovery codes, throttled like passwords, and order events that name the person or key.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BrowserSession } from './support/browser-session.ts';
import { insertInFlightOrder, useDatabaseClient } from './support/db.ts';
import { expectError } from './support/expect.ts';
import { ADMIN_TOKEN, call, keysFor, merchantClient, operator, useTestHub } from './support/hub.ts';
import { apiKey, enableTwoFactor, merchantUser, operatorUser, signInOperatorUser, totpCode } from './support/team.ts';

const hub = useTestHub();
const op = operator(hub);
const db = useDatabaseClient();

const email = (who: string) => `${who}-${randomBytes(4).toString('hex')}@team.example`;
/** A client address of its own (any 127.x.y.z is loopback), so no other test's failures count against it. */
const loopback = () => `127.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(1, 255)}`;

async function completedOrder(): Promise<{ orderId: number; merchantId: number; shopId: number; token: string }> {
  const shop = await op.merchant(undefined, '20.00');
  const offer = await op.offer({ price: '1.00', currency: 'USD' }, keysFor('TEAM', 1));
  const bought = await merchantClient(hub, shop.token)('/offers/create-order', { offerId: offer.id, price: 1, transactionId: `team-${randomBytes(4).toString('hex')}` });
  expect(bought.body.status).toBe('COMPLETED');
  return { orderId: bought.body.orderId, ...shop };
}

describe('operator accounts', () => {
  it('an owner invites a person with a role: first password shown once, scrypt at rest; the person signs in', async () => {
    const owner = await operatorUser(hub, 'owner');
    const address = email('finance');
    const invited = await owner.session.post('/console/v1/operators', { email: ` ${address.toUpperCase()} `, role: 'finance' });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({ email: address, role: 'finance', twoFactor: false, disabled: false, invitedBy: `operator:${owner.email}` });
    expect(invited.body.password).toHaveLength(16);
    const { rows: [stored] } = await db.query('SELECT password_hash FROM operator_users WHERE email = $1', [address]);
    expect(stored.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(JSON.stringify((await op.ok('GET', '/operators')).operators)).not.toContain(invited.body.password);
    expectError(await owner.session.post('/console/v1/operators', { email: address, role: 'viewer' }), 409, 'EMAIL_TAKEN');
    expectError(await owner.session.post('/console/v1/operators', { email: email('x'), role: 'root' }), 400, 'INVALID_REQUEST_BODY', 'role');

    const browser = new BrowserSession(hub.url);
    const wrong = await signInOperatorUser(browser, address, 'not-the-password');
    const nobody = await signInOperatorUser(browser, email('nobody'), 'not-the-password');
    expectError(wrong, 401, 'SIGN_IN_FAILED');
    expect(wrong.body.error.message).toBe(nobody.body.error.message);
    const signed = await signInOperatorUser(browser, address, invited.body.password);
    expect(signed.status).toBe(201);
    expect(signed.body).toMatchObject({ role: 'operator', email: address, who: 'operator-user', staffRole: 'finance', twoFactor: { enabled: false, mustSetUp: false } });
    expect(signed.body.permissions).toEqual(expect.arrayContaining(['read', 'deposits', 'refunds', 'fx']));
    expect(signed.body.permissions).not.toContain('catalog');
  });

  it('a role change applies to the next request; disabling ends the sessions and refuses the sign-in; no one changes themselves', async () => {
    const owner = await operatorUser(hub, 'owner');
    const person = await operatorUser(hub, 'viewer');
    expectError(await person.session.post('/console/v1/merchants', { name: 'not allowed' }), 403, 'FORBIDDEN');
    expect((await owner.session.call('PATCH', `/console/v1/operators/${person.id}`, { role: 'admin' })).body).toMatchObject({ role: 'admin' });
    expect((await person.session.post('/console/v1/merchants', { name: `made by ${person.email}` })).status).toBe(201);

    expectError(await owner.session.call('PATCH', `/console/v1/operators/${owner.id}`, { role: 'viewer' }), 400, 'INVALID_REQUEST_BODY', 'id');
    expectError(await owner.session.call('PATCH', `/console/v1/operators/${person.id}`, {}), 400, 'INVALID_REQUEST_BODY');
    expect((await owner.session.call('PATCH', `/console/v1/operators/${person.id}`, { disabled: true })).body).toMatchObject({ disabled: true });
    expectError(await person.session.get('/console/v1/session'), 401, 'SESSION_REQUIRED');
    expectError(await signInOperatorUser(new BrowserSession(hub.url), person.email, person.password), 401, 'SIGN_IN_FAILED');
    await owner.session.call('PATCH', `/console/v1/operators/${person.id}`, { disabled: false });
    expect((await signInOperatorUser(new BrowserSession(hub.url), person.email, person.password)).status).toBe(201);

    const reset = await owner.session.post(`/console/v1/operators/${person.id}/reset-password`);
    expect(reset.body.password).not.toBe(person.password);
    expectError(await signInOperatorUser(new BrowserSession(hub.url), person.email, person.password), 401, 'SIGN_IN_FAILED');
    expect((await signInOperatorUser(new BrowserSession(hub.url), person.email, reset.body.password)).status).toBe(201);
  });

  it('order events and the trail name the person or the key, and the bootstrap key stays "operator"', async () => {
    const finance = await operatorUser(hub, 'finance');
    const first = await completedOrder();
    const refunded = await finance.session.post(`/console/v1/orders/${first.orderId}/refund`, { reason: 'refund by a person' });
    expect(refunded.body.events.at(-1)).toMatchObject({ to: 'REFUND', actor: `operator:${finance.email}`, reason: 'refund by a person' });

    const key = await apiKey(hub, 'finance');
    const second = await completedOrder();
    const byKey = await key.call('POST', `/orders/${second.orderId}/refund`, { reason: 'refund by a script' });
    expect(byKey.body.events.at(-1)).toMatchObject({ to: 'REFUND', actor: `key:${key.name}` });

    const third = await completedOrder();
    expect((await op.ok('POST', `/orders/${third.orderId}/refund`, { reason: 'bootstrap' })).events.at(-1)).toMatchObject({ actor: 'operator' });

    const support = await operatorUser(hub, 'support');
    const offer = await op.offer({ price: '1.00', currency: 'USD' });
    const { orderId } = await insertInFlightOrder(db, { ...first, offerId: offer.id, transactionId: `review-${randomBytes(4).toString('hex')}` });
    const completed = await support.session.post(`/console/v1/orders/${orderId}/complete`, { key: 'KEY-FROM-SUPPLIER' });
    expect(completed.body.events.at(-1)).toMatchObject({ from: 'PROCESSING', to: 'COMPLETED', actor: `operator:${support.email}` });
    expectError(await support.session.post(`/console/v1/orders/${orderId}/refund`, { reason: 'not mine to do' }), 403, 'FORBIDDEN');

    const trail = await op.ok('GET', `/audit-log?targetType=order&targetId=${first.orderId}`);
    expect(trail.entries).toEqual([expect.objectContaining({
      actor: `operator:${finance.email}`, actorKind: 'operator-user', actorName: finance.email, ip: expect.any(String), action: 'order.refund',
      before: { status: 'COMPLETED', merchantId: first.merchantId }, after: { status: 'REFUND', reason: 'refund by a person', refundUsd: '1.00' },
    })]);
  });
});

describe('API keys', () => {
  it('shown once, stored as SHA-256, held to their role, last use recorded', async () => {
    const made = await op.ok('POST', '/api-keys', { name: `ci-${randomBytes(3).toString('hex')}`, role: 'viewer' });
    expect(made.token).toMatch(/^dgk_[0-9a-f]{40}$/);
    expect(made).toMatchObject({ role: 'viewer', createdBy: 'operator', lastUsedAt: null, revokedAt: null });
    const listed = (await op.ok('GET', '/api-keys')).keys.find((k: { id: number }) => k.id === made.id);
    expect(listed).not.toHaveProperty('token');
    const { rows: [stored] } = await db.query("SELECT encode(token_hash, 'hex') AS h FROM api_keys WHERE id = $1", [made.id]);
    expect(stored.h).toHaveLength(64);
    expect(JSON.stringify(stored)).not.toContain(made.token);

    const use = (method: string, path: string, body?: unknown) => call(`${hub.url}/admin/v1${path}`, { method, bearer: made.token, body });
    expect((await use('GET', '/orders?limit=1')).status).toBe(200);
    expectError(await use('POST', '/merchants', { name: 'a viewer cannot' }), 403, 'FORBIDDEN');
    const after = (await op.ok('GET', '/api-keys')).keys.find((k: { id: number }) => k.id === made.id);
    expect(after.lastUsedAt).not.toBeNull();
    expect(after.lastUsedIp).toMatch(/127\.0\.0\.1/);
    expectError(await op.call('POST', '/api-keys', { name: made.name, role: 'admin' }), 400, 'INVALID_REQUEST_BODY', 'name');
    // A key is for the bearer API: it opens no console session.
    expectError(await new BrowserSession(hub.url).signInOperator(made.token), 401, 'SIGN_IN_FAILED');
  });

  it('rotation stops the old key at once; revocation is for good', async () => {
    const key = await apiKey(hub, 'admin');
    const rotated = await op.ok('POST', `/api-keys/${key.id}/rotate`);
    expect(rotated.token).not.toBe(key.token);
    expectError(await key.call('GET', '/merchants'), 401, 'INVALID_TOKEN');
    expect((await call(`${hub.url}/admin/v1/merchants`, { bearer: rotated.token })).status).toBe(200);
    expect((await op.ok('POST', `/api-keys/${key.id}/revoke`)).revokedAt).not.toBeNull();
    expectError(await call(`${hub.url}/admin/v1/merchants`, { bearer: rotated.token }), 401, 'INVALID_TOKEN');
    expectError(await op.call('POST', `/api-keys/${key.id}/rotate`), 404, 'API_KEY_NOT_FOUND');
    expectError(await op.call('POST', `/api-keys/${key.id}/revoke`), 404, 'API_KEY_NOT_FOUND');
  });

  it('only owners make keys and accounts', async () => {
    const admin = await apiKey(hub, 'admin');
    expectError(await admin.call('POST', '/api-keys', { name: `escalate-${randomBytes(3).toString('hex')}`, role: 'owner' }), 403, 'FORBIDDEN');
    expectError(await admin.call('POST', '/operators', { email: email('escalate'), role: 'owner' }), 403, 'FORBIDDEN');
    const owner = await apiKey(hub, 'owner');
    expect((await owner.call('POST', '/api-keys', { name: `by-owner-${randomBytes(3).toString('hex')}`, role: 'support' })).body.createdBy).toBe(`key:${owner.name}`);
  });
});

describe('two-factor sign-in', () => {
  it('set up with the password, enabled with a code; the secret sealed at rest; sign-in then needs a code, each used once', async () => {
    const person = await operatorUser(hub, 'support');
    expectError(await person.session.post('/console/v1/two-factor/setup', { password: 'wrong-password' }), 400, 'INVALID_REQUEST_BODY', 'password');
    const setup = await person.session.post('/console/v1/two-factor/setup', { password: person.password });
    expect(setup.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup.body.uri).toMatch(/^otpauth:\/\/totp\/Dropgate:.+\?.*secret=/);
    expect(decodeURIComponent(setup.body.uri)).toContain(person.email);
    const { rows: [stored] } = await db.query('SELECT secret_sealed, enabled_at FROM two_factor WHERE operator_user_id = $1', [person.id]);
    expect(stored.enabled_at).toBeNull();
    expect(Buffer.from(stored.secret_sealed).toString('latin1')).not.toContain(setup.body.secret);
    expect((await person.session.get('/console/v1/two-factor')).body).toMatchObject({ enabled: false, pending: true });

    expectError(await person.session.post('/console/v1/two-factor/enable', { code: '000000' }), 400, 'INVALID_REQUEST_BODY', 'code');
    const enabled = await person.session.post('/console/v1/two-factor/enable', { code: totpCode(setup.body.secret, -1) });
    expect(enabled.body.recoveryCodes).toHaveLength(10);
    expect(enabled.body.recoveryCodes[0]).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
    expect((await person.session.get('/console/v1/two-factor')).body).toEqual({ enabled: true, pending: false, recoveryCodesLeft: 10, required: false });
    expectError(await person.session.post('/console/v1/two-factor/setup', { password: person.password }), 409, 'TWO_FACTOR_ALREADY_ON');

    const browser = new BrowserSession(hub.url, loopback());
    expectError(await signInOperatorUser(browser, person.email, person.password), 401, 'TWO_FACTOR_REQUIRED');
    expectError(await signInOperatorUser(browser, 'x' + person.email, person.password), 401, 'SIGN_IN_FAILED');
    const code = totpCode(setup.body.secret);
    const signed = await signInOperatorUser(browser, person.email, person.password, code);
    expect(signed.status).toBe(201);
    expect(signed.body.twoFactor).toEqual({ enabled: true, mustSetUp: false });
    // The same code again is a replay: refused, even inside its 30 seconds.
    expectError(await signInOperatorUser(new BrowserSession(hub.url, loopback()), person.email, person.password, code), 401, 'SIGN_IN_FAILED');

    // A recovery code stands in for a code once.
    const [recovery] = enabled.body.recoveryCodes;
    expect((await signInOperatorUser(new BrowserSession(hub.url, loopback()), person.email, person.password, recovery.toUpperCase())).status).toBe(201);
    expectError(await signInOperatorUser(new BrowserSession(hub.url, loopback()), person.email, person.password, recovery), 401, 'SIGN_IN_FAILED');
    expect((await person.session.get('/console/v1/two-factor')).body.recoveryCodesLeft).toBe(9);
    const signIns = await op.ok('GET', `/audit-log?actor=${encodeURIComponent(`operator:${person.email}`)}&action=session.sign-in&limit=2`);
    expect(signIns.entries.map((e: { after: { secondFactor: string } }) => e.after.secondFactor)).toEqual(['recovery', 'totp']);

    // Renewed codes replace the old ones; turning it off needs a code too.
    const renewed = await person.session.post('/console/v1/two-factor/recovery-codes', { code: totpCode(setup.body.secret, 1) });
    expect(renewed.body.recoveryCodes).toHaveLength(10);
    expectError(await person.session.post('/console/v1/two-factor/disable', { code: enabled.body.recoveryCodes[1] }), 400, 'INVALID_REQUEST_BODY', 'code');
    expect((await person.session.post('/console/v1/two-factor/disable', { code: renewed.body.recoveryCodes[0] })).status).toBe(204);
    expect((await signInOperatorUser(new BrowserSession(hub.url, loopback()), person.email, person.password)).status).toBe(201);
  });

  it('a wrong code counts like a wrong password: after 5, even the right code is refused', async () => {
    const person = await operatorUser(hub, 'viewer');
    const { secret } = await enableTwoFactor(person.session, 'console', person.password);
    const browser = new BrowserSession(hub.url, loopback());
    for (let i = 0; i < 5; i++) expectError(await signInOperatorUser(browser, person.email, person.password, `00000${i}`), 401, 'SIGN_IN_FAILED');
    expectError(await signInOperatorUser(browser, person.email, person.password, totpCode(secret)), 429, 'TOO_MANY_ATTEMPTS');
  });

  it('an owner resets a lost device; merchant users have two-factor too, and an admin resets theirs', async () => {
    const person = await operatorUser(hub, 'support');
    await enableTwoFactor(person.session, 'console', person.password);
    expect((await op.ok('POST', `/operators/${person.id}/reset-two-factor`)).twoFactor).toBe(false);
    expectError(await person.session.get('/console/v1/session'), 401, 'SESSION_REQUIRED');
    expect((await signInOperatorUser(new BrowserSession(hub.url), person.email, person.password)).status).toBe(201);
    expectError(await op.call('POST', `/operators/${person.id}/reset-two-factor`), 409, 'TWO_FACTOR_NOT_ON');

    const { merchantId } = await op.merchant();
    const staff = await merchantUser(hub, merchantId, 'developer');
    const { secret } = await enableTwoFactor(staff.session, 'cabinet', staff.password);
    expect((await op.ok('GET', `/merchants/${merchantId}/users`)).users.find((u: { id: number }) => u.id === staff.id)).toMatchObject({ twoFactor: true, role: 'developer' });
    const browser = new BrowserSession(hub.url);
    expectError(await browser.signInMerchant(staff.email, staff.password), 401, 'TWO_FACTOR_REQUIRED');
    expect((await browser.post('/cabinet/v1/session', { email: staff.email, password: staff.password, code: totpCode(secret) })).status).toBe(201);
    const admin = await apiKey(hub, 'admin');
    expect((await admin.call('POST', `/users/${staff.id}/reset-two-factor`)).body).toMatchObject({ id: staff.id, twoFactor: false });
    expect((await new BrowserSession(hub.url).signInMerchant(staff.email, staff.password)).status).toBe(201);
  });

  it('the bootstrap key has no account of its own to give two-factor or a password', async () => {
    const browser = new BrowserSession(hub.url);
    await browser.signInOperator(ADMIN_TOKEN);
    expect((await browser.get('/console/v1/session')).body).toMatchObject({ who: 'bootstrap-key', staffRole: 'owner', email: null });
    expectError(await browser.post('/console/v1/two-factor/setup', { password: 'anything-at-all' }), 403, 'FORBIDDEN');
  });
});
