/**
 * The hub as a Fastify application: validation, the one error handler, API docs, and the
 * protocol plugins. It holds no state of its own: everything lives in the database, so any
 * number of instances can serve one PostgreSQL.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Hub } from './hub.ts';
import { frameworkErrorOptions, installErrorHandling, trackConnections, type ErrorShape } from './platform/http/error-handler.ts';
import { installInputGuard } from './platform/http/input-guard.ts';
import { installJsonBodies } from './platform/http/json-body.ts';
import { SECURITY_HEADERS } from './platform/http/security-headers.ts';
import { installValidation } from './platform/http/validation.ts';
import { withNamedSchemas } from './platform/http/openapi.ts';
import { codeGamesApi, codeGamesErrorShape } from './protocols/codegames/index.ts';
import type { HubMetrics } from './observability/metrics.ts';
import { healthRoute, installHttpMetrics } from './observability/routes.ts';
import { partnerApi } from './protocols/partner-api/index.ts';
import { telegramWebhook } from './protocols/telegram-bot/index.ts';
import { operatorApi } from './operator-api/index.ts';
import { backoffice } from './backoffice-api/index.ts';

/** Bodies above this answer INVALID_REQUEST_BODY (413): no call of ours needs more. */
const BODY_LIMIT = 1024 * 1024;

/** Protocols with an error shape of their own, by path; every other path answers the default one. */
const ERROR_SHAPES: ErrorShape[] = [codeGamesErrorShape];

/**
 * How often Node checks requests against their timeouts: its default (30 s) would let a slow
 * request live up to 30 s past its limit.
 */
const TIMEOUT_CHECK_INTERVAL_MS = 500;

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  /** true: X-Forwarded-* from any peer; a list: only from these addresses and networks. */
  trustProxy?: boolean | string[];
  /** A whole request (headers and body) must arrive within this; else 408. Default 30 s. */
  requestTimeoutMs?: number;
  /** Its headers within this (slow-header attacks). Default 10 s. */
  headersTimeoutMs?: number;
  /** Where every request's route, status and latency are counted. */
  metrics?: HubMetrics;
}

/** The app without routes: its logger is what the worker logs with, so it exists first. */
export async function buildApp(options: AppOptions = {}): Promise<FastifyInstance> {
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: options.trustProxy ?? false,
    bodyLimit: BODY_LIMIT,
    requestTimeout,
    http: { headersTimeout: options.headersTimeoutMs ?? 10_000, requestTimeout, connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS },
    ...frameworkErrorOptions(ERROR_SHAPES),
    requestIdHeader: false,
    // While draining, requests on connections already open are served (our drain sweeps idle
    // connections and has a deadline); Fastify's own 503 would bypass the one error shape.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // "/api/v1/offers/find-one/" is "/api/v1/offers/find-one": clients build paths by joining.
    routerOptions: { ignoreTrailingSlash: true },
  });
  installValidation(app);
  installJsonBodies(app);
  installErrorHandling(app, ERROR_SHAPES);
  installInputGuard(app);
  trackConnections(app);
  if (options.metrics) installHttpMetrics(app, options.metrics);
  // Every body we take is JSON: without this, Fastify's built-in text/plain parser would hand a
  // string to validation (400) instead of refusing the media type (415), as docs/errors.md says.
  app.removeContentTypeParser('text/plain');

  // Before the docs' plugin, so that its routes inherit the hook: /docs gets the pages' headers.
  app.addHook('onSend', async (request, reply) => {
    if (request.url === '/docs' || request.url.startsWith('/docs/')) reply.headers(SECURITY_HEADERS);
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Dropgate', version: '0.1.0', description: 'Partner API v1 (GamesDrop-compatible) and the operator API. Errors: docs/errors.md.' },
      components: {
        securitySchemes: {
          shopToken: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'The shop token, raw as the spec writes it, or as "Bearer <token>"' },
          operatorToken: { type: 'http', scheme: 'bearer' },
        },
      },
    },
    transformObject: (document) => ('openapiObject' in document ? withNamedSchemas(document.openapiObject) : document.swaggerObject),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  healthRoute(app);
  return app;
}

export async function registerApis(app: FastifyInstance, hub: Hub): Promise<void> {
  await app.register(partnerApi, { hub });
  await app.register(codeGamesApi, { hub });
  await app.register(telegramWebhook, { hub });
  await app.register(operatorApi, { hub, prefix: '/admin/v1' });
  await app.register(backoffice, { hub });
}
