import type { FastifyRequest } from 'fastify';
import type { Hub } from '../hub.ts';
import type { ShopPrincipal } from '../modules/merchants/index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The shop whose token authenticated this Partner API request. */
    shopPrincipal: ShopPrincipal | null;
  }
}

/** The spec's auth: the shop token, raw, in Authorization (no "Bearer"). */
export function shopAuth(hub: Hub) {
  return async (request: FastifyRequest): Promise<void> => {
    request.shopPrincipal = await hub.shops.authenticate(request.headers.authorization);
  };
}

export function shopOf(request: FastifyRequest): ShopPrincipal {
  if (!request.shopPrincipal) throw new Error('shopOf() used on a route without shop authentication');
  return request.shopPrincipal;
}
