import { BalanceResponse } from '@dropgate/contract';
import type { FastifyRequest } from 'fastify';
import type { Hub } from '../../../hub.ts';
import { moneyToWire } from '../../../platform/money.ts';
import { shopOf } from '../../shop-auth.ts';
import type { TypedApp } from '../../../platform/http/typed-app.ts';
import { errorResponses, partnerRoute } from './common.ts';

/** The spec's currency object: the deployment's base currency, USD, id 3. */
const USD = { id: 3, code: 'USD' } as const;

export function balanceRoutes(app: TypedApp, hub: Hub): void {
  const options = {
    schema: { ...partnerRoute, summary: 'Balance and draft balance (held by orders in flight), in USD', response: { 200: BalanceResponse, ...errorResponses } },
    config: { unavailableCode: 'BALANCE_UNAVAILABLE' as const },
  };
  const handler = async (request: FastifyRequest) => {
    const shop = shopOf(request);
    const { balance, held } = await hub.orders.funds(shop.merchantId);
    return {
      balance: moneyToWire(balance),
      draftBalance: moneyToWire(held),
      currency: USD,
      shopId: shop.shopId,
      shopName: shop.shopName,
      partnerId: shop.merchantId,
      isPostpaid: false,
      balanceProfile: 'FIAT' as const,
    };
  };
  app.get('/api/v1/balance', options, handler);
  // Aliases clients call (docs/compatibility.md): the English edition of the spec's POST
  // /api/v1/balance/check, the newer docs page's /api/v1/partner/balance, and /api/v1/offers/balance.
  app.post('/api/v1/balance/check', options, handler);
  app.get('/api/v1/partner/balance', options, handler);
  app.get('/api/v1/offers/balance', options, handler);
}
