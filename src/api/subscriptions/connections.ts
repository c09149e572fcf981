// The open subscription sockets of one API process, by credential and by client address: the caps on
// connections per credential and per address, and the credential re-check that closes the sockets of a
// revoked grant, a suspended client's token, a revoked API key or a logged-out session (4401).
//
// Every distinct credential is checked again each RECHECK_SECONDS through the same credential checker as
// POST /graphql (its cache lives at most CREDENTIAL_CACHE_SECONDS, and API-key revocations clear it
// at once through NOTIFY), so a revocation in any process closes the sockets here within
// RECHECK_SECONDS + CREDENTIAL_CACHE_SECONDS (< 5 s). Many sockets of one credential cost one check.
import { createHash } from 'node:crypto';
import type { CredentialChecker } from '../credentials.ts';

export const RECHECK_SECONDS = 1;
/** The API's credential cache is capped at this (src/api/server.ts), so that revocation closes sockets in < 5 s. */
export const CREDENTIAL_CACHE_SECONDS = 3;

export interface Closable {
  close(code: number, reason: string): void;
}

type CredentialHeaders = Record<string, string>;

interface Entry {
  headers: CredentialHeaders;
  sockets: Set<Closable>;
}

export interface ConnectionRegistry {
  /** Counts a socket against its address; false when the address holds its cap. */
  admitAddress(address: string, socket: Closable): boolean;
  /** Counts an authenticated socket against its credential; false when the credential holds its cap. */
  admitCredential(headers: CredentialHeaders, socket: Closable): boolean;
  /** Forgets a closed socket. */
  release(address: string, socket: Closable): void;
  stats(): { addresses: number; credentials: number; sockets: number };
  close(): void;
}

export interface ConnectionRegistryOptions {
  credentials: Pick<CredentialChecker, 'check'>;
  perCredential: number;
  perAddress: number;
  onError?: (error: unknown) => void;
}

const credentialKey = (headers: CredentialHeaders): string =>
  createHash('sha256')
    .update(JSON.stringify(Object.entries(headers).sort()))
    .digest('base64url');

export function createConnectionRegistry(options: ConnectionRegistryOptions): ConnectionRegistry {
  const byAddress = new Map<string, Set<Closable>>();
  const byCredential = new Map<string, Entry>();
  const credentialOf = new Map<Closable, string>();
  let running = false;

  async function recheck(): Promise<void> {
    if (running) return;
    running = true;
    try {
      for (const [key, entry] of [...byCredential]) {
        const checked = await options.credentials.check(entry.headers, 'GET', { recheck: true }).catch((error: unknown) => {
          options.onError?.(error);
          return undefined;
        });
        // A database or authorization-server outage keeps the sockets open: only a refusal closes them.
        if (!checked || checked.ok || checked.error.error === 'temporarily_unavailable') continue;
        byCredential.delete(key);
        for (const socket of entry.sockets) {
          credentialOf.delete(socket);
          socket.close(4401, 'Unauthorized');
        }
      }
    } finally {
      running = false;
    }
  }
  const timer = setInterval(() => void recheck(), RECHECK_SECONDS * 1000);
  timer.unref();

  return {
    admitAddress(address, socket) {
      let set = byAddress.get(address);
      if (!set) byAddress.set(address, (set = new Set()));
      if (set.size >= options.perAddress) return false;
      set.add(socket);
      return true;
    },
    admitCredential(headers, socket) {
      const key = credentialKey(headers);
      let entry = byCredential.get(key);
      if (!entry) byCredential.set(key, (entry = { headers, sockets: new Set() }));
      if (entry.sockets.size >= options.perCredential) return false;
      entry.sockets.add(socket);
      credentialOf.set(socket, key);
      return true;
    },
    release(address, socket) {
      const set = byAddress.get(address);
      set?.delete(socket);
      if (set?.size === 0) byAddress.delete(address);
      const key = credentialOf.get(socket);
      if (key === undefined) return;
      credentialOf.delete(socket);
      const entry = byCredential.get(key);
      entry?.sockets.delete(socket);
      if (entry?.sockets.size === 0) byCredential.delete(key);
    },
    stats: () => ({ addresses: byAddress.size, credentials: byCredential.size, sockets: credentialOf.size }),
    close: () => clearInterval(timer),
  };
}
