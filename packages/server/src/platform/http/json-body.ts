/**
 * JSON bodies, as Fastify parses them (prototype poisoning refused), but an empty body is no
 * body: a call that takes none, or whose fields are all optional (POST /api/v1/balance/check,
 * sync), works sent with `Content-Type: application/json` and nothing after it, as clients do.
 * A call with required fields still answers that the body is empty.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

export function installJsonBodies(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body.length === 0 && !requiresFields(request)) return done(null, undefined);
    return parse(request, String(body), done);
  });
}

function requiresFields(request: FastifyRequest): boolean {
  const schema = request.routeOptions.schema?.body as { required?: unknown[] } | undefined;
  return (schema?.required?.length ?? 0) > 0;
}
