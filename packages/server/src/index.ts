/** The hub as other packages of the repository start it (the benchmark, tooling). */
export { loadConfig, type Config } from './config.ts';
export { startHub, type RunningHub, type StartOptions } from './start.ts';
export { createPool, embeddedDatabaseUrl, migrate } from './platform/db/index.ts';
