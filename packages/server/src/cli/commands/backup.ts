/**
 * `dropgate backup` and `dropgate restore`, for the embedded database.
 *
 * backup asks the running hub for an online backup (POST /admin/v1/backup): the hub reads its
 * own DATA_DIR, so the command works from wherever the operator API is reachable, and needs no
 * PostgreSQL tools of the server's version. restore is local: it unpacks a backup into a fresh
 * DATA_DIR, gives it the key secret if told where it is, and proves the result by starting a
 * PostgreSQL on it once (WAL replay) and counting what it holds.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, chown, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { MANIFEST, type BackupManifest } from '../../platform/db/backup.ts';
import { startEmbeddedPostgres } from '../../platform/db/index.ts';
import { postgresUser } from '../../platform/db/postmaster.ts';
import { secretFingerprint } from '../../platform/crypto.ts';
import { extractTar } from '../../platform/tar.ts';
import { ESTIMATE_HEADER, FINGERPRINT_HEADER } from '../../operator-api/index.ts';
import { text, UsageError, type Command } from '../command.ts';

const SECRET_REMINDER = 'The backup does not contain the key-encryption secret (DROPGATE_SECRET_KEY, or DATA_DIR/secret.key): keep it apart from the backups. Without it the keys in stock and delivered keys cannot be opened.';

export const backupCommands: Command[] = [
  {
    name: 'backup',
    summary: 'Saves a consistent online backup of the hub\'s embedded database (the hub keeps serving)',
    options: { out: { type: 'string', description: 'File to write (default dropgate-backup-<time>.tar)' } },
    async run({ values, api, progress }) {
      const out = typeof values.out === 'string' && values.out !== '' ? values.out : `dropgate-backup-${new Date().toISOString().replace(/[:.]/g, '-')}.tar`;
      // Written beside, renamed when complete: a file under the final name is always a whole backup.
      const partial = `${out}.partial`;
      const sink = createWriteStream(partial, { mode: 0o600 });
      let estimate = 0;
      let fingerprint = '';
      let received = 0;
      try {
        await api.download('/backup', sink, (headers) => {
          estimate = Number(headers.get(ESTIMATE_HEADER) ?? 0);
          fingerprint = headers.get(FINGERPRINT_HEADER) ?? '';
        }, (bytes) => {
          received += bytes;
          progress(`backup: ${megabytes(received)} of about ${megabytes(estimate)}${estimate > 0 ? ` (${Math.min(99, Math.floor((received / estimate) * 100))} %)` : ''}`);
        });
        sink.end();
        await once(sink, 'close');
      } catch (error) {
        sink.destroy();
        await rm(partial, { force: true });
        throw error;
      }
      await rename(partial, out);
      return { file: path.resolve(out), bytes: received, secretFingerprint: fingerprint, reminder: SECRET_REMINDER };
    },
    human: (r) => `backup written: ${r.file} (${megabytes(r.bytes)})\n${r.reminder}\nThe secret it needs has the fingerprint ${r.secretFingerprint}.`,
  },
  {
    name: 'restore',
    summary: 'Restores a backup into a new DATA_DIR and checks it opens; local, no hub needed',
    options: {
      file: { type: 'string', description: 'The backup file (from dropgate backup)', required: true },
      'data-dir': { type: 'string', description: 'A new or empty folder to become the hub\'s DATA_DIR', required: true },
      'secret-file': { type: 'string', description: 'The key secret (a secret.key file, 64 hex): checked against the backup and put in the DATA_DIR' },
    },
    async run({ values, progress }) {
      const file = text(values, 'file');
      const dataDir = path.resolve(text(values, 'data-dir'));
      const size = (await stat(file).catch(() => undefined))?.size;
      if (size === undefined) throw new UsageError(`cannot read ${file}`);
      if ((await readdir(dataDir).catch(() => [])).length > 0) throw new UsageError(`${dataDir} is not empty: restore into a new folder`);
      const secretFile = typeof values['secret-file'] === 'string' ? values['secret-file'] : undefined;
      const secret = secretFile ? await readSecret(secretFile) : undefined;
      await mkdir(dataDir, { recursive: true, mode: 0o711 });
      // A restore that fails half-way leaves the folder as empty as it found it.
      const { manifest, counts } = await restoreInto({ file, size, dataDir, secret, secretFile }, progress)
        .catch(async (error: unknown) => {
          for (const entry of await readdir(dataDir)) await rm(path.join(dataDir, entry), { recursive: true, force: true });
          throw error;
        });
      return {
        dataDir, ...counts, postgresVersion: manifest.postgresVersion, backupTakenAt: manifest.createdAt,
        secretFingerprint: manifest.secretFingerprint, secret: secret ? 'checked, in DATA_DIR/secret.key' : 'not given: set DROPGATE_SECRET_KEY, or put secret.key in the DATA_DIR',
      };
    },
    human: (r) => [
      `restored into ${r.dataDir}: ${r.orders} orders, ${r.merchants} merchants (backup of ${r.backupTakenAt}, PostgreSQL ${r.postgresVersion})`,
      `key secret: ${r.secret} (fingerprint ${r.secretFingerprint})`,
      `start the hub on it: DATA_DIR=${r.dataDir} npx dropgate serve, then run dropgate audit`,
    ].join('\n'),
  },
];

interface RestoreInput { file: string; size: number; dataDir: string; secret: Buffer | undefined; secretFile: string | undefined }

/** Unpacks, checks the manifest and the secret, makes the cluster PostgreSQL's, and opens it once. */
async function restoreInto({ file, size, dataDir, secret, secretFile }: RestoreInput, progress: (line: string) => void) {
  let read = 0;
  await extractTar(createReadStream(file), dataDir, (bytes) => {
    read += bytes;
    progress(`restore: ${megabytes(read)} of ${megabytes(size)} unpacked (${Math.floor((read / size) * 100)} %)`);
  });
  const manifest = JSON.parse(await readFile(path.join(dataDir, MANIFEST), 'utf8').catch(() => {
    throw new UsageError(`${file} is not a Dropgate backup (no ${MANIFEST})`);
  })) as BackupManifest;
  if (secret) {
    if (secretFingerprint(secret) !== manifest.secretFingerprint) {
      throw new UsageError(`the secret in ${secretFile} is not the one this backup's keys were sealed with (fingerprint ${secretFingerprint(secret)}, the backup needs ${manifest.secretFingerprint})`);
    }
    await writeFile(path.join(dataDir, 'secret.key'), `${secret.toString('hex')}\n`, { mode: 0o600 });
  }
  await prepareCluster(path.join(dataDir, 'pg'));
  progress('restore: replaying the WAL to the backup\'s end');
  const counts = await openOnce(dataDir);
  return { manifest, counts };
}

async function readSecret(file: string): Promise<Buffer> {
  const hex = (await readFile(file, 'utf8').catch(() => {
    throw new UsageError(`cannot read ${file}`);
  })).trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new UsageError(`${file} does not hold a key secret (64 hex characters)`);
  return Buffer.from(hex, 'hex');
}

/** PostgreSQL wants its folder private to the user it runs as (`postgres` when we are root). */
async function prepareCluster(clusterDir: string): Promise<void> {
  await chmod(clusterDir, 0o700);
  const { uid, gid } = postgresUser();
  if (uid === undefined || gid === undefined) return;
  const walk = async (dir: string): Promise<void> => {
    await chown(dir, uid, gid);
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else await chown(full, uid, gid);
    }
  };
  await walk(clusterDir);
}

/** Starts PostgreSQL on the restored cluster once (it replays the WAL), counts, stops. */
async function openOnce(dataDir: string): Promise<{ orders: number; merchants: number }> {
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  try {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ orders: number; merchants: number }>(
        'SELECT (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM merchants)::int AS merchants',
      );
      return rows[0]!;
    } finally {
      await client.end();
    }
  } finally {
    await server.stop();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
