import { CabinetCreateShop, CabinetOverview, CreatedShop, ErrorResponses, IdParams, ShopToken } from '@dropgate/contract';
import { actorOf } from '../../../access-control/index.ts';
import type { Hub } from '../../../hub.ts';
import type { TypedApp } from '../../../platform/http/typed-app.ts';
import { formatMoney } from '../../../platform/money.ts';
import { merchantOf } from '../merchant-of.ts';

/** The merchant's account: balances, shops, their tokens and limits (read-only: the operator sets them). */
export function accountRoutes(app: TypedApp, hub: Hub): void {
  app.get('/overview', {
    config: { access: 'merchant.read' },
    schema: { response: { 200: CabinetOverview, ...ErrorResponses }, summary: 'Balance, draft balance and shops' },
  }, async (request) => {
    const { merchantId } = merchantOf(request);
    const [merchant, { balance, held }, shops] = await Promise.all([
      hub.merchants.get(merchantId), hub.orders.funds(merchantId), hub.merchants.shops(merchantId),
    ]);
    const limits = await hub.shopLimits.ofShops(shops.map((s) => s.id));
    return {
      merchant: { id: merchant.id, name: merchant.name },
      balance: formatMoney(balance),
      draftBalance: formatMoney(held),
      currency: 'USD' as const,
      shops: shops.map((s, i) => ({
        id: s.id, name: s.name, tokenRotatedAt: s.tokenRotatedAt.toISOString(), createdAt: s.createdAt.toISOString(),
        rateLimit: limits[i]!.effectiveRateLimit, rateLimitWindowSeconds: limits[i]!.windowSeconds, ipAllowlist: limits[i]!.ipAllowlist,
      })),
    };
  });

  app.post('/shops', {
    config: { access: 'merchant.shops' },
    schema: { body: CabinetCreateShop, response: { 201: CreatedShop, ...ErrorResponses }, summary: 'A new shop of yours; its token is in this answer only' },
  }, async (request, reply) => {
    const { merchantId } = merchantOf(request);
    const { shop, token } = await hub.merchants.createShop(merchantId, request.body.name, actorOf(request));
    return reply.status(201).send({ id: shop.id, merchantId: shop.merchantId, name: shop.name, token });
  });

  app.post('/shops/:id/rotate-token', {
    config: { access: 'merchant.integration' },
    schema: { params: IdParams, response: { 200: ShopToken, ...ErrorResponses }, summary: 'A new token for one of your shops (shown only here); the old one stops at once' },
  }, async (request) => {
    const { merchantId } = merchantOf(request);
    return { id: request.params.id, token: await hub.merchants.rotateToken(request.params.id, actorOf(request), merchantId) };
  });
}
