import type pg from 'pg';
import type { FulfilmentWorker } from './modules/fulfillment/index.ts';
import type { KeyVault } from './platform/crypto.ts';

/** What request handlers need, passed explicitly: the database, the key vault, the worker. */
export interface Hub {
  db: pg.Pool;
  vault: KeyVault;
  /** SHA-256 of the operator token. */
  adminTokenHash: Buffer;
  worker: FulfilmentWorker;
  /** How long create-order waits for a fast supplier. */
  orderWaitMs: number;
}
