/**
 * The demo's upstream: an in-process CodeGames simulator, slow enough (check + pay take 2.4 s, just over
 * create-order's 2 s wait) that a newcomer sees offer 1005 answer PROCESSING, then COMPLETED on
 * the next order-status. Started with the hub in demo mode only; its URL changes every start, so
 * the demo supplier is pointed at it each time.
 */
import { startCodeGamesSimulator, type CodeGamesSimulator } from '@dropgate/simulators';
import type pg from 'pg';
import { upsertOffer } from '../modules/catalog/index.ts';
import { addOfferSource, addSupplier, listSources, listSuppliers, updateSupplier } from '../modules/suppliers/index.ts';
import type { KeyVault } from '../platform/crypto.ts';
import { systemActor } from '../modules/audit-log/index.ts';

const SUPPLIER_NAME = 'Demo CodeGames (simulator)';
const UPSTREAM_PRODUCT = 2001;
export const DEMO_SUPPLIER_OFFER = 1005;

export async function startDemoSupplier(pool: pg.Pool, vault: KeyVault): Promise<CodeGamesSimulator> {
  const simulator = await startCodeGamesSimulator({
    token: 'demo-upstream-token',
    products: [{ id: UPSTREAM_PRODUCT, name: 'Steam Wallet 20 USD', price: 20, partnerPrice: 18.5, keys: 500 }],
  });
  simulator.setFault(UPSTREAM_PRODUCT, { kind: 'slow', ms: 1200 }); // check + pay: 2.4 s
  const actor = systemActor('demo supplier');
  const existing = (await listSuppliers(pool)).find((s) => s.name === SUPPLIER_NAME);
  const supplier = existing
    ? await updateSupplier(pool, vault, existing.id, { baseUrl: simulator.url }, actor)
    : await addSupplier(pool, vault, { kind: 'codegames', name: SUPPLIER_NAME, baseUrl: simulator.url, token: 'demo-upstream-token', timeoutMs: 5000, statusIntervalS: 5 }, actor);
  if ((await listSources(pool, DEMO_SUPPLIER_OFFER)).length === 0) {
    await upsertOffer(pool, {
      id: DEMO_SUPPLIER_OFFER, product: { name: 'Steam Wallet' }, offerName: '20 USD (from a supplier)', count: 1, price: 2100,
      currency: 'USD', returnsKey: true, requiresGameUserId: false, gameUserIdPattern: null, gameServerIdPattern: null,
    }, undefined, actor);
    await addOfferSource(pool, { offerId: DEMO_SUPPLIER_OFFER, supplierId: supplier.id, supplierProductId: String(UPSTREAM_PRODUCT), cost: 1850, costCurrency: 'USD' }, actor);
  }
  return simulator;
}
