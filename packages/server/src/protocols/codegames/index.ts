/**
 * The CodeGames API-HUB protocol, served to payment systems that integrate that way: check, pay
 * and status over the same catalog, balances, stock and suppliers as the Partner API. An adapter
 * only: the same shop token, the same modules; it translates outcomes into {status, comment}.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Hub } from '../../hub.ts';
import { AppError } from '../../platform/errors.ts';
import { describeBadRequest } from '../../platform/http/error-handler.ts';
import { shopAuth } from '../shop-auth.ts';
import { checkRoute } from './routes/check.ts';
import { payRoute } from './routes/pay.ts';
import { statusRoute } from './routes/status.ts';
import { answerFor, type CodeGamesAnswer } from './statuses.ts';

export async function codeGamesApi(app: FastifyInstance, { hub }: { hub: Hub }): Promise<void> {
  app.decorateRequest('shopPrincipal', null);
  app.addHook('onRequest', shopAuth(hub));
  // The same AppErrors as everywhere, in this protocol's words (see statuses.ts).
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    const answer = codeGamesAnswer(error, request.id);
    if (answer.httpStatus >= 500) request.log.error({ err: error }, 'request failed');
    return reply.status(answer.httpStatus).send(answer.body);
  });
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  for (const register of [checkRoute, payRoute, statusRoute]) register(typed, hub);
}

function codeGamesAnswer(error: FastifyError | AppError, requestId: string): CodeGamesAnswer {
  if (error instanceof AppError) return answerFor(error.code, error.message);
  const bad = describeBadRequest(error);
  if (bad) return { ...answerFor('INVALID_REQUEST_BODY', bad.message), httpStatus: bad.status };
  return answerFor('SERVICE_UNAVAILABLE', `Service temporarily unavailable; retry later (request ${requestId})`);
}
