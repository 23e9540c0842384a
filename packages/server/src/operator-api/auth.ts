import type { FastifyRequest } from 'fastify';
import { authorize } from '../access-control/index.ts';
import type { Hub } from '../hub.ts';
import { bearerToken } from '../platform/crypto.ts';
import { AppError } from '../platform/errors.ts';

/**
 * "Authorization: Bearer <token>": an API key, or the bootstrap key (the operator token), held
 * to the route's permission.
 */
export function operatorAuth(hub: Hub) {
  return async (request: FastifyRequest): Promise<void> => {
    const principal = await hub.access.authenticateBearer(bearerToken(request.headers.authorization) ?? '', request.ip);
    if (!principal) throw new AppError('INVALID_TOKEN', 'Missing or invalid operator token or API key (Authorization: Bearer <token>)');
    authorize(request, principal);
  };
}
