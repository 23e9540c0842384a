import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Hub } from '../hub.ts';
import { bearerToken } from '../platform/crypto.ts';
import type { ShopPrincipal } from '../modules/merchants/index.ts';
import { rateLimited, type RateDecision } from '../modules/shop-limits/index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The shop whose token authenticated this Partner API request. */
    shopPrincipal: ShopPrincipal | null;
  }
}

/**
 * The spec's auth: the shop token in Authorization, raw. `Bearer <token>` is the same token (the
 * live service takes it, and HTTP clients add the scheme by habit); the scheme is any case.
 * Then the shop's limits: its IP allowlist (IP_NOT_ALLOWED), then its rate, whose RateLimit-*
 * headers every answer to the shop carries, its 429 RATE_LIMITED too (docs/api.md).
 */
export function shopAuth(hub: Hub) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const authorization = request.headers.authorization;
    const principal = await hub.shops.authenticate(bearerToken(authorization) ?? authorization);
    request.shopPrincipal = principal;
    const decision = await hub.shopLimits.admit(principal.shopId, request.ip);
    if (!decision) return;
    sendRateHeaders(reply, decision);
    if (!decision.allowed) {
      reply.header('retry-after', String(decision.resetSeconds));
      throw rateLimited(decision);
    }
  };
}

/** The IETF draft's fields (draft-ietf-httpapi-ratelimit-headers), as separate headers. */
function sendRateHeaders(reply: FastifyReply, decision: RateDecision): void {
  reply.header('ratelimit-limit', String(decision.limit));
  reply.header('ratelimit-remaining', String(decision.remaining));
  reply.header('ratelimit-reset', String(decision.resetSeconds));
}

export function shopOf(request: FastifyRequest): ShopPrincipal {
  if (!request.shopPrincipal) throw new Error('shopOf() used on a route without shop authentication');
  return request.shopPrincipal;
}
