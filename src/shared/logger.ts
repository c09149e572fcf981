import { pino, type Logger } from 'pino';

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

export function createLogger(level: string, name = 'lightgate'): Logger {
  return pino({ name, level, redact: { paths: REDACT, censor: '[redacted]' } });
}
