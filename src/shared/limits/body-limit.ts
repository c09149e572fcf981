// Fastify plugin: refuses a declared body larger than the limit with 413 before reading a byte.
// Fastify's bodyLimit covers bodies it parses; this also covers routes that read the body themselves
// (oidc-provider behind the public port, whose own reader refuses undeclared oversize bodies with 400).
import { serverWide } from '../server-wide.ts';
import { sendLimitError } from './limit-error.ts';

export interface BodyLimitOptions {
  maxBytes: number;
}

export const bodyLimitPlugin = serverWide('lightgate-body-limit', (app, { maxBytes }: BodyLimitOptions, done) => {
  app.addHook('onRequest', (request, reply, next) => {
    const declared = request.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxBytes) {
      // The rest of the body is not read: close the connection after the answer.
      reply.header('connection', 'close');
      sendLimitError(reply, 413, 'request_too_large', `The request body is larger than ${maxBytes} bytes`, 'PAYLOAD_TOO_LARGE');
      return;
    }
    next();
  });
  done();
});
