/**
 * Partner API v1, GamesDrop-compatible: the primary merchant API. An adapter only: it
 * authenticates the shop, translates wire shapes, and calls the domain modules.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Hub } from '../../hub.ts';
import { shopAuth } from '../shop-auth.ts';
import { balanceRoutes } from './routes/balance.ts';
import { checkGameDataRoute } from './routes/check-game-data.ts';
import { createOrderRoute } from './routes/create-order.ts';
import { findOneRoute } from './routes/find-one.ts';
import { orderActionRoutes } from './routes/order-actions.ts';
import { orderStatusRoute } from './routes/order-status.ts';
import { telegramUserInfoRoute } from './routes/telegram-user-info.ts';
import { serversRoute } from './routes/servers.ts';
import { syncRoute } from './routes/sync.ts';
import { transactionsRoute } from './routes/transactions.ts';

export async function partnerApi(app: FastifyInstance, { hub }: { hub: Hub }): Promise<void> {
  app.decorateRequest('shopPrincipal', null);
  app.addHook('onRequest', shopAuth(hub));
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  for (const register of [balanceRoutes, transactionsRoute, findOneRoute, syncRoute, serversRoute, createOrderRoute, orderStatusRoute, checkGameDataRoute, orderActionRoutes, telegramUserInfoRoute]) {
    register(typed, hub);
  }
}
