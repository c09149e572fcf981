// A request body read ahead and put back (issue 18: the token endpoint's code or refresh token, read in the
// request's rate-limit count). oidc-provider reads bodies from the Node stream itself (selective_body.js; its
// fallback to an upstream parser's req.body warns and is not used here), so the bytes go back onto the same
// stream with stream.unshift before its 'end' event, as Node's stream documentation allows, and oidc-provider
// reads, limits and parses exactly what it would have.
import type { IncomingMessage } from 'node:http';

/**
 * The body of a request that declared `length` bytes, left readable on the stream; undefined (the bytes read so
 * far still put back) when the stream ends, fails or closes first. Never rejects.
 */
export function peekBody(req: IncomingMessage, length: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let done = false;
    const finish = (whole: boolean) => {
      if (done) return;
      done = true;
      req.off('readable', pull);
      req.off('end', stop);
      req.off('error', stop);
      req.off('close', stop);
      const body = Buffer.concat(chunks, received);
      try {
        // Synchronously after the last read(): the stream has not emitted 'end', so it stays readable with these bytes.
        if (received && !req.readableEnded && !req.destroyed) req.unshift(body);
      } catch {
        whole = false;
      }
      resolve(whole ? body : undefined);
    };
    const stop = () => finish(false);
    function pull() {
      let chunk: Buffer | null;
      // Node's HTTP parser passes no more than the declared Content-Length.
      while (received < length && (chunk = req.read() as Buffer | null) !== null) {
        chunks.push(chunk);
        received += chunk.length;
      }
      if (received >= length) finish(received === length);
    }
    if (req.readableEncoding || req.readableEnded || req.destroyed) return resolve(undefined);
    req.on('readable', pull);
    req.once('end', stop);
    req.once('error', stop);
    req.once('close', stop);
  });
}
