/**
 * The `dropgate` CLI as an operator runs it: a separate process speaking to a real hub over HTTP,
 * checked on its --json output, its exit status, and the effects seen through the Partner API.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGamesDropSimulator } from '@dropgate/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, merchantClient, operator, uniqueOfferId, useTestHub } from './support/hub.ts';

const BIN = fileURLToPath(new URL('../bin/dropgate.js', import.meta.url));
const hub = useTestHub();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dropgate-cli-'));
});

function dropgate(args: string[], token = ADMIN_TOKEN): Promise<{ code: number | null; stdout: string; stderr: string; json: any }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, DROPGATE_URL: hub.url, DROPGATE_ADMIN_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => {
      const lines = stdout.trim().split('\n');
      let json;
      if (args.includes('--json')) {
        expect(lines).toHaveLength(1); // exactly one JSON object
        json = JSON.parse(lines[0]!);
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}

async function ok(args: string[]) {
  const result = await dropgate([...args, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return result.json;
}

describe('dropgate CLI', () => {
  it('sets up a merchant and an offer that a shop then buys; the operator sees and refunds the order', async () => {
    const merchant = await ok(['merchant', 'create', '--name', 'CLI Games']);
    expect(merchant.id).toEqual(expect.any(Number));
    const shop = await ok(['shop', 'create', '--merchant', String(merchant.id), '--name', 'web']);
    expect(shop.token).toMatch(/^[0-9a-f]{32}$/);
    expect((await ok(['deposit', '--merchant', String(merchant.id), '--amount', '100.00'])).balance).toBe('100.00');
    expect((await ok(['fx', 'set', '--currency', 'EUR', '--usd', '1.08'])).currency).toBe('EUR');

    const offerId = uniqueOfferId();
    const offer = await ok(['offer', 'upsert', '--id', String(offerId), '--product', 'PUBG MOBILE GIFT', '--name', '60 UC', '--price', '5.00', '--currency', 'USD', '--returns-key']);
    expect(offer).toMatchObject({ id: offerId, price: '5.00', returnsKey: true, merchants: 'all' });
    const file = path.join(dir, 'keys.txt');
    await writeFile(file, 'KEY-A\n\nKEY-B\r\nKEY-A\n  \nKEY-C\n');
    expect(await ok(['stock', 'add', '--offer', String(offerId), '--file', file])).toMatchObject({ added: 3, duplicates: 1 });

    const api = merchantClient(hub, shop.token);
    const bought = await api('/offers/create-order', { offerId, price: 5, transactionId: 'cli-1' });
    expect(bought.body).toMatchObject({ status: 'COMPLETED', key: 'KEY-A' });

    const shown = await ok(['order', 'show', String(bought.body.orderId)]);
    expect(shown).toMatchObject({ id: bought.body.orderId, status: 'COMPLETED', amountUsd: '5.00' });
    expect(shown.events.map((e: any) => e.to)).toEqual(['SUBMITTED', 'COMPLETED']);
    expect((await ok(['order', 'find', '--txn', 'cli-1'])).orders[0].id).toBe(bought.body.orderId);
    const refunded = await ok(['order', 'refund', String(bought.body.orderId), '--reason', 'wrong region']);
    expect(refunded.status).toBe('REFUND');
    expect((await api('/balance')).body.balance).toBe(100);

    const audit = await dropgate(['audit']);
    expect(audit.code).toBe(0);
    expect(audit.stdout).toMatch(/^ok: \d+ invariants hold/);
  });

  it('products and servers: a product made and changed, an offer under it by id, its servers set and cleared', async () => {
    const tag = randomBytes(4).toString('hex');
    const name = `Mobile Legends ${tag}`;
    const product = await ok(['product', 'create', '--name', name, '--category', 'Top Up', '--platform-code', 'mobile', '--region-code', 'GLB',
      '--region-name', 'Global', '--excluded-countries', 'ru,BY']);
    expect(product).toMatchObject({ id: expect.any(Number), name, category: 'Top Up', platformCode: 'mobile', platformName: null, regionCode: 'GLB', excludedCountryCodes: ['BY', 'RU'] });
    // update changes what it is given ("" empties a detail) and keeps the rest.
    const updated = await ok(['product', 'update', String(product.id), '--platform-name', 'Mobile', '--region-code', '', '--excluded-countries', 'KZ']);
    expect(updated).toMatchObject({
      id: product.id, name, category: 'Top Up', platformCode: 'mobile', platformName: 'Mobile', regionCode: null, regionName: 'Global', regionalLimitations: null,
      excludedCountryCodes: ['KZ'],
    });
    expect(await ok(['product', 'show', String(product.id)])).toEqual(updated);
    const second = await ok(['product', 'create', '--name', `${name} (EU)`]);
    expect((await ok(['product', 'list', '--q', tag])).products.map((p: { id: number }) => p.id)).toEqual([product.id, second.id]);
    const firstPage = await ok(['product', 'list', '--q', tag.toUpperCase(), '--limit', '1']);
    expect(firstPage).toMatchObject({ products: [{ id: product.id }], nextAfter: product.id });
    expect((await ok(['product', 'list', '--q', tag, '--after', String(product.id)])).products.map((p: { id: number }) => p.id)).toEqual([second.id]);
    const human = await dropgate(['product', 'list', '--q', tag, '--limit', '1']);
    expect(human.stdout).toMatch(new RegExp(`${product.id}\\s+${name}\\s+Top Up\\s+mobile\\s+KZ`));
    expect(human.stdout).toContain(`next page: --after ${product.id}`);

    const offerId = uniqueOfferId();
    const offer = await ok(['offer', 'upsert', '--id', String(offerId), '--product-id', String(product.id), '--name', '86 Diamonds', '--price', '1.50', '--currency', 'USD']);
    expect(offer).toMatchObject({ id: offerId, productId: product.id, productName: name, servers: {} });
    const withServers = await ok(['offer', 'servers', '--id', String(offerId), '--server', '2010=Asia', '--server', '2011 = Europe West']);
    expect(withServers).toMatchObject({ id: offerId, servers: { 2010: 'Asia', 2011: 'Europe West' } });

    // Merchants see the product and the servers.
    const { token } = await operator(hub).merchant();
    const api = merchantClient(hub, token);
    expect((await api('/partner/product-offer/servers', { offerId })).body).toEqual({ 2010: 'Asia', 2011: 'Europe West' });
    expect((await api('/offers/find-one', { offerId })).body).toMatchObject({
      productName: name, platformName: 'Mobile', regionCode: null, excludedCountryCodes: ['KZ'], isRequiredGameServerId: true,
    });
    expect((await ok(['offer', 'servers', '--id', String(offerId), '--clear'])).servers).toEqual({});
    expect((await api('/partner/product-offer/servers', { offerId })).body).toEqual({});
  }, 60_000);

  it('products and servers: mistakes are usage errors (2), what the hub refuses is an error (1)', async () => {
    const offerId = String(uniqueOfferId());
    const upsert = ['offer', 'upsert', '--id', offerId, '--name', 'N', '--price', '1.00', '--currency', 'USD', '--json'];
    for (const args of [
      ['offer', 'servers', '--id', offerId, '--json'],
      ['offer', 'servers', '--id', offerId, '--server', '2010', '--json'],
      ['offer', 'servers', '--id', offerId, '--server', '2010=Asia', '--server', '2010=Europe', '--json'],
      ['offer', 'servers', '--id', offerId, '--server', '2010=Asia', '--clear', '--json'],
      upsert,
      [...upsert, '--product', 'P', '--product-id', '1'],
      ['product', 'create', '--category', 'Top Up', '--json'],
    ]) {
      const mistake = await dropgate(args);
      expect(mistake.code, args.join(' ')).toBe(2);
      expect(mistake.json.error.code).toBe('USAGE');
    }
    const refused = async (args: string[]) => {
      const result = await dropgate([...args, '--json']);
      expect(result.code, args.join(' ')).toBe(1);
      return result.json.error.code;
    };
    expect(await refused([...upsert.slice(0, -1), '--product-id', '1999999999'])).toBe('PRODUCT_NOT_FOUND');
    expect(await refused(['product', 'show', '1999999999'])).toBe('PRODUCT_NOT_FOUND');
    expect(await refused(['product', 'update', '1999999999', '--category', 'X'])).toBe('PRODUCT_NOT_FOUND');
    expect(await refused(['product', 'create', '--name', 'Bad countries', '--excluded-countries', 'RUS'])).toBe('INVALID_REQUEST_BODY');
    expect(await refused(['offer', 'servers', '--id', '1999999999', '--clear'])).toBe('OFFER_NOT_FOUND');
  }, 60_000);

  it('rotate-token invalidates the old token at once', async () => {
    const merchant = await ok(['merchant', 'create', '--name', 'Rotator']);
    const shop = await ok(['shop', 'create', '--merchant', String(merchant.id), '--name', 'web']);
    const rotated = await ok(['shop', 'rotate-token', '--shop', String(shop.id)]);
    expect(rotated.token).toMatch(/^[0-9a-f]{32}$/);
    expect((await merchantClient(hub, shop.token)('/balance')).status).toBe(401);
    expect((await merchantClient(hub, rotated.token)('/balance')).status).toBe(200);
  });

  it('shop set-limits sets the rate and the allowlist, which the Partner API then applies', async () => {
    const merchant = await ok(['merchant', 'create', '--name', 'Limited']);
    const shop = await ok(['shop', 'create', '--merchant', String(merchant.id), '--name', 'web']);
    const set = await ok(['shop', 'set-limits', '--shop', String(shop.id), '--rate', '250', '--allow', '10.0.0.0/8, 2001:db8::/32']);
    expect(set).toMatchObject({ rateLimit: 250, effectiveRateLimit: 250, ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'] });
    expect((await merchantClient(hub, shop.token)('/balance')).body.error.code).toBe('IP_NOT_ALLOWED'); // from 127.0.0.1
    await ok(['shop', 'set-limits', '--shop', String(shop.id), '--allow', 'any']);
    const answer = await merchantClient(hub, shop.token)('/balance');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('ratelimit-limit')).toBe('250');
    const shown = await dropgate(['shop', 'limits', '--shop', String(shop.id)]);
    expect(shown.stdout).toContain('rate limit: 250 requests per 60 s');
    expect(shown.stdout).toContain('IP allowlist: any address');
    expect((await ok(['shop', 'set-limits', '--shop', String(shop.id), '--rate', 'default'])).rateLimit).toBeNull();
    const bad = await dropgate(['shop', 'set-limits', '--shop', String(shop.id), '--allow', '10.0.0.0/40', '--json']);
    expect([bad.code, bad.json.error.code]).toEqual([1, 'INVALID_REQUEST_BODY']);
    expect((await dropgate(['shop', 'set-limits', '--shop', String(shop.id)])).code).toBe(2);
  });

  it('webhooks: made with a secret shown once, changed, rotated, tested and redelivered, their log read', async () => {
    const merchant = await ok(['merchant', 'create', '--name', 'CLI Hooks']);
    const shop = await ok(['shop', 'create', '--merchant', String(merchant.id), '--name', 'web']);
    const made = await ok(['webhook', 'create', '--shop', String(shop.id), '--url', 'https://hooks.example.com/in', '--events', 'order.completed,balance.low', '--balance-low', '25.00']);
    expect(made.secret).toMatch(/^whsec_/);
    expect(made.webhook).toMatchObject({ shopId: shop.id, events: ['order.completed', 'balance.low'], balanceLowThreshold: '25.00', status: 'ACTIVE' });
    const id = String(made.webhook.id);
    expect((await ok(['webhook', 'update', id, '--disable'])).status).toBe('DISABLED');
    expect((await ok(['webhook', 'list', '--shop', String(shop.id)])).webhooks.map((w: { id: number }) => w.id)).toEqual([made.webhook.id]);
    const rotated = await ok(['webhook', 'rotate-secret', id, '--overlap', '60']);
    expect(rotated.secret).not.toBe(made.secret);
    const test = await ok(['webhook', 'test', id]);
    const again = await ok(['webhook', 'redeliver', String(test.deliveryId)]);
    expect(again.eventId).toBe(test.eventId);
    // Off: both wait, unsent, until the endpoint is turned on again.
    const log = await ok(['webhook', 'deliveries', id]);
    expect(log.deliveries.map((d: { type: string; status: string; attempts: number }) => [d.type, d.status, d.attempts])).toEqual([['webhook.test', 'PENDING', 0], ['webhook.test', 'PENDING', 0]]);
    const human = await dropgate(['webhook', 'deliveries', id]);
    expect(human.stdout).toMatch(/^id\s+type\s+orderId/);
    expect((await dropgate(['webhook', 'update', id, '--enable', '--disable'])).code).toBe(2);
    expect((await dropgate(['webhook', 'create', '--shop', String(shop.id), '--url', 'http://hooks.example.com/in', '--events', 'order.completed', '--json'])).json.error.code).toBe('INVALID_REQUEST_BODY');
  });

  it('sends a large key file in batches and totals them', async () => {
    const offerId = uniqueOfferId();
    await ok(['offer', 'upsert', '--id', String(offerId), '--product', 'Bulk', '--name', 'Keys', '--price', '1.00', '--currency', 'USD']);
    const file = path.join(dir, 'bulk.txt');
    const keys = Array.from({ length: 12_000 }, (_, i) => `BULK-${offerId}-${i}`);
    await writeFile(file, `${keys.join('\n')}\n${keys.slice(0, 500).join('\n')}\n`);
    expect(await ok(['stock', 'add', '--offer', String(offerId), '--file', file])).toMatchObject({ added: 12_000, duplicates: 500 });
    expect((await ok(['offer', 'show', String(offerId)])).stock).toEqual({ available: 12_000, sold: 0 });
  }, 60_000);

  it('fails loudly: wrong operator token, bad input, mistyped commands', async () => {
    const denied = await dropgate(['merchant', 'list', '--json'], 'wrong-token-0000000000');
    expect(denied.code).toBe(1);
    expect(denied.json.error.code).toBe('INVALID_TOKEN');
    expect(denied.stderr).toMatch(/INVALID_TOKEN/);

    const merchant = await ok(['merchant', 'create', '--name', 'Precise']);
    const bad = await dropgate(['deposit', '--merchant', String(merchant.id), '--amount', '1.234', '--json']);
    expect(bad.code).toBe(1);
    expect(bad.json.error.code).toBe('INVALID_REQUEST_BODY');

    const missing = await dropgate(['shop', 'create', '--name', 'no merchant']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--merchant/);
    expect((await dropgate(['frobnicate'])).code).toBe(2);
    expect((await dropgate(['order', 'show', '999999999', '--json'])).json.error.code).toBe('ORDER_NOT_FOUND');
  });

  describe('upstream catalogs', () => {
    let upstream: Awaited<ReturnType<typeof startGamesDropSimulator>>;
    beforeAll(async () => {
      upstream = await startGamesDropSimulator({ token: 'cli-upstream', offers: [
        { offerId: 71, productName: 'CLI Upstream Card', offerName: '5 USD', price: 4.5, currency: 'USD' },
        { offerId: 72, productName: 'CLI Upstream Card', offerName: '10 USD', price: 9, currency: 'USD' },
      ] });
    });
    afterAll(() => upstream?.stop());

    it('syncs a supplier\'s catalog, lists it, imports it; a failed sync exits 1 and changes nothing', async () => {
      const supplier = await ok(['supplier', 'add', '--kind', 'gamesdrop', '--name', `cli-up-${randomBytes(3).toString('hex')}`, '--url', upstream.url, '--token', 'cli-upstream']);
      expect(await ok(['supplier', 'sync', '--supplier', String(supplier.id)])).toMatchObject({ status: 'applied', seen: 2, added: 2 });
      const listed = await dropgate(['supplier', 'catalog', '--supplier', String(supplier.id), '--search', 'CLI Upstream']);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(/CLI Upstream Card\s+5 USD\s+4\.50\s+USD/);
      expect(listed.stdout).toContain('2 in all');
      const imported = await ok(['supplier', 'catalog', 'import', '--supplier', String(supplier.id), '--margin', '10', '--rounding', 'unit']);
      expect(imported.imported).toBe(2);
      expect((await operator(hub).ok('GET', `/offers/${imported.firstOfferId}`)).price).toBe('5.00'); // 4.95 up to a whole unit

      await ok(['supplier', 'update', String(supplier.id), '--token', 'wrong']);
      const failed = await dropgate(['supplier', 'sync', '--supplier', String(supplier.id)]);
      expect(failed.code).toBe(1);
      expect(failed.stdout).toMatch(/failed, nothing changed: .*INVALID_TOKEN/);
      expect((await ok(['supplier', 'catalog', '--supplier', String(supplier.id)])).total).toBe(2);
    });

    it('stores, lists, changes and deletes pricing rules, an import follows them; an offer allowed below cost', async () => {
      const supplier = await ok(['supplier', 'add', '--kind', 'gamesdrop', '--name', `cli-rules-${randomBytes(3).toString('hex')}`, '--url', upstream.url, '--token', 'cli-upstream']);
      await ok(['supplier', 'sync', '--supplier', String(supplier.id)]);
      const added = await dropgate(['pricing-rule', 'add', '--supplier', String(supplier.id), '--margin', '20']);
      expect(added.code, added.stderr).toBe(0);
      expect(added.stdout).toMatch(/^pricing rule \d+ \(supplier\): 20 % \+ 0\.00, cent; 0 offers repriced$/m);
      const imported = await ok(['supplier', 'catalog', 'import', '--supplier', String(supplier.id), '--search', '5 USD']);
      expect((await operator(hub).ok('GET', `/offers/${imported.firstOfferId}`)).price).toBe('5.40'); // 4.50 × 1.20
      const [rule] = (await ok(['pricing-rule', 'list', '--supplier', String(supplier.id)])).rules;
      expect(rule).toMatchObject({ scope: 'supplier', supplierId: supplier.id, marginPercent: '20' });
      expect(await ok(['pricing-rule', 'update', String(rule.id), '--margin=-20'])).toMatchObject({ repriced: 1 });
      expect((await operator(hub).ok('GET', `/offers/${imported.firstOfferId}`)).price).toBe('4.50'); // 3.60 is under the cost
      expect(await ok(['offer', 'below-cost', String(imported.firstOfferId), '--allow'])).toMatchObject({ allowBelowCost: true, price: '3.60' });
      expect((await dropgate(['offer', 'below-cost', String(imported.firstOfferId)])).code).toBe(2); // neither --allow nor --floor
      expect((await dropgate(['pricing-rule', 'add', '--product', '1', '--supplier', String(supplier.id), '--margin', '5'])).code).toBe(2);
      expect(await ok(['pricing-rule', 'delete', String(rule.id)])).toEqual({ id: rule.id, repriced: 0 }); // no rule holds it now: it keeps its price
      expect((await dropgate(['pricing-rule', 'delete', String(rule.id), '--json'])).json.error.code).toBe('PRICING_RULE_NOT_FOUND');
    }, 120_000); // a dozen CLI processes, each a Node start
  });
});