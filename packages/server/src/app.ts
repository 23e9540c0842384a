/**
 * The hub as a Fastify application: validation, the one error handler, API docs, and the
 * protocol plugins. It holds no state of its own: everything lives in the database, so any
 * number of instances can serve one PostgreSQL.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Hub } from './hub.ts';
import { installErrorHandling } from './platform/http/error-handler.ts';
import { installJsonBodies } from './platform/http/json-body.ts';
import { installValidation } from './platform/http/validation.ts';
import { withNamedSchemas } from './platform/http/openapi.ts';
import { codeGamesApi } from './protocols/codegames/index.ts';
import { partnerApi } from './protocols/partner-api/index.ts';
import { telegramWebhook } from './protocols/telegram-bot/index.ts';
import { operatorApi } from './operator-api/index.ts';
import { backoffice } from './backoffice-api/index.ts';

/** Bodies above this answer INVALID_REQUEST_BODY (413): no call of ours needs more. */
const BODY_LIMIT = 1024 * 1024;

/** The app without routes: its logger is what the worker logs with, so it exists first. */
export async function buildApp(options: { logger?: FastifyServerOptions['logger']; trustProxy?: boolean } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: options.trustProxy ?? false,
    bodyLimit: BODY_LIMIT,
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
  installErrorHandling(app);
  // Every body we take is JSON: without this, Fastify's built-in text/plain parser would hand a
  // string to validation (400) instead of refusing the media type (415), as docs/errors.md says.
  app.removeContentTypeParser('text/plain');

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

  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  return app;
}

export async function registerApis(app: FastifyInstance, hub: Hub): Promise<void> {
  await app.register(partnerApi, { hub });
  await app.register(codeGamesApi, { hub });
  await app.register(telegramWebhook, { hub });
  await app.register(operatorApi, { hub, prefix: '/admin/v1' });
  await app.register(backoffice, { hub });
}
