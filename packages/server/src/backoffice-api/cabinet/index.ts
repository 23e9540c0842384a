/**
 * The merchant cabinet's API. Every route is behind a merchant user's session, and every query
 * takes the merchant from that session, never from the request: a merchant can only ever name
 * its own shops, orders and entries (anything else answers as if it did not exist).
 */
import { BackofficeSession, ErrorResponses, MerchantSignIn } from '@dropgate/contract';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Hub } from '../../hub.ts';
import { assertSameOrigin, sessionGuard, sessionOut, sessionRoutes, setSessionCookies } from '../session.ts';
import { accountRoutes } from './routes/account.ts';
import { orderRoutes } from './routes/orders.ts';
import { transactionRoutes } from './routes/transactions.ts';

export async function cabinetApi(app: FastifyInstance, { hub }: { hub: Hub }): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post('/session', {
    schema: { body: MerchantSignIn, response: { 201: BackofficeSession, ...ErrorResponses }, summary: 'Merchant user sign-in' },
  }, async (request, reply) => {
    assertSameOrigin(request);
    const session = await hub.access.signInMerchant({ ...request.body, ip: request.ip });
    setSessionCookies(hub, request, reply, session);
    return reply.status(201).send(sessionOut({ ...session, email: request.body.email.trim().toLowerCase() }));
  });

  await app.register(async (guarded) => {
    guarded.addHook('onRequest', sessionGuard(hub, 'merchant'));
    sessionRoutes(guarded, hub);
    const typed = guarded.withTypeProvider<TypeBoxTypeProvider>();
    for (const register of [accountRoutes, transactionRoutes, orderRoutes]) register(typed, hub);
  });
}

/** The merchant a guarded cabinet request speaks for. */
export { merchantOf } from './merchant-of.ts';
