/**
 * The embedded PostgreSQL's transports: the hub reaches it by a Unix socket in its cluster
 * folder (cheaper than loopback TCP), tools still by 127.0.0.1:port, and a data folder too long
 * for a socket's path falls back to TCP alone.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/platform/db/index.ts';
import { freePort } from './support/ports.ts';

const started: Array<{ server: EmbeddedDatabase; dir: string }> = [];
afterEach(async () => {
  for (const { server, dir } of started.splice(0)) {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

async function start(folderName: string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'dropgate-embedded-'));
  await chmod(dir, 0o711); // the server's own user (postgres, when this runs as root) goes through it
  const port = await freePort();
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, folderName), port });
  started.push({ server, dir });
  return { server, port };
}

/** The server's address as the connection sees it: null over a Unix socket. */
async function serverAddress(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ address: string | null }>('SELECT host(inet_server_addr()) AS address')).rows[0]!.address;
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL', () => {
  it('gives the hub its Unix socket, and keeps 127.0.0.1:port for tools', async () => {
    const { server, port } = await start('data');
    expect(await serverAddress(server.url)).toBeNull();
    const overTcp = new URL(server.url);
    overTcp.search = '';
    overTcp.host = `127.0.0.1:${port}`;
    expect(await serverAddress(overTcp.toString())).toBe('127.0.0.1');
  });

  it('falls back to loopback TCP when the socket path would be too long', async () => {
    const { server } = await start('d'.repeat(100));
    expect(server.url).toContain('@127.0.0.1:');
    expect(await serverAddress(server.url)).toBe('127.0.0.1');
  });
});
