/**
 * Demo data for `npm start`: one merchant with $1,000, a shop, FX rates, and stock offers in
 * RUB, KZT, EUR and USD with keys. Seeded once; the demo's tokens are kept in
 * DATA_DIR/demo-credentials.json (demo only) so every start can print them.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { createProduct, setRate, upsertOffer } from '../modules/catalog/index.ts';
import { addKeys } from '../modules/inventory/index.ts';
import { deposit } from '../modules/ledger/index.ts';
import { createMerchant, createShop } from '../modules/merchants/index.ts';
import type { KeyVault } from '../platform/crypto.ts';
import { systemActor } from '../modules/audit-log/index.ts';

export interface DemoCredentials {
  merchantId: number;
  shopToken: string;
  operatorToken: string | undefined;
}

const NONE = { platformCode: null, platformName: null, regionalLimitations: null, excludedCountryCodes: [] as string[] };
const PRODUCTS = {
  pubg: { ...NONE, name: 'PUBG MOBILE GIFT', category: 'Top Up', platformCode: 'mobile', platformName: 'Mobile', regionCode: 'GLB', regionName: 'Global' },
  steamKz: { ...NONE, name: 'Steam Wallet KZ', category: 'Gift Cards', platformCode: 'steam', platformName: 'Steam', regionCode: 'KZ', regionName: 'Kazakhstan' },
  googlePlay: { ...NONE, name: 'Google Play Gift Card', category: 'Gift Cards', regionCode: 'EU', regionName: 'Europe', excludedCountryCodes: ['RU'] },
  razer: { ...NONE, name: 'Razer Gold', category: 'Gift Cards', regionCode: 'GLB', regionName: 'Global' },
};

const OFFERS = [
  { id: 1001, product: PRODUCTS.pubg, offerName: '60 UC', price: 56010, currency: 'RUB', keys: 'PUBG' },
  { id: 1002, product: PRODUCTS.steamKz, offerName: '5000 KZT', price: 500000, currency: 'KZT', keys: 'STKZ' },
  { id: 1003, product: PRODUCTS.googlePlay, offerName: '10 EUR', price: 1000, currency: 'EUR', keys: 'GPEU' },
  { id: 1004, product: PRODUCTS.razer, offerName: '5 USD', price: 500, currency: 'USD', keys: 'RZGD' },
] as const;

export async function seedDemo(pool: pg.Pool, vault: KeyVault, dataDir: string, newOperatorToken: string | undefined): Promise<DemoCredentials> {
  const file = path.join(dataDir, 'demo-credentials.json');
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as DemoCredentials;

  // The trail shows the demo data as the system's, not as anyone's.
  const actor = systemActor('demo data');
  await setRate(pool, 'RUB', '0.0108', actor);
  await setRate(pool, 'KZT', '0.0019', actor);
  await setRate(pool, 'EUR', '1.08', actor);
  for (const offer of OFFERS) {
    const product = await createProduct(pool, offer.product, actor);
    await upsertOffer(pool, {
      id: offer.id, product: { id: product.id }, offerName: offer.offerName, count: 1, price: offer.price,
      currency: offer.currency, returnsKey: true, requiresGameUserId: false, gameUserIdPattern: null, gameServerIdPattern: null,
    }, undefined, actor);
    const keys = Array.from({ length: 25 }, (_, i) => `${offer.keys}-DEMO-${String(i + 1).padStart(4, '0')}-${vault.tag(`${offer.id}:${i}`).slice(0, 8).toUpperCase()}`);
    await addKeys(pool, vault, offer.id, keys, actor);
  }
  const merchant = await createMerchant(pool, 'Demo Merchant', actor);
  await deposit(pool, merchant.id, 100_000, 'Demo deposit', actor);
  const { token } = await createShop(pool, merchant.id, 'Demo Shop', actor);
  const credentials: DemoCredentials = { merchantId: merchant.id, shopToken: token, operatorToken: newOperatorToken };
  await writeFile(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return credentials;
}
