/**
 * The operator API: what the `dropgate` CLI and the operator console drive. Bearer-token auth
 * with an API key or the bootstrap key, each route held to the permission it declares; same
 * error shape and handler as the Partner API.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Hub } from '../hub.ts';
import { requireDeclaredAccess } from '../access-control/index.ts';
import { operatorAuth } from './auth.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { productRoutes } from './routes/products.ts';
import { merchantRoutes } from './routes/merchants.ts';
import { orderRoutes } from './routes/orders.ts';
import { supplierRoutes } from './routes/suppliers.ts';
import { supplierCatalogRoutes } from './routes/supplier-catalog.ts';
import { marginRoutes } from './routes/margins.ts';
import { pricingRuleRoutes } from './routes/pricing-rules.ts';
import { telegramRoutes } from './routes/telegram.ts';
import { userRoutes } from './routes/users.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { stockKeyRoutes } from './routes/stock-keys.ts';
import { offerAccessRoutes } from './routes/offer-access.ts';
import { offerImportRoutes } from './routes/offer-import.ts';
import { apiKeyRoutes } from './routes/api-keys.ts';
import { auditLogRoutes } from './routes/audit-log.ts';
import { teamRoutes } from './routes/team.ts';
import { shopLimitRoutes } from './routes/shop-limits.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import type { TypedApp } from '../platform/http/typed-app.ts';

/**
 * Every operator capability, as route registrars: mounted here behind the bearer key, and
 * mounted again by the operator console behind a browser session (src/backoffice-api/console).
 * Each route declares its permission (`config: { access }`, see src/access-control).
 */
export const OPERATOR_ROUTES: Array<(app: TypedApp, hub: Hub) => void> = [
  merchantRoutes, shopLimitRoutes, userRoutes, productRoutes, catalogRoutes, offerImportRoutes, offerAccessRoutes, stockKeyRoutes, orderRoutes, supplierRoutes, supplierCatalogRoutes, marginRoutes,
  pricingRuleRoutes, dashboardRoutes, telegramRoutes, teamRoutes, apiKeyRoutes, auditLogRoutes, webhookRoutes,
];

/** The embedded database's online backup (mounted by start-up, which knows the database). */
export { operatorBackup, ESTIMATE_HEADER, FINGERPRINT_HEADER } from './backup.ts';

/** Shapes the merchant cabinet answers too (its ledger rows are the operator's). */
export { entryOut, userOut } from './present.ts';

/** The webhook routes, which the cabinet registers for a merchant's own shops. */
export { webhookRoutes } from './routes/webhooks.ts';

export async function operatorApi(app: FastifyInstance, { hub }: { hub: Hub }): Promise<void> {
  requireDeclaredAccess(app, 'operator');
  app.addHook('onRequest', operatorAuth(hub));
  app.addHook('onRoute', (route) => {
    route.schema = { tags: ['Operator API'], security: [{ operatorToken: [] }], ...route.schema };
  });
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  for (const register of OPERATOR_ROUTES) register(typed, hub);
}
