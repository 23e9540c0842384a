import type { FastifyRequest } from 'fastify';
import { authorize } from '../access-control/index.ts';
import type { Hub } from '../hub.ts';
import { AppError } from '../platform/errors.ts';

/**
 * "Authorization: Bearer <token>": an API key, or the bootstrap key (the operator token), held
 * to the route's permission.
 */
export function operatorAuth(hub: Hub) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization ?? '';
    const token = /^bearer\s+/i.test(header) ? header.replace(/^bearer\s+/i, '').trim() : ''; // the scheme is case-insensitive
    const principal = await hub.access.authenticateBearer(token, request.ip);
    if (!principal) throw new AppError('INVALID_TOKEN', 'Missing or invalid operator token or API key (Authorization: Bearer <token>)');
    authorize(request, principal);
  };
}
