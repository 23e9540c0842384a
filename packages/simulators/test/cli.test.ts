/** The command line: prints the URL and catalog, serves, never prints a key, stops on SIGTERM. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

async function runCli(args: string[]) {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const deadline = Date.now() + 10_000;
  while (!/http:\/\/[\d.]+:\d+/.test(output) && child.exitCode === null && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const url = /http:\/\/[\d.]+:\d+/.exec(output)?.[0];
  if (!url) {
    child.kill('SIGKILL');
    throw new Error(`the CLI printed no URL: ${output}`);
  }
  return {
    url,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      return code as number | null;
    },
  };
}

describe('simulators CLI', () => {
  it('gamesdrop: prints the URL and catalog, serves with the token, keeps keys off its output', async () => {
    const cli = await runCli(['gamesdrop', '--port', '0', '--token', 'cli-token']);
    try {
      expect(cli.output()).toContain('1001  PUBG MOBILE GIFT / 60 UC  560.1 RUB  keys 100');
      const response = await fetch(`${cli.url}/api/v1/offers/create-order`, {
        method: 'POST',
        headers: { authorization: 'cli-token', 'content-type': 'application/json' },
        body: JSON.stringify({ offerId: 1001, price: 560.1, transactionId: 'cli-1' }),
      });
      const order = await response.json();
      expect(order.key).toMatch(/^GD-/);
      expect(cli.output()).not.toContain(order.key);
    } finally {
      expect(await cli.stop()).toBe(0);
    }
  });

  it('gamesdrop --generated-offers: prints the first offers and how many more, and serves them all', async () => {
    const cli = await runCli(['gamesdrop', '--generated-offers', '50']);
    try {
      expect(cli.output()).toContain('1000001  PUBG MOBILE 1 / 60 units');
      expect(cli.output()).toContain('… and 32 more offers');
      const response = await fetch(`${cli.url}/api/v1/offers/sync`, { method: 'POST', body: '{"limit":1,"page":52}' });
      expect(await response.json()).toMatchObject({ count: 52, rows: [{ offerId: 1_000_050 }] });
    } finally {
      expect(await cli.stop()).toBe(0);
    }
  });

  it('codegames: applies --fault from the command line', async () => {
    const cli = await runCli(['codegames', '--fault', 'all=http-500:502']);
    try {
      expect(cli.output()).toContain('1234567890  Карта пополнения PSN USA 100 USD');
      expect(cli.output()).toContain('fault: all {"kind":"http-500","status":502}');
      const response = await fetch(`${cli.url}/check`, { method: 'POST', body: '{"product_id":1234567890}' });
      expect(response.status).toBe(502);
    } finally {
      expect(await cli.stop()).toBe(0);
    }
  });

  it('stars, ton-rate and telegram: serve what they print, with their faults and users', async () => {
    const stars = await runCli(['stars', '--token', 'cli-stars', '--fault', '123456789=user-not-found']);
    const rate = await runCli(['ton-rate', '--rate', '3.5']);
    const telegram = await runCli(['telegram', '--token', '1:cli-bot', '--user', '143594291:igoryan34:Igor']);
    try {
      const failed = await fetch(`${stars.url}/v1/transfers`, {
        method: 'POST', headers: { authorization: 'cli-stars' }, body: JSON.stringify({ request_id: 'cli-1', telegram_user_id: 123456789, amount: 5 }),
      });
      expect(await failed.json()).toMatchObject({ status: 'failed', error: 'user not found' });
      expect(stars.output()).toContain('fault: 123456789 {"kind":"user-not-found"}');
      expect((await (await fetch(`${rate.url}/api/v1/rates/ton-usd`)).json()).price).toBe('3.5');
      expect(telegram.output()).toContain('user 143594291 @igoryan34 wrote /start to the bot');
      const updates = await (await fetch(`${telegram.url}/bot1:cli-bot/getUpdates`)).json();
      expect(updates.result[0].message.from).toMatchObject({ id: 143594291, username: 'igoryan34', first_name: 'Igor' });
    } finally {
      expect(await Promise.all([stars.stop(), rate.stop(), telegram.stop()])).toEqual([0, 0, 0]);
    }
  });
});
