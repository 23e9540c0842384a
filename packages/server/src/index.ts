/** What other packages of the repository use from the hub (the benchmark, tooling). */
export { loadConfig, type Config } from './config.ts';
export { startHub, type RunningHub, type StartOptions } from './start.ts';
export { PLACE_ORDER_SQL } from './modules/orders/index.ts';
export { claimDue } from './modules/fulfillment/index.ts';
export { createPool, migrate } from './platform/db/index.ts';
