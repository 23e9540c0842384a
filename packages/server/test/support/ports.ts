import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Below the kernel's ephemeral range, from here up: ports no outgoing connection is given. */
const LOWEST_PORT = 10_000;
const ATTEMPTS = 50;

/**
 * A TCP port that was free a moment ago, on loopback. A process is usually started on it, and
 * listens only seconds later (an embedded PostgreSQL first): a port from the ephemeral range,
 * as the kernel hands out for `listen(0)`, can meanwhile be taken by any outgoing connection of
 * the parallel test files (seen in CI as EADDRINUSE). So it is drawn below that range, where
 * only another caller of this function could pick the same one.
 */
export async function freePort(): Promise<number> {
  const below = ephemeralRangeStart();
  if (below !== undefined && below > LOWEST_PORT + ATTEMPTS) {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const port = LOWEST_PORT + Math.floor(Math.random() * (below - LOWEST_PORT));
      if (await listensOn(port)) return port;
    }
  }
  return listenOnAny();
}

/** Linux's first ephemeral port; undefined where it cannot be read. */
function ephemeralRangeStart(): number | undefined {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(first) ? first : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the port could be listened on (and is closed again). */
function listensOn(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function listenOnAny(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
