export { createPool, inTransaction, type Db, type Tx } from './pool.ts';
export { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded.ts';
export { migrate, type MigrateOptions, type Migrated } from './migrate.ts';
export { ChangeFeed, announceChange, CHANGES_CHANNEL, type ChangeKind } from './change-feed.ts';
export { SlotLimiter, type SlotAcquired, type SlotLimiterOptions } from './slot-limiter.ts';
export { LeaderLock, type LeaderLog } from './leader-lock.ts';
