/**
 * The operator console's API: the operator API itself (every route of src/operator-api), mounted a
 * second time behind a browser session instead of the bearer key, plus sign-in (an operator user,
 * or the bootstrap key) and the person's own account. One set of routes, schemas, permissions and
 * module calls serves the CLI and the console alike.
 */
import { ErrorResponses, OperatorSignIn, BackofficeSession } from '@dropgate/contract';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { requireDeclaredAccess } from '../access-control/index.ts';
import { OPERATOR_ROUTES } from '../operator-api/index.ts';
import type { Hub } from '../hub.ts';
import { invalidField } from '../platform/errors.ts';
import { ownAccountRoutes } from './own-account.ts';
import { answerSignIn, assertSameOrigin, sessionGuard, sessionRoutes } from './session.ts';

export async function consoleApi(app: FastifyInstance, { hub }: { hub: Hub }): Promise<void> {
  requireDeclaredAccess(app, 'operator');
  app.withTypeProvider<TypeBoxTypeProvider>().post('/session', {
    config: { access: 'public' },
    schema: {
      body: OperatorSignIn, response: { 201: BackofficeSession, ...ErrorResponses },
      summary: 'Operator sign-in: email, password (and the two-factor code once it is on), or the operator token',
    },
  }, async (request, reply) => {
    assertSameOrigin(request);
    const { token, email, password, code } = request.body;
    if (token !== undefined) {
      if (email !== undefined || password !== undefined) throw invalidField('token', 'sign in with the operator token or with email and password, not both');
      return answerSignIn(hub, request, reply, await hub.access.signInOperator({ token, ip: request.ip }));
    }
    if (email === undefined) throw invalidField('email', 'is required (or the operator token)');
    if (password === undefined) throw invalidField('password', 'is required');
    return answerSignIn(hub, request, reply, await hub.access.signInOperatorUser({ email, password, code, ip: request.ip }));
  });

  await app.register(async (guarded) => {
    guarded.addHook('onRequest', sessionGuard(hub, 'operator'));
    sessionRoutes(guarded, hub, 'self');
    ownAccountRoutes(guarded, hub, 'self');
    const typed = guarded.withTypeProvider<TypeBoxTypeProvider>();
    for (const register of OPERATOR_ROUTES) register(typed, hub);
  });
}
