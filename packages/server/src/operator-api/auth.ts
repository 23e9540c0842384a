import type { FastifyRequest } from 'fastify';
import type { Hub } from '../hub.ts';
import { AppError } from '../platform/errors.ts';

/** The operator token, as "Authorization: Bearer <token>". */
export function operatorAuth(hub: Hub) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization ?? '';
    const token = /^bearer\s+/i.test(header) ? header.replace(/^bearer\s+/i, '').trim() : ''; // the scheme is case-insensitive
    if (!hub.access.isOperatorToken(token)) {
      throw new AppError('INVALID_TOKEN', 'Missing or invalid operator token (Authorization: Bearer <token>)');
    }
  };
}
