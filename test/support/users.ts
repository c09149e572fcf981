// People in tests: the codes a stack sends them (the outbox in its data dir, NODE_ENV=test), for signing in
// through /auth/*, the login & consent pages or the portal.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface OutboxLine {
  channel: string;
  to: string;
  subject: string;
  text: string;
  code: string;
  at: string;
}

export function readOutbox(dataDir: string): OutboxLine[] {
  const file = join(dataDir, 'outbox.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as OutboxLine);
}

/** The newest code sent to `to`. */
export function lastCode(dataDir: string, to: string): string {
  const line = readOutbox(dataDir).filter((l) => l.to === to).at(-1);
  if (!line) throw new Error(`no message to ${to} in the outbox`);
  return line.code;
}

/** A code that is not `code` (for wrong tries). */
export const wrongCode = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
