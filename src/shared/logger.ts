import { pino, type DestinationStream, type Logger } from 'pino';
import { requestIdMixin } from './request-context.ts';
import { logSerializers } from './log-serializers.ts';

export type { Logger };

// Secrets never reach the logs: these paths are censored wherever they appear.
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["oauth2-token"]',
  'res.headers["set-cookie"]',
  '*.client_secret',
  '*.code',
  '*.code_verifier',
  '*.refresh_token',
  '*.access_token',
  '*.id_token',
  '*.token',
  '*.authToken',
  '*.password',
  '*.apiKey',
];

/** `destination` (default stdout) lets tests capture the JSON lines. */
export function createLogger(level: string, name = 'lightgate', destination?: DestinationStream): Logger {
  // Every line written while serving a request carries its x-request-id (AsyncLocalStorage); logged
  // URLs lose the values of code, verifier and token parameters (fastify takes these serializers over its own).
  return pino({ name, level, redact: { paths: REDACT, censor: '[redacted]' }, mixin: requestIdMixin, serializers: logSerializers }, destination);
}
