import { Dashboard, ErrorResponses } from '@dropgate/contract';
import type { Hub } from '../../hub.ts';
import type { TypedApp } from '../../platform/http/typed-app.ts';
import { formatMoney } from '../../platform/money.ts';

/** Below this many keys an offer with no supplier behind it is "low stock". */
export const LOW_STOCK_KEYS = 10;
/** Below this balance (USD cents) a merchant is listed as running low. */
export const LOW_BALANCE_MINOR = 100_00;

/** What the operator checks first: the last 24 hours, what waits on them, what runs out. */
export function dashboardRoutes(app: TypedApp, hub: Hub): void {
  app.get('/dashboard', {
    config: { access: 'read' },
    schema: { response: { 200: Dashboard, ...ErrorResponses }, summary: 'Orders per hour (24 h), revenue and margin, waiting orders, low stock, low balances' },
  }, async () => {
    const [hours, waiting, lowStock, low, merchants] = await Promise.all([
      hub.orders.perHour(24), hub.orders.waitingCounts(), hub.inventory.lowStock(LOW_STOCK_KEYS),
      hub.ledger.lowBalances(LOW_BALANCE_MINOR, 20), hub.merchants.list(),
    ]);
    const names = new Map(merchants.map((m) => [m.id, m.name]));
    const total = (pick: (h: (typeof hours)[number]) => number) => hours.reduce((sum, h) => sum + pick(h), 0);
    return {
      last24h: {
        orders: total((h) => h.orders),
        completed: total((h) => h.completed),
        revenueUsd: formatMoney(total((h) => h.revenueUsd)),
        marginUsd: formatMoney(total((h) => h.marginUsd)),
        perHour: hours.map((h) => ({
          hour: h.hour.toISOString(), orders: h.orders, completed: h.completed, revenueUsd: formatMoney(h.revenueUsd), marginUsd: formatMoney(h.marginUsd),
        })),
      },
      waitingOnSuppliers: waiting.waitingOnSuppliers,
      inReview: waiting.inReview,
      lowStock,
      lowBalances: low.map((b) => ({ merchantId: b.merchantId, name: names.get(b.merchantId) ?? '', balance: formatMoney(b.balance) })),
      thresholds: { lowStockKeys: LOW_STOCK_KEYS, lowBalanceUsd: formatMoney(LOW_BALANCE_MINOR) },
    };
  });
}
