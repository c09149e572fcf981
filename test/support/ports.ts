// A free TCP port on 127.0.0.1 (checked by listening on it, then released): for servers a test starts on a port it
// must know first. Taken below the kernel's ephemeral range (ip_local_port_range): a port the OS hands out for
// listen(0) can, once released, become the source port of any process's outgoing connection (PostgreSQL pools,
// HTTP clients) before the test's server listens on it, and that listen fails with EADDRINUSE. Below the range
// only listeners bind, and concurrent test processes pick at random among ~20,000 ports.
import { readFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';

const LOWEST = 10_000;

function ephemeralStart(): number | undefined {
  try {
    const start = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(start) && start > LOWEST + 1_000 ? start : undefined;
  } catch {
    return undefined; // not Linux: the OS's choice
  }
}

const below = ephemeralStart();
const handedOut = new Set<number>();

/** Resolves to the port once it could be listened on and was released; undefined when it is taken. */
function probe(port: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' || error.code === 'EACCES' ? resolve(undefined) : reject(error)));
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number };
      server.close(() => resolve(bound));
    });
  });
}

export async function freePort(): Promise<number> {
  for (let attempt = 0; below !== undefined && attempt < 50; attempt++) {
    const port = randomInt(LOWEST, below);
    if (handedOut.has(port)) continue;
    if ((await probe(port)) !== undefined) {
      handedOut.add(port);
      return port;
    }
  }
  const port = await probe(0);
  if (port === undefined) throw new Error('no free port');
  return port;
}
