// Pending logout requests (Hydra's logout challenge), kept by sql-adapter.ts under the model "LogoutRequest".
import { randomBytes } from 'node:crypto';
import type { Database } from '../../db/database.ts';
import { deletePayload, findLivePayload, insertPayload } from './sql-adapter.ts';

export interface LogoutRequestRecord {
  secret: string;
  subject: string;
  sid: string;
  clientId: string | undefined;
  requestUrl: string;
  rpInitiated: boolean;
  requestedAt?: string;
  expiresAt?: string;
}

export interface LogoutRequests {
  create(record: LogoutRequestRecord): Promise<string>;
  find(challenge: string): Promise<LogoutRequestRecord | undefined>;
  remove(challenge: string): Promise<void>;
}

const MODEL = 'LogoutRequest';

export function createLogoutRequests(db: Database, ttlSeconds: number): LogoutRequests {
  return {
    async create(input) {
      const challenge = randomBytes(24).toString('base64url');
      const now = new Date();
      const record: LogoutRequestRecord = { ...input, requestedAt: now.toISOString(), expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString() };
      await insertPayload(db, { model: MODEL, id: challenge, payload: record, subject: record.subject || null, clientId: record.clientId ?? null, ttlSeconds });
      return challenge;
    },
    find: (challenge) => findLivePayload<LogoutRequestRecord>(db, MODEL, challenge),
    remove: (challenge) => deletePayload(db, MODEL, challenge),
  };
}

/** Whether a (validated) id_token_hint names the session's own subject: Hydra's RP-initiated logout. */
export function hintIsFor(hint: unknown, accountId: string | undefined): boolean {
  const sub = (hint as { payload?: { sub?: unknown } } | undefined)?.payload?.sub;
  return typeof sub === 'string' && sub.length > 0 && sub === accountId;
}

/** A logout without such a hint ends on our own page: the link's post_logout_redirect_uri and state are dropped. */
export function forgetRedirect(state: Record<string, unknown> | undefined): void {
  if (!state) return;
  state.postLogoutRedirectUri = undefined;
  state.state = undefined;
  state.clientId = undefined;
}
