/**
 * POST /admin/v1/backup: a consistent online backup of the embedded database, streamed as a tar
 * while the hub serves (platform/db/backup.ts). `dropgate backup` saves it; `dropgate restore`
 * unpacks it into a fresh DATA_DIR. A hub on DATABASE_URL answers BACKUP_NOT_AVAILABLE: that
 * server is backed up with its own tools, of its own version (docs/operations.md). The backup is
 * the owner's (permission `backup`): it holds every table, the team's and the trail's included;
 * each one taken is a row of the audit trail.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ErrorResponses, TakeBackup } from '@dropgate/contract';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { actorOf, requireDeclaredAccess } from '../access-control/index.ts';
import type { Hub } from '../hub.ts';
import { startBackup } from '../platform/db/backup.ts';
import { AppError } from '../platform/errors.ts';
import { operatorAuth } from './auth.ts';

/** The header that tells the client how large the cluster was when the copy began (its progress bar). */
export const ESTIMATE_HEADER = 'x-dropgate-backup-estimated-bytes';
export const FINGERPRINT_HEADER = 'x-dropgate-secret-fingerprint';

export interface BackupOptions {
  hub: Hub;
  /**
   * The embedded database, undefined on DATABASE_URL: its folders, and a connection of its own
   * (no statement timeout: a backup lasts as long as the copy), which the backup stream owns.
   */
  embedded: { dataDir: string; clusterDir: string; connect(): Promise<pg.Client> } | undefined;
  secretFingerprint: string;
}

export async function operatorBackup(app: FastifyInstance, { hub, embedded, secretFingerprint }: BackupOptions): Promise<void> {
  requireDeclaredAccess(app, 'operator');
  app.addHook('onRequest', operatorAuth(hub));
  app.post('/backup', {
    config: { access: 'backup' },
    schema: {
      tags: ['Operator API'], security: [{ operatorToken: [] }], body: TakeBackup,
      summary: 'A consistent online backup of the embedded database (a tar stream); the key secret is not in it',
      response: { 200: Type.String({ format: 'binary', title: 'BackupArchive' }), ...ErrorResponses },
    },
  }, async (request, reply) => {
    if (!embedded) {
      throw new AppError('BACKUP_NOT_AVAILABLE', 'This hub uses DATABASE_URL: back that server up with its own tools (pg_dump -Fc, or pg_basebackup), see docs/operations.md');
    }
    // The stream owns this connection and closes it when it ends (or the client goes away).
    const client = await embedded.connect();
    const backup = await startBackup(client, {
      clusterDir: embedded.clusterDir,
      extraFiles: { 'pg-password': await readFile(path.join(embedded.dataDir, 'pg-password')) },
      secretFingerprint,
    }).then(async (started) => {
      await hub.auditLog.record(actorOf(request), {
        action: 'backup.take', target: { type: 'database', id: null }, after: { estimatedBytes: started.estimatedBytes, secretFingerprint },
      });
      return started;
    }).catch(async (error: unknown) => {
      await client.end().catch(() => {});
      throw error;
    });
    reply.header('content-type', 'application/x-tar').header(ESTIMATE_HEADER, String(backup.estimatedBytes)).header(FINGERPRINT_HEADER, secretFingerprint);
    return reply.send(backup.stream);
  });
}
