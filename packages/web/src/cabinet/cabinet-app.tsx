import { useState } from 'preact/hooks';
import { Account } from '../account.tsx';
import { match } from '../router.ts';
import type { Who } from '../session.tsx';
import { Layout } from '../ui.tsx';
import { Overview } from './overview.tsx';
import { OrderDetail, Orders } from './orders.tsx';
import { QuickStart } from './quick-start.tsx';
import { Staff } from './staff.tsx';
import { Transactions } from './transactions.tsx';
import { Webhooks } from './webhooks.tsx';

/** The pages, each shown to the merchant roles that hold its permission. */
const NAV: Array<[string, string, string]> = [
  ['/cabinet', 'Balance and shops', 'merchant.read'], ['/cabinet/transactions', 'Transactions', 'merchant.money'], ['/cabinet/orders', 'Orders', 'merchant.read'],
  ['/cabinet/api', 'API quick-start', 'merchant.integration'], ['/cabinet/webhooks', 'Webhooks', 'merchant.integration'], ['/cabinet/staff', 'Staff', 'merchant.staff'], ['/cabinet/account', 'Account', 'merchant.self'],
];

export function CabinetApp(props: { path: string; who: Who; onSignOut: () => void }) {
  // A token shown after a rotation, kept in memory only (never in storage) for the quick-start page.
  const [lastToken, setLastToken] = useState<{ shopId: number; token: string } | null>(null);
  const p = props.path.replace(/\/+$/, '') || '/cabinet';
  let page;
  let params: Record<string, string> | null;
  if (p === '/cabinet') page = <Overview onToken={setLastToken} />;
  else if (p === '/cabinet/transactions') page = <Transactions />;
  else if (p === '/cabinet/orders') page = <Orders />;
  else if ((params = match('/cabinet/orders/:id', p))) page = <OrderDetail id={Number(params.id)} />;
  else if (p === '/cabinet/api') page = <QuickStart token={lastToken} onToken={setLastToken} />;
  else if (p === '/cabinet/webhooks') page = <Webhooks />;
  else if (p === '/cabinet/staff') page = <Staff />;
  else if (p === '/cabinet/account') page = <Account surface="cabinet" />;
  else page = <p>No such page.</p>;
  const nav = NAV.filter(([, , permission]) => props.who.permissions.includes(permission)).map(([href, label]): [string, string] => [href, label]);
  return <Layout title="Merchant cabinet" nav={nav} path={p} who={`${props.who.email ?? ''} (${props.who.staffRole})`} onSignOut={props.onSignOut}>{page}</Layout>;
}
