/**
 * The operator console's API: the operator API itself (every route of src/operator-api), mounted a
 * second time behind a browser session instead of the bearer token, plus sign-in. One set of
 * routes, schemas and module calls serves the CLI and the console alike.
 */
import { BackofficeSession, ErrorResponses, OperatorSignIn } from '@dropgate/contract';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { OPERATOR_ROUTES } from '../operator-api/index.ts';
import type { Hub } from '../hub.ts';
import { assertSameOrigin, sessionGuard, sessionOut, sessionRoutes, setSessionCookies } from './session.ts';

export async function consoleApi(app: FastifyInstance, { hub }: { hub: Hub }): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post('/session', {
    schema: { body: OperatorSignIn, response: { 201: BackofficeSession, ...ErrorResponses }, summary: 'Operator sign-in with the operator token' },
  }, async (request, reply) => {
    assertSameOrigin(request);
    const session = await hub.access.signInOperator({ token: request.body.token, ip: request.ip });
    setSessionCookies(hub, request, reply, session);
    return reply.status(201).send(sessionOut({ ...session, email: null }));
  });

  await app.register(async (guarded) => {
    guarded.addHook('onRequest', sessionGuard(hub, 'operator'));
    sessionRoutes(guarded, hub);
    const typed = guarded.withTypeProvider<TypeBoxTypeProvider>();
    for (const register of OPERATOR_ROUTES) register(typed, hub);
  });
}
