/**
 * The operator API: what the `dropgate` CLI (and later the console) drives. Bearer-token auth
 * with the operator token; same error shape and handler as the Partner API.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Hub } from '../hub.ts';
import { operatorAuth } from './auth.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { merchantRoutes } from './routes/merchants.ts';
import { orderRoutes } from './routes/orders.ts';
import { supplierRoutes } from './routes/suppliers.ts';
import { telegramRoutes } from './routes/telegram.ts';

export async function adminApi(app: FastifyInstance, { hub }: { hub: Hub }): Promise<void> {
  app.addHook('onRequest', operatorAuth(hub));
  app.addHook('onRoute', (route) => {
    route.schema = { tags: ['Operator API'], security: [{ operatorToken: [] }], ...route.schema };
  });
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  for (const register of [merchantRoutes, catalogRoutes, orderRoutes, supplierRoutes, telegramRoutes]) register(typed, hub);
}
