import type { FastifyRequest } from 'fastify';
import type { Hub } from '../hub.ts';
import { bearerToken } from '../platform/crypto.ts';
import type { ShopPrincipal } from '../modules/merchants/index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The shop whose token authenticated this Partner API request. */
    shopPrincipal: ShopPrincipal | null;
  }
}

/**
 * The spec's auth: the shop token in Authorization, raw. `Bearer <token>` is the same token (the
 * live service takes it, and HTTP clients add the scheme by habit); the scheme is any case.
 */
export function shopAuth(hub: Hub) {
  return async (request: FastifyRequest): Promise<void> => {
    const authorization = request.headers.authorization;
    request.shopPrincipal = await hub.shops.authenticate(bearerToken(authorization) ?? authorization);
  };
}

export function shopOf(request: FastifyRequest): ShopPrincipal {
  if (!request.shopPrincipal) throw new Error('shopOf() used on a route without shop authentication');
  return request.shopPrincipal;
}
