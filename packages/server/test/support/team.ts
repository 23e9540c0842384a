/**
 * People and keys of every role, for tests: operator users signed in to the console, API keys for
 * /admin/v1, a merchant's staff signed in to the cabinet, and the authenticator app's codes.
 */
import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { BrowserSession } from './browser-session.ts';
import { call, operator, type TestHub } from './hub.ts';

export const OPERATOR_ROLES = ['owner', 'admin', 'finance', 'support', 'viewer'] as const;
export const MERCHANT_ROLES = ['owner', 'developer', 'accountant'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];
export type MerchantRole = (typeof MERCHANT_ROLES)[number];

const tag = () => randomBytes(4).toString('hex');

export interface OperatorPerson {
  id: number;
  email: string;
  password: string;
  role: OperatorRole;
  session: BrowserSession;
}

/** An operator user invited by the bootstrap key, signed in to the console. */
export async function operatorUser(hub: Pick<TestHub, 'url'>, role: OperatorRole, email = `${role}-${tag()}@team.example`): Promise<OperatorPerson> {
  const invited = await operator(hub).ok('POST', '/operators', { email, role });
  const session = new BrowserSession(hub.url);
  const signed = await signInOperatorUser(session, invited.email, invited.password);
  if (signed.status !== 201) throw new Error(`sign-in of ${email}: ${signed.status} ${signed.text}`);
  return { id: invited.id, email: invited.email, password: invited.password, role, session };
}

export function signInOperatorUser(session: BrowserSession, email: string, password: string, code?: string) {
  return session.post('/console/v1/session', { email, password, ...(code !== undefined && { code }) });
}

export interface Key {
  id: number;
  name: string;
  token: string;
  role: OperatorRole;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

/** An API key of the role, made by the bootstrap key; `call` speaks /admin/v1 with it. */
export async function apiKey(hub: Pick<TestHub, 'url'>, role: OperatorRole, name = `${role}-key-${tag()}`): Promise<Key> {
  const made = await operator(hub).ok('POST', '/api-keys', { name, role });
  return {
    id: made.id, name: made.name, token: made.token, role,
    call: (method, path, body) => call(`${hub.url}/admin/v1${path}`, { method, bearer: made.token, body }),
  };
}

export interface MerchantPerson {
  id: number;
  email: string;
  password: string;
  role: MerchantRole;
  session: BrowserSession;
}

/** A cabinet user of the merchant with the role (made by the operator), signed in. */
export async function merchantUser(hub: Pick<TestHub, 'url'>, merchantId: number, role: MerchantRole): Promise<MerchantPerson> {
  const user = await operator(hub).ok('POST', `/merchants/${merchantId}/users`, { email: `${role}-${tag()}@merchant.example`, role });
  const session = new BrowserSession(hub.url);
  const signed = await session.signInMerchant(user.email, user.password);
  if (signed.status !== 201) throw new Error(`sign-in of ${user.email}: ${signed.status} ${signed.text}`);
  return { id: user.id, email: user.email, password: user.password, role, session };
}

/** What the authenticator app shows now (or `steps` periods away) for a base32 secret. */
export function totpCode(secret: string, steps = 0): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: Date.now() + steps * 30_000 });
}

/**
 * Turns two-factor on for the signed-in person (console or cabinet) and answers the secret and
 * the recovery codes. The first code is one step back, so the test's next code (now) is still fresh.
 */
export async function enableTwoFactor(session: BrowserSession, surface: 'console' | 'cabinet', password: string): Promise<{ secret: string; recoveryCodes: string[] }> {
  const setup = await session.post(`/${surface}/v1/two-factor/setup`, { password });
  if (setup.status !== 200) throw new Error(`two-factor setup: ${setup.status} ${setup.text}`);
  const enabled = await session.post(`/${surface}/v1/two-factor/enable`, { code: totpCode(setup.body.secret, -1) });
  if (enabled.status !== 200) throw new Error(`two-factor enable: ${enabled.status} ${enabled.text}`);
  return { secret: setup.body.secret, recoveryCodes: enabled.body.recoveryCodes };
}
