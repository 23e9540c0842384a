/**
 * The single-page app (packages/web, built into its dist/ folder) at /: its hashed assets with a
 * long cache, and index.html for the app's own page paths (/, /console/…, /cabinet/…), so
 * /console/orders or /cabinet/transactions load the app, which routes in the browser. No other
 * path falls back to the app: /ready, /metrics or /api/v1/nope answer a 404 in the error shape of
 * their protocol, as a load balancer or a client expects.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import { WEB_DIST } from '@dropgate/web/build';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SECURITY_HEADERS } from '../platform/http/security-headers.ts';

/** The app's own pages: the sign-in at /, and the two surfaces, but never their APIs (/console/v1/…). */
const PAGE_PATH = /^\/(?:(?:console|cabinet)(?:\/(?!v1(?:\/|$))[^?]*)?)?$/;

const PAGE_HEADERS = { ...SECURITY_HEADERS, 'cache-control': 'no-cache' };

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
    if (!PAGE_PATH.test(url)) return reply.callNotFound();
    if (!built) {
      return reply.status(503).type('text/html; charset=utf-8')
        .send('<!doctype html><title>Dropgate</title><p>The back-office is not built. Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it) and reload.</p>');
    }
    return reply.headers(PAGE_HEADERS).sendFile('index.html');
  };
  app.get('/', { schema: { hide: true } }, page);
  app.get('/*', { schema: { hide: true } }, page);
}
