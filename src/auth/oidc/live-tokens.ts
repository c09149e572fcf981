// Admin introspection's one statement (Hydra's POST /admin/oauth2/introspect): the token's row with its
// client's status and its consent's claims and audience. oidc_payloads is sql-adapter.ts's table; this is
// one of the folded statements it names.
import type { Queryable } from '../../db/database.ts';
import { named, placeholders } from './id-params.ts';

export interface LiveToken {
  model: string;
  /** jkt: the DPoP key's thumbprint of a DPoP-bound token (RFC 9449). */
  payload: { scope?: string; clientId: string; accountId?: string; exp: number; iat: number; jkt?: string; rar?: unknown[] };
  /** The client's status (only 'active' tokens are active). */
  status: string | null;
  /** The consent's session.access_token claims (Hydra's `ext`). */
  claims: Record<string, unknown> | null;
  audience: string[] | null;
}

/** An unexpired, unconsumed access or refresh token stored under one of the ids, with its client's status and consent. */
export async function findLiveToken(db: Pick<Queryable, 'query'>, rowIds: string[]): Promise<LiveToken | undefined> {
  const [row] = await db.query<LiveToken>(
    `SELECT p.model, p.payload, c.status, cs.session_claims->'access_token' AS claims, cs.granted_audience AS audience
       FROM oidc_payloads p
       LEFT JOIN oauth2_clients c ON c.client_id = p.client_id
       LEFT JOIN consent_sessions cs ON cs.grant_id = p.grant_id
      WHERE p.model IN ('AccessToken', 'RefreshToken', 'ClientCredentials') AND p.id IN (${placeholders(1, rowIds.length)})
        AND p.expires_at > now() AND p.consumed_at IS NULL
      LIMIT 1`,
    rowIds,
    { name: named('lightgate_oidc_live_token', rowIds.length) },
  );
  return row;
}
