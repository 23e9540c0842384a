import type pg from 'pg';
import type { KeyVault } from './platform/crypto.ts';

/** What request handlers need, passed explicitly: the database and the key vault. */
export interface Hub {
  db: pg.Pool;
  vault: KeyVault;
  /** SHA-256 of the operator token. */
  adminTokenHash: Buffer;
}
