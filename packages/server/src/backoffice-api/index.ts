/**
 * The back-office: the operator console (/console/v1), the merchant cabinet (/cabinet/v1), both
 * behind browser sessions, and the single-page app that uses them, served at /.
 */
import cookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import type { Hub } from '../hub.ts';
import { cabinetApi } from './cabinet/index.ts';
import { consoleApi } from './console.ts';
import { webApp } from './web-app.ts';

/** Sign-in attempts are counted in windows of this length. */
export const SIGN_IN_WINDOW_SECONDS = 15 * 60;

export async function backoffice(app: FastifyInstance, { hub }: { hub: Hub }): Promise<void> {
  await app.register(cookie);
  app.decorateRequest('backofficeSession', null);
  // The pages' API is for the pages: kept out of the public API docs at /docs.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/console/') || route.url.startsWith('/cabinet/')) route.schema = { ...route.schema, hide: true };
  });
  await app.register(consoleApi, { hub, prefix: '/console/v1' });
  await app.register(cabinetApi, { hub, prefix: '/cabinet/v1' });
  await app.register(webApp);
}
