export { createPool, inTransaction, inTransactionOn, openLongConnection, withLongConnection, type Db, type DbTimeouts, type Tx } from './pool.ts';
export { databaseFault, type DatabaseFault } from './faults.ts';
export { embeddedDatabaseUrl, startEmbeddedPostgres, type EmbeddedDatabase } from './embedded.ts';
export { expectedSchema, migrate, schemaDifferences, type ExpectedSchema, type MigrateOptions, type Migrated } from './migrate.ts';
export { ChangeFeed, announceChange, CHANGES_CHANNEL, type ChangeKind } from './change-feed.ts';
export { coalescedReads } from './coalesced-reads.ts';
export { SlotLimiter, type SlotAcquired, type SlotLimiterOptions } from './slot-limiter.ts';
export { LeaderLock, type LeaderLog } from './leader-lock.ts';
