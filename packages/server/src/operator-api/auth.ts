import type { FastifyRequest } from 'fastify';
import type { Hub } from '../hub.ts';
import { AppError } from '../platform/errors.ts';

/** The operator token, as "Authorization: Bearer <token>". */
export function operatorAuth(hub: Hub) {
  return async (request: FastifyRequest): Promise<void> => {
    if (!hub.access.isOperatorAuthorization(request.headers.authorization)) {
      throw new AppError('INVALID_TOKEN', 'Missing or invalid operator token (Authorization: Bearer <token>)');
    }
  };
}
