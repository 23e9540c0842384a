/** What other packages of the repository use from the hub (the benchmark, tooling). */
export { loadConfig, type Config } from './config.ts';
export { startHub, type RunningHub, type StartOptions } from './start.ts';
export { PLACE_ORDER_SQL } from './modules/orders/index.ts';
export { claimDue } from './modules/fulfilment/index.ts';
/** The back-office's list and dashboard queries, for `npm run bench:backoffice` (EXPLAIN and latency). */
export { createPool, migrate } from './platform/db/index.ts';
export { listOrders, ordersPerHour, waitingCounts, heldAmount } from './modules/orders/index.ts';
export { listEntriesPage, lowBalances } from './modules/ledger/index.ts';
export { availableCounts } from './modules/inventory/index.ts';
