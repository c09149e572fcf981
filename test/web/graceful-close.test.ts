// graceful-close.ts: once a server is closing, a keep-alive connection whose response was in flight is closed as
// that response ends, and a request that arrives meanwhile is answered with `connection: close`, so close() is
// not held up by keep-alive timeouts (Fastify's default: 72 s).
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { test } from 'node:test';
import Fastify from 'fastify';
import { gracefulClosePlugin } from '../../src/web/graceful-close.ts';

test('a connection busy when close() starts is closed as its response ends; close() resolves at once after it', { timeout: 10_000 }, async () => {
  const app = Fastify();
  await app.register(gracefulClosePlugin);
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  app.get('/slow', async () => {
    await held;
    return 'done';
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const agent = new Agent({ keepAlive: true });
  const socketClosed = new Promise<number>((resolve, reject) => {
    const req = request(`${address}/slow`, { agent }, (res) => {
      let ended = 0;
      res.socket.once('close', () => resolve(Date.now() - ended));
      res.resume();
      res.on('end', () => (ended = Date.now()));
    });
    req.on('error', reject);
    req.end();
  });
  await new Promise((r) => setTimeout(r, 100));
  const closing = app.close();
  await new Promise((r) => setTimeout(r, 50));
  const started = Date.now();
  release();
  const afterEnd = await socketClosed;
  await closing;
  agent.destroy();
  assert.ok(afterEnd < 1_000, `the connection closed ${afterEnd} ms after its response`);
  assert.ok(Date.now() - started < 2_000, `close() took ${Date.now() - started} ms after the response`);
});
