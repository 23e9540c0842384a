/**
 * The CodeGames API-HUB protocol, served to payment systems that integrate that way: check, pay
 * and status over the same catalog, balances, stock and suppliers as the Partner API. An adapter
 * only: the same shop token, the same modules; it translates outcomes into {status, comment}.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Hub } from '../../hub.ts';
import type { AppError } from '../../platform/errors.ts';
import { describeFailure, sendFailure, type ErrorShape, type Failure } from '../../platform/http/error-handler.ts';
import { shopAuth } from '../shop-auth.ts';
import { checkRoute } from './routes/check.ts';
import { payRoute } from './routes/pay.ts';
import { statusRoute } from './routes/status.ts';
import { answerFor } from './statuses.ts';

export async function codeGamesApi(app: FastifyInstance, { hub }: { hub: Hub }): Promise<void> {
  app.decorateRequest('shopPrincipal', null);
  app.addHook('onRequest', shopAuth(hub));
  // The same AppErrors as everywhere, in this protocol's words (see statuses.ts).
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => sendFailure(reply, codeGamesErrorShape.render, describeFailure(error, request)));
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  for (const register of [checkRoute, payRoute, statusRoute]) register(typed, hub);
}

/**
 * Failures in this protocol's words (see statuses.ts): on its routes, and for what the framework
 * answers on its paths (no such route or method, a bad URL, a slow or oversized request).
 */
export const codeGamesErrorShape: ErrorShape = {
  prefix: '/api/codegames/',
  render(failure: Failure) {
    const answer = answerFor(failure.code, failure.message);
    // Bad input keeps the status that says what was wrong with it (400, 408, 413, 415, 431).
    return { status: failure.code === 'INVALID_REQUEST_BODY' ? failure.status : answer.httpStatus, body: answer.body };
  },
};
