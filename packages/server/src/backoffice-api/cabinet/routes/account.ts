import { CabinetOverview, ChangePassword, ErrorResponses, IdParams, NoContent, ShopToken } from '@dropgate/contract';
import type { Hub } from '../../../hub.ts';
import type { TypedApp } from '../../../platform/http/typed-app.ts';
import { formatMoney } from '../../../platform/money.ts';
import { merchantOf } from '../merchant-of.ts';

/** The merchant's account: balances, shops and their tokens, the user's password. */
export function accountRoutes(app: TypedApp, hub: Hub): void {
  app.get('/overview', { schema: { response: { 200: CabinetOverview, ...ErrorResponses }, summary: 'Balance, draft balance and shops' } }, async (request) => {
    const { merchantId } = merchantOf(request);
    const [merchant, { balance, held }, shops] = await Promise.all([
      hub.merchants.get(merchantId), hub.orders.funds(merchantId), hub.merchants.shops(merchantId),
    ]);
    return {
      merchant: { id: merchant.id, name: merchant.name },
      balance: formatMoney(balance),
      draftBalance: formatMoney(held),
      currency: 'USD' as const,
      shops: shops.map((s) => ({ id: s.id, name: s.name, tokenRotatedAt: s.tokenRotatedAt.toISOString(), createdAt: s.createdAt.toISOString() })),
    };
  });

  app.post('/shops/:id/rotate-token', {
    schema: { params: IdParams, response: { 200: ShopToken, ...ErrorResponses }, summary: 'A new token for one of your shops (shown only here); the old one stops at once' },
  }, async (request) => {
    const { merchantId } = merchantOf(request);
    return { id: request.params.id, token: await hub.merchants.rotateToken(request.params.id, merchantId) };
  });

  app.put('/password', {
    schema: { body: ChangePassword, response: { 204: NoContent, ...ErrorResponses }, summary: 'Changes your password; your other sessions end' },
  }, async (request, reply) => {
    const { userId } = merchantOf(request);
    await hub.access.changePassword(userId, request.body.currentPassword, request.body.newPassword);
    return reply.status(204).send();
  });
}
