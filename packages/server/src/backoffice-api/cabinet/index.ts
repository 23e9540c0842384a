/**
 * The merchant cabinet's API. Every route is behind a merchant user's session, and every query
 * takes the merchant from that session, never from the request: a merchant can only ever name
 * its own shops, orders, entries and staff (anything else answers as if it did not exist). What a
 * user may do there is their merchant role's (owner, developer, accountant).
 */
import { BackofficeSession, ErrorResponses, MerchantSignIn } from '@dropgate/contract';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { requireDeclaredAccess } from '../../access-control/index.ts';
import type { Hub } from '../../hub.ts';
import { ownAccountRoutes } from '../own-account.ts';
import { answerSignIn, assertSameOrigin, sessionGuard, sessionRoutes } from '../session.ts';
import { accountRoutes } from './routes/account.ts';
import { orderRoutes } from './routes/orders.ts';
import { staffRoutes } from './routes/staff.ts';
import { transactionRoutes } from './routes/transactions.ts';
import { webhookRoutes } from '../../operator-api/index.ts';
import { merchantOf } from './merchant-of.ts';

export async function cabinetApi(app: FastifyInstance, { hub }: { hub: Hub }): Promise<void> {
  requireDeclaredAccess(app, 'merchant');
  app.withTypeProvider<TypeBoxTypeProvider>().post('/session', {
    config: { access: 'public' },
    schema: { body: MerchantSignIn, response: { 201: BackofficeSession, ...ErrorResponses }, summary: 'Merchant user sign-in (with the two-factor code once it is on)' },
  }, async (request, reply) => {
    assertSameOrigin(request);
    return answerSignIn(hub, request, reply, await hub.access.signInMerchant({ ...request.body, ip: request.ip }));
  });

  await app.register(async (guarded) => {
    guarded.addHook('onRequest', sessionGuard(hub, 'merchant'));
    sessionRoutes(guarded, hub, 'merchant.self');
    ownAccountRoutes(guarded, hub, 'merchant.self');
    const typed = guarded.withTypeProvider<TypeBoxTypeProvider>();
    for (const register of [accountRoutes, transactionRoutes, orderRoutes, staffRoutes]) register(typed, hub);
    webhookRoutes(typed, hub, { read: 'merchant.read', write: 'merchant.integration', ownerOf: (request) => merchantOf(request).merchantId });
  });
}

/** The merchant a guarded cabinet request speaks for. */
export { merchantOf } from './merchant-of.ts';
