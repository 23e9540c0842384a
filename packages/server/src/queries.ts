/**
 * The statements the hub runs, for the benchmark (`@dropgate/server/queries`): its pgbench
 * baseline runs exactly the create-order statements (one order, and a batch), and `bench:backoffice` EXPLAINs the lists and
 * the dashboard against a database of its own. Not an API: nothing else imports this.
 */
export { PLACE_ORDER_SQL, PLACE_ORDERS_SQL, listOrders, ordersPerHour, waitingCounts } from './modules/orders/index.ts';
export { claimDue } from './modules/fulfilment/index.ts';
export { listEntriesPage, lowBalances, readFunds } from './modules/ledger/index.ts';
export { lowStock } from './modules/inventory/index.ts';
