import type { FastifyRequest } from 'fastify';
import type { Hub } from '../hub.ts';
import { bearerMatches } from '../platform/crypto.ts';
import { AppError } from '../platform/errors.ts';

/** The operator token, as "Authorization: Bearer <token>". */
export function operatorAuth(hub: Hub) {
  return async (request: FastifyRequest): Promise<void> => {
    if (!bearerMatches(request.headers.authorization, hub.adminTokenHash)) {
      throw new AppError('INVALID_TOKEN', 'Missing or invalid operator token (Authorization: Bearer <token>)');
    }
  };
}
