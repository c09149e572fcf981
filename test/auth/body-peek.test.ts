// The token request's body read ahead and put back (src/auth/oidc/body-peek.ts): whatever reads the stream next
// (oidc-provider's selective_body.js, as below: req.readable, then req.iterator) gets the same bytes.
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { peekBody } from '../../src/auth/oidc/body-peek.ts';

/** As selective_body.js reads a body (readBody), after a peek. */
async function readAfterPeek(req: IncomingMessage) {
  const peeked = await peekBody(req, Number(req.headers['content-length']));
  const chunks: Buffer[] = [];
  const readable = req.readable;
  for await (const chunk of req.iterator({ destroyOnReturn: false })) chunks.push(chunk as Buffer);
  return { peeked: peeked?.toString(), readable, read: Buffer.concat(chunks).toString() };
}

async function send(parts: string[], declared: number, abort = false) {
  let seen: Promise<Awaited<ReturnType<typeof readAfterPeek>>> | undefined;
  const server = createServer((req, res) => {
    seen = readAfterPeek(req);
    void seen.then(() => res.end('ok'), () => res.end('failed'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const req = request({ port, host: '127.0.0.1', method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': declared } });
  req.on('error', () => undefined);
  const answered = new Promise<void>((resolve) => (req.on('response', (r) => (r.resume(), r.on('end', resolve))), req.on('close', resolve)));
  for (const part of parts) {
    req.write(part);
    await new Promise((r) => setTimeout(r, 20));
  }
  if (abort) req.destroy();
  else req.end();
  await answered;
  const result = await seen!.catch((error: Error) => ({ error: error.message }));
  server.close();
  return result;
}

test('a body sent in parts, and one larger than the stream buffer, is peeked whole and read again whole', async () => {
  const form = 'grant_type=refresh_token&refresh_token=abc';
  assert.deepEqual(await send([form.slice(0, 10), form.slice(10, 30), form.slice(30)], form.length), { peeked: form, readable: true, read: form });
  const large = `grant_type=x&pad=${'y'.repeat(50 * 1024)}`;
  const result = (await send([large.slice(0, 20_000), large.slice(20_000)], large.length)) as { peeked: string; read: string; readable: boolean };
  assert.deepEqual([result.peeked === large, result.readable, result.read === large], [true, true, true]);
});

test('a body cut short: no peek, and the reader still ends (with the error it would have had)', async () => {
  const result = await send(['grant_type=refresh'], 100, true);
  assert.equal((result as { peeked?: string }).peeked, undefined);
});
