import { match } from '../router.ts';
import { Layout } from '../ui.tsx';
import { Dashboard } from './dashboard.tsx';
import { MerchantDetail, Merchants } from './merchants.tsx';
import { OfferDetail, Offers } from './offers.tsx';
import { OrderDetail, Orders } from './orders.tsx';
import { ProductDetail, Products } from './products.tsx';
import { Audit, FxRates, Suppliers } from './settings.tsx';

const NAV: Array<[string, string]> = [
  ['/console', 'Dashboard'], ['/console/merchants', 'Merchants'], ['/console/products', 'Products'], ['/console/offers', 'Catalog'], ['/console/orders', 'Orders'],
  ['/console/fx', 'FX rates'], ['/console/suppliers', 'Suppliers'], ['/console/audit', 'Audit'],
];

export function ConsoleApp(props: { path: string; onSignOut: () => void }) {
  const p = props.path.replace(/\/+$/, '') || '/console';
  let page;
  let params: Record<string, string> | null;
  if (p === '/console') page = <Dashboard />;
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
  else if (p === '/console/audit') page = <Audit />;
  else page = <p>No such page.</p>;
  return <Layout title="Operator console" nav={NAV} path={p} who="operator" onSignOut={props.onSignOut}>{page}</Layout>;
}
