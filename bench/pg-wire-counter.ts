// Bench-only: a TCP proxy in front of PostgreSQL that counts the client's round trips, so that the SQL
// cost of each sign-in step can be compared between servers without touching their code. A round trip
// is a simple Query ('Q') or an extended-protocol Sync ('S'); pipelined batches count once per Sync.
// Frontend messages: the startup packet has no type byte, every later one is type + int32 length.
// The proxy runs in a worker thread: the bench's spawnSync (Hydra's migration) blocks the main thread.
import { appendFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export interface WireCounter {
  /** postgres:// URL that goes through the proxy (same database, user and options). */
  url: string;
  roundTrips(): number;
  close(): Promise<void>;
}

export async function pgWireCounter(databaseUrl: string): Promise<WireCounter> {
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL(import.meta.url), { workerData: { databaseUrl, counter } });
  const port = await new Promise<number>((resolve, reject) => worker.once('message', resolve).once('error', reject));
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return { url: url.href, roundTrips: () => Atomics.load(counter, 0), close: async () => void (await worker.terminate()) };
}

function serve(databaseUrl: string, counter: Int32Array): void {
  const log = process.env.HC_SQL_LOG;
  const target = new URL(databaseUrl);
  const server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port || 5432) });
    let buf: Buffer = Buffer.alloc(0);
    let started = false;
    client.on('data', (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        if (!started) {
          if (buf.length < 8) break;
          const len = buf.readInt32BE(0);
          const code = buf.readInt32BE(4);
          if (buf.length < len) break;
          buf = buf.subarray(len);
          // SSLRequest / GSSENCRequest (refused by a trust server) come before the real startup packet.
          if (code !== 80877103 && code !== 80877104) started = true;
          continue;
        }
        if (buf.length < 5) break;
        const len = buf.readInt32BE(1);
        if (buf.length < len + 1) break;
        if (buf[0] === 0x51 || buf[0] === 0x53) Atomics.add(counter, 0, 1); // 'Q', 'S'
        // HC_SQL_LOG=<file>: the text of each simple query and each Parse (unnamed or first use of a name).
        if (log && (buf[0] === 0x51 || buf[0] === 0x50)) {
          const body = buf.subarray(5, len + 1);
          const text = buf[0] === 0x51 ? body : body.subarray(body.indexOf(0) + 1);
          appendFileSync(log, `${text.subarray(0, text.indexOf(0)).toString().replace(/\s+/g, ' ').slice(0, 300)}\n`);
        }
        buf = buf.subarray(len + 1);
      }
      upstream.write(chunk);
    });
    upstream.on('data', (c) => client.write(c));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  server.listen(0, '127.0.0.1', () => parentPort!.postMessage((server.address() as { port: number }).port));
}

if (!isMainThread && workerData?.counter) serve(workerData.databaseUrl as string, workerData.counter as Int32Array);
