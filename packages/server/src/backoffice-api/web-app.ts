/**
 * The single-page app (packages/web, built into its dist/ folder) at /: its hashed assets with a
 * long cache, and index.html for every page path, so /console/orders or /cabinet/transactions
 * load the app, which routes in the browser. Paths of the hub's APIs never fall back to the app:
 * an unknown /api/… path is still the JSON NOT_FOUND.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import { WEB_DIST } from '@dropgate/web/build';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Paths that belong to the hub's APIs and docs: never the app. */
const API_PREFIXES = ['/api/', '/admin/', '/docs', '/health', '/console/v1/', '/cabinet/v1/', '/assets/'];

/**
 * The app loads only its own scripts and styles and talks only to this hub; no page may frame it
 * (clickjacking). Vite's build has no inline script, so no 'unsafe-inline' is needed.
 */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-cache',
};

export async function webApp(app: FastifyInstance): Promise<void> {
  const built = existsSync(path.join(WEB_DIST, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root: WEB_DIST,
      prefix: '/',
      wildcard: false, // routes for the files that exist; the page fallback below is ours
      index: false,
      setHeaders(res, file) {
        res.header('x-content-type-options', 'nosniff');
        // Vite names assets by content hash: a changed file is a new URL, so cache them for good.
        if (file.includes(`${path.sep}assets${path.sep}`)) res.header('cache-control', 'public, max-age=31536000, immutable');
      },
    });
  }

  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    const url = request.url.split('?')[0]!;
    if (API_PREFIXES.some((prefix) => url.startsWith(prefix))) return reply.callNotFound();
    if (!built) {
      return reply.status(503).type('text/html; charset=utf-8')
        .send('<!doctype html><title>Dropgate</title><p>The back-office is not built. Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it) and reload.</p>');
    }
    return reply.headers(PAGE_HEADERS).sendFile('index.html');
  };
  app.get('/', { schema: { hide: true } }, page);
  app.get('/*', { schema: { hide: true } }, page);
}
