// Pending logout requests (Hydra's logout challenge), kept in oidc_payloads under the model "LogoutRequest".
import { randomBytes } from 'node:crypto';
import type { Database } from '../../db/database.ts';

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
      await db.query(
        `INSERT INTO oidc_payloads (model, id, payload, subject, client_id, expires_at) VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`,
        [MODEL, challenge, JSON.stringify(record), record.subject || null, record.clientId ?? null, ttlSeconds],
      );
      return challenge;
    },
    async find(challenge) {
      const [row] = await db.query<{ payload: LogoutRequestRecord }>('SELECT payload FROM oidc_payloads WHERE model = $1 AND id = $2 AND expires_at > now()', [MODEL, challenge]);
      return row?.payload;
    },
    async remove(challenge) {
      await db.query('DELETE FROM oidc_payloads WHERE model = $1 AND id = $2', [MODEL, challenge]);
    },
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
