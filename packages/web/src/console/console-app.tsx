import { Account } from '../account.tsx';
import { match } from '../router.ts';
import type { Who } from '../session.tsx';
import { Layout } from '../ui.tsx';
import { AuditLog } from './audit-log.tsx';
import { Dashboard } from './dashboard.tsx';
import { MerchantDetail, Merchants } from './merchants.tsx';
import { OfferDetail, Offers } from './offers.tsx';
import { OrderDetail, Orders } from './orders.tsx';
import { Margins, PricingRules } from './pricing.tsx';
import { ProductDetail, Products } from './products.tsx';
import { Audit, FxRates, Suppliers } from './settings.tsx';
import { ApiKeysPage, Team } from './team.tsx';
import { UpstreamCatalog } from './upstream-catalog.tsx';

/** The pages, each shown to the roles that hold its permission. */
const NAV: Array<[string, string, string]> = [
  ['/console', 'Dashboard', 'read'], ['/console/merchants', 'Merchants', 'read'], ['/console/products', 'Products', 'read'], ['/console/offers', 'Catalog', 'read'],
  ['/console/orders', 'Orders', 'read'], ['/console/fx', 'FX rates', 'read'], ['/console/suppliers', 'Suppliers', 'read'],
  ['/console/pricing-rules', 'Pricing rules', 'read'], ['/console/margins', 'Margins', 'reports'], ['/console/audit', 'Audit', 'reports'],
  ['/console/activity', 'Activity', 'audit-trail'], ['/console/team', 'Team', 'team'], ['/console/api-keys', 'API keys', 'team'], ['/console/account', 'Account', 'self'],
];

export function ConsoleApp(props: { path: string; who: Who; onSignOut: () => void }) {
  const p = props.path.replace(/\/+$/, '') || '/console';
  const may = (permission: string) => props.who.permissions.includes(permission);
  // Until a person the team requires two-factor of sets it up, only their account page works.
  const nav = props.who.twoFactor.mustSetUp ? NAV.filter(([href]) => href === '/console/account') : NAV.filter(([, , permission]) => may(permission));
  let page;
  let params: Record<string, string> | null;
  if (props.who.twoFactor.mustSetUp || p === '/console/account') page = <Account surface="console" />;
  else if (p === '/console') page = <Dashboard />;
  else if (p === '/console/merchants') page = <Merchants />;
  else if ((params = match('/console/merchants/:id', p))) page = <MerchantDetail id={Number(params.id)} />;
  else if (p === '/console/products') page = <Products />;
  else if ((params = match('/console/products/:id', p))) page = <ProductDetail id={Number(params.id)} />;
  else if (p === '/console/offers') page = <Offers />;
  else if ((params = match('/console/offers/:id', p))) page = <OfferDetail id={Number(params.id)} />;
  else if (p === '/console/orders') page = <Orders />;
  else if ((params = match('/console/orders/:id', p))) page = <OrderDetail id={Number(params.id)} />;
  else if (p === '/console/fx') page = <FxRates />;
  else if (p === '/console/suppliers') page = <Suppliers />;
  else if ((params = match('/console/suppliers/:id/catalog', p))) page = <UpstreamCatalog id={Number(params.id)} />;
  else if (p === '/console/pricing-rules') page = <PricingRules />;
  else if (p === '/console/margins') page = <Margins />;
  else if (p === '/console/audit') page = <Audit />;
  else if (p === '/console/activity') page = <AuditLog />;
  else if (p === '/console/team') page = <Team />;
  else if (p === '/console/api-keys') page = <ApiKeysPage />;
  else page = <p>No such page.</p>;
  const who = props.who.email ? `${props.who.email} (${props.who.staffRole})` : 'operator token (owner)';
  return <Layout title="Operator console" nav={nav.map(([href, label]) => [href, label])} path={p} who={who} onSignOut={props.onSignOut}>{page}</Layout>;
}
