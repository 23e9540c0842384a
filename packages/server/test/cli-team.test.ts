/**
 * The CLI as the team's tool: an owner invites people and makes API keys with the bootstrap key;
 * a script then works with its own key (DROPGATE_API_KEY), held to its role, and reads the audit
 * trail (pages and CSV) that names it.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, useIsolatedHub } from './support/hub.ts';

const BIN = fileURLToPath(new URL('../bin/dropgate.js', import.meta.url));
// A hub of its own: the key sets an FX rate, which every hub of a database shares.
const hub = useIsolatedHub();

function dropgate(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const { DROPGATE_API_KEY: _ignored, ...inherited } = process.env;
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...inherited, DROPGATE_URL: hub.url, DROPGATE_ADMIN_TOKEN: ADMIN_TOKEN, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function json(args: string[], env?: Record<string, string>) {
  const result = await dropgate([...args, '--json'], env);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

describe('dropgate for the operator team', () => {
  // A dozen CLI processes, one after another: each starts Node and loads the CLI.
  it('invites an operator and makes a key; the key works as its role and the trail names it', { timeout: 180_000 }, async () => {
    const tag = randomBytes(3).toString('hex');
    const invited = await json(['operator', 'invite', '--email', `cli-${tag}@team.example`, '--role', 'support']);
    expect(invited).toMatchObject({ email: `cli-${tag}@team.example`, role: 'support', password: expect.any(String) });
    expect((await json(['operator', 'list'])).operators.map((o: { email: string }) => o.email)).toContain(invited.email);
    expect(await json(['operator', 'update', String(invited.id), '--role', 'viewer'])).toMatchObject({ role: 'viewer' });
    expect((await dropgate(['operator', 'update', String(invited.id)])).code).toBe(2);

    const key = await json(['api-key', 'create', '--name', `cli-bot-${tag}`, '--role', 'finance']);
    expect(key.token).toMatch(/^dgk_/);
    const asKey = { DROPGATE_API_KEY: key.token, DROPGATE_ADMIN_TOKEN: 'not-used-when-a-key-is-given' };
    const merchant = await json(['merchant', 'list'], asKey);
    expect(Array.isArray(merchant.merchants)).toBe(true);
    const refused = await dropgate(['merchant', 'create', '--name', 'finance cannot', '--json'], asKey);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).error).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    await json(['fx', 'set', '--currency', 'KZT', '--usd', '0.0021'], asKey);

    const trail = await json(['audit-log', '--actor', `key:cli-bot-${tag}`]);
    expect(trail.entries).toEqual([expect.objectContaining({ action: 'fx.set', targetId: 'KZT', actorKind: 'api-key' })]);
    const csv = await dropgate(['audit-log', '--actor', `key:cli-bot-${tag}`, '--csv']);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\r\n')[0]).toBe('id,at,actor,actorKind,actorName,merchantId,ip,action,targetType,targetId,before,after');
    expect(csv.stdout).toContain(`key:cli-bot-${tag},api-key,cli-bot-${tag}`);

    expect((await json(['api-key', 'list'])).keys.find((k: { id: number }) => k.id === key.id).lastUsedAt).not.toBeNull();
    const rotated = await json(['api-key', 'rotate', String(key.id)]);
    expect((await dropgate(['merchant', 'list', '--json'], asKey)).code).toBe(1);
    expect((await json(['merchant', 'list'], { DROPGATE_API_KEY: rotated.token })).merchants).toBeDefined();
    expect((await json(['api-key', 'revoke', String(key.id)])).revokedAt).not.toBeNull();
    const human = await dropgate(['operator', 'list']);
    expect(human.stdout).toMatch(/two-factor required: (yes|no)/);
  });
});
