/**
 * A consistent online backup of the embedded PostgreSQL, taken while the hub serves, with
 * PostgreSQL's own low-level backup API (the embedded package ships no pg_basebackup, and the
 * machine's pg_dump may be another major version):
 *
 * 1. a temporary physical replication slot keeps every WAL segment from now on;
 * 2. pg_backup_start (an immediate checkpoint) marks where recovery will begin;
 * 3. the cluster's files are copied as they are (pages may change meanwhile: WAL replay fixes them);
 * 4. pg_backup_stop says where the copy becomes consistent and gives the backup_label;
 * 5. the WAL segments from start to stop go in pg_wal, the label beside them.
 *
 * A server started on the result replays that WAL and opens exactly as the database was when
 * the backup ended. The archive is a tar: pg/ (the cluster), pg-password (its superuser's, which
 * the hub needs to connect), and dropgate-backup.json (what it holds). The key-encryption secret
 * is never in it: it must be kept apart (docs/operations.md).
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { TAR_END, tarHeader, tarPadding, type TarEntry } from '../tar.ts';

export const MANIFEST = 'dropgate-backup.json';

/** What a backup says about itself, checked by a restore. */
export interface BackupManifest {
  format: 1;
  createdAt: string;
  postgresVersion: string;
  startLsn: string;
  stopLsn: string;
  walFiles: string[];
  /** Of the key-encryption secret the hub ran with: a restore checks the secret it is given. */
  secretFingerprint: string;
}

/** Files a running cluster has that a copy must not (pg_basebackup leaves the same out). */
const SKIPPED_FILES = new Set(['postmaster.pid', 'postmaster.opts', 'backup_label', 'tablespace_map', 'pg_internal.init']);
/** The lock file of the embedded server's Unix socket, which lives in the cluster folder (embedded.ts). */
const SOCKET_LOCK_PREFIX = '.s.PGSQL.';
/** Folders whose contents are runtime state (or WAL, which is added separately): kept empty. */
const EMPTIED_FOLDERS = new Set(['pg_wal', 'pg_replslot', 'pg_dynshmem', 'pg_notify', 'pg_serial', 'pg_snapshots', 'pg_stat_tmp', 'pg_subtrans']);

interface Item extends TarEntry {
  source: string | Buffer;
}

export interface StartedBackup {
  /** The cluster's size when the copy began: what progress is measured against. */
  estimatedBytes: number;
  stream: Readable;
}

/**
 * Starts the backup on `client` (a connection of its own, without statement timeouts, that the
 * stream closes when done) and answers the archive as a stream.
 */
export async function startBackup(client: pg.Client, options: { clusterDir: string; extraFiles: Record<string, Buffer>; secretFingerprint: string }): Promise<StartedBackup> {
  const slot = `dropgate_backup_${randomBytes(4).toString('hex')}`;
  await client.query('SELECT pg_create_physical_replication_slot($1, true, true)', [slot]);
  const started = await client.query<{ lsn: string; version: string }>(
    "SELECT pg_backup_start($1, fast => true)::text AS lsn, current_setting('server_version') AS version",
    [`dropgate ${new Date().toISOString()}`],
  );
  const items = await listCluster(options.clusterDir);
  const estimatedBytes = items.reduce((sum, item) => sum + item.size, 0);
  async function* archive(): AsyncGenerator<Buffer> {
    try {
      for (const item of items) yield* entry(item);
      const stopped = await client.query<{ lsn: string; labelfile: string; spcmapfile: string | null }>(
        'SELECT lsn::text, labelfile, spcmapfile FROM pg_backup_stop(wait_for_archive => false)',
      );
      const { lsn, labelfile } = stopped.rows[0]!;
      yield* entry(bufferItem('pg/backup_label', Buffer.from(labelfile)));
      const walFiles = await walBetween(client, options.clusterDir, started.rows[0]!.lsn, lsn);
      for (const name of walFiles) yield* entry(await fileItem(path.join(options.clusterDir, 'pg_wal', name), `pg/pg_wal/${name}`));
      for (const [name, content] of Object.entries(options.extraFiles)) yield* entry(bufferItem(name, content));
      const manifest: BackupManifest = {
        format: 1, createdAt: new Date().toISOString(), postgresVersion: started.rows[0]!.version,
        startLsn: started.rows[0]!.lsn, stopLsn: lsn, walFiles, secretFingerprint: options.secretFingerprint,
      };
      yield* entry(bufferItem(MANIFEST, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`)));
      yield TAR_END;
    } finally {
      // Ending the session aborts a backup still in progress and drops the temporary slot.
      await client.end().catch(() => {});
    }
  }
  return { estimatedBytes, stream: Readable.from(archive(), { objectMode: false }) };
}

/** The WAL segments that hold [start, stop], which pg_backup_stop has just switched past. */
async function walBetween(client: pg.Client, clusterDir: string, startLsn: string, stopLsn: string): Promise<string[]> {
  const { rows } = await client.query<{ first: string; last: string }>(
    'SELECT pg_walfile_name($1::pg_lsn) AS first, pg_walfile_name($2::pg_lsn) AS last', [startLsn, stopLsn],
  );
  const { first, last } = rows[0]!;
  const files = (await readdir(path.join(clusterDir, 'pg_wal'))).filter((name) => /^[0-9A-F]{24}$/.test(name) && name >= first && name <= last);
  if (!files.includes(first) || !files.includes(last)) throw new Error(`backup: WAL ${first}..${last} is not all in pg_wal`);
  return files.sort();
}

async function* entry(item: Item): AsyncGenerator<Buffer> {
  yield tarHeader(item);
  if (item.kind === 'folder') return;
  if (Buffer.isBuffer(item.source)) {
    yield item.source;
  } else {
    yield* fileBytes(item.source, item.size);
  }
  yield tarPadding(item.size);
}

/**
 * Exactly `size` bytes of the file: a file that grew is cut at the size its header says (WAL
 * replay restores the rest), one that shrank or vanished is padded with zeros (replay truncates it).
 */
async function* fileBytes(file: string, size: number): AsyncGenerator<Buffer> {
  let sent = 0;
  const handle = await open(file, 'r').catch(() => undefined);
  try {
    while (handle && sent < size) {
      const buffer = Buffer.alloc(Math.min(256 * 1024, size - sent));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, sent);
      if (bytesRead === 0) break;
      sent += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle?.close();
  }
  if (sent < size) yield Buffer.alloc(size - sent);
}

async function listCluster(clusterDir: string): Promise<Item[]> {
  const items: Item[] = [];
  const walk = async (dir: string, relative: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const full = path.join(dir, name);
      const info = await stat(full).catch(() => undefined);
      if (!info) continue; // vanished meanwhile
      const rel = `${relative}/${name}`;
      if (info.isDirectory()) {
        items.push({ name: rel, kind: 'folder', size: 0, mode: info.mode, mtime: info.mtime, source: full });
        // PostgreSQL makes what it needs inside these itself (pg_wal/archive_status, …).
        if (!(EMPTIED_FOLDERS.has(name) && relative === 'pg')) await walk(full, rel);
      } else if (info.isFile() && !SKIPPED_FILES.has(name) && !name.startsWith('pgsql_tmp') && !name.startsWith(SOCKET_LOCK_PREFIX)) {
        items.push({ name: rel, kind: 'file', size: info.size, mode: info.mode, mtime: info.mtime, source: full });
      }
    }
  };
  const root = await stat(clusterDir);
  items.push({ name: 'pg', kind: 'folder', size: 0, mode: root.mode, mtime: root.mtime, source: clusterDir });
  await walk(clusterDir, 'pg');
  return items;
}

async function fileItem(file: string, name: string): Promise<Item> {
  const info = await stat(file);
  return { name, kind: 'file', size: info.size, mode: info.mode, mtime: info.mtime, source: file };
}

function bufferItem(name: string, content: Buffer): Item {
  return { name, kind: 'file', size: content.length, mode: 0o600, mtime: new Date(), source: content };
}
