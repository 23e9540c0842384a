import type { FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { sessionOf } from '../session.ts';

/** The merchant (and user) of the session: the only merchant a cabinet route may ever read. */
export function merchantOf(request: FastifyRequest): { merchantId: number; userId: number } {
  const session = sessionOf(request);
  if (session.role !== 'merchant' || session.merchantId === null || session.userId === null) throw new AppError('FORBIDDEN', 'Not a merchant session');
  return { merchantId: session.merchantId, userId: session.userId };
}
