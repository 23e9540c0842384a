import { useState } from 'preact/hooks';
import type { Who } from '../app.tsx';
import { match } from '../router.ts';
import { Layout } from '../ui.tsx';
import { Account, Overview } from './overview.tsx';
import { OrderDetail, Orders } from './orders.tsx';
import { QuickStart } from './quick-start.tsx';
import { Transactions } from './transactions.tsx';

const NAV: Array<[string, string]> = [
  ['/cabinet', 'Balance and shops'], ['/cabinet/transactions', 'Transactions'], ['/cabinet/orders', 'Orders'], ['/cabinet/api', 'API quick-start'], ['/cabinet/account', 'Account'],
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
  else if (p === '/cabinet/account') page = <Account />;
  else page = <p>No such page.</p>;
  return <Layout title="Merchant cabinet" nav={NAV} path={p} who={props.who.email ?? ''} onSignOut={props.onSignOut}>{page}</Layout>;
}
