// Hydra's consent sessions: what a subject granted a client, per grant, and whether it is remembered.
import type { Database } from '../../db/database.ts';
import type { ConsentRequest, ConsentSession } from '../../hydra-port/types.ts';
import type { WalletSpendDetail } from '../../shared/wallet-spend/spend-detail.ts';
import { budgetCovers } from '../domain/grant-budget.ts';
import { ID_TOKEN_CLAIMS } from './grant-prefetch.ts';
import { knownRow } from './known-rows.ts';

export interface ConsentRecord {
  grantId: string;
  subject: string;
  clientId: string;
  grantedScope: string[];
  grantedAudience: string[];
  remember: boolean;
  rememberFor: number;
  session: { access_token: Record<string, unknown>; id_token: Record<string, unknown> };
  consentRequest: ConsentRequest;
  /** Issue 15: the granted spending budget (null: none, or no `write`). */
  grantedDetails: WalletSpendDetail[] | null;
}

/** A remembered consent that covers a request: what it granted (issue 15: its budget is kept on a skip). */
export interface RememberedConsent {
  grantedDetails: WalletSpendDetail[] | null;
}

/** What one remembered consent granted (issue 15's budget; null: none). */
export type RememberedDetails = WalletSpendDetail[] | null;

/**
 * The remembered, unexpired, unrevoked consents covering every requested scope and audience, newest first (at most
 * 20): a SELECT over the given SQL expressions (issue 18: challenge-rows.ts runs it in the consent challenge's read).
 */
export function rememberedConsentsSql(subject: string, clientId: string, scopes: string, audience: string): string {
  return `SELECT granted_authorization_details, handled_at FROM consent_sessions
          WHERE subject = ${subject} AND client_id = ${clientId} AND remember AND revoked_at IS NULL
            AND (remember_until IS NULL OR remember_until > now())
            AND granted_scope @> ${scopes} AND granted_audience @> ${audience}
          ORDER BY handled_at DESC LIMIT 20`;
}

/** The newest of those (newest first) whose budget covers the requested one (issue 15). */
export function coveringConsent(rows: readonly RememberedDetails[], requestedDetails: readonly WalletSpendDetail[] = []): RememberedConsent | undefined {
  const details = rows.find((r) => budgetCovers(r, requestedDetails));
  return details === undefined ? undefined : { grantedDetails: details };
}

interface Row {
  grant_id: string;
  granted_scope: string[];
  granted_audience: string[];
  remember: boolean;
  remember_until: Date | null;
  session_claims: ConsentRecord['session'];
  consent_request: ConsentRequest;
  granted_authorization_details: WalletSpendDetail[] | null;
  handled_at: Date;
}

export interface ConsentSessions {
  save(record: ConsentRecord): Promise<void>;
  /**
   * The newest remembered, unexpired, unrevoked consent covering every requested scope and audience and (issue 15)
   * the requested budget: a consent that granted less than is asked now is not remembered for it.
   */
  findRemembered(subject: string, clientId: string, scopes: readonly string[], audience: readonly string[], requestedDetails?: readonly WalletSpendDetail[]): Promise<RememberedConsent | undefined>;
  idTokenClaims(grantId: string): Promise<Record<string, unknown>>;
  list(subject: string): Promise<ConsentSession[]>;
  /** Marks the subject's consents (for one client, or all) revoked; resolves to their grant ids. */
  revoke(subject: string, clientId?: string): Promise<string[]>;
  revokeForClient(clientId: string): Promise<string[]>;
}

/** The consent row as an INSERT's columns and values, its parameters numbered from $first (issue 18: challenge-rows.ts writes it in the accept's statement). */
export function consentRow(r: ConsentRecord, first: number): { table: string; columns: string; values: string; params: unknown[] } {
  const p = (n: number) => `$${first + n - 1}`;
  return {
    table: 'consent_sessions',
    columns: 'grant_id, subject, client_id, granted_scope, granted_audience, remember, remember_until, session_claims, consent_request, granted_authorization_details',
    values: `${p(1)}::text, ${p(2)}::text, ${p(3)}::text, ${p(4)}::text[], ${p(5)}::text[], ${p(6)}::boolean,
      CASE WHEN ${p(6)}::boolean AND ${p(7)}::int > 0 THEN now() + make_interval(secs => ${p(7)}::int) END, ${p(8)}::jsonb, ${p(9)}::jsonb, ${p(10)}::jsonb`,
    params: [r.grantId, r.subject, r.clientId, r.grantedScope, r.grantedAudience, r.remember, r.rememberFor, JSON.stringify(r.session), JSON.stringify(r.consentRequest), r.grantedDetails ? JSON.stringify(r.grantedDetails) : null],
  };
}

export function createConsentSessions(db: Database): ConsentSessions {
  return {
    async save(r) {
      const row = consentRow(r, 1);
      await db.query(`INSERT INTO ${row.table} (${row.columns}) VALUES (${row.values})`, row.params);
    },
    async findRemembered(subject, clientId, scopes, audience, requestedDetails = []) {
      const rows = await db.query<{ granted_authorization_details: RememberedDetails }>(rememberedConsentsSql('$1', '$2', '$3::text[]', '$4::text[]'), [subject, clientId, scopes, audience]);
      return coveringConsent(
        rows.map((r) => r.granted_authorization_details),
        requestedDetails,
      );
    },
    async idTokenClaims(grantId) {
      // Read with the token at the token endpoint (grant-prefetch.ts), for this request only.
      const known = knownRow(ID_TOKEN_CLAIMS, grantId);
      if (known !== undefined) return (known?.claims as Record<string, unknown> | null) ?? {};
      const [row] = await db.query<{ claims: Record<string, unknown> | null }>(`SELECT session_claims->'id_token' AS claims FROM consent_sessions WHERE grant_id = $1`, [grantId]);
      return row?.claims ?? {};
    },
    async list(subject) {
      // Hydra lists the explicit consents (remembered or not); a skipped one (the app accepted a remembered
      // consent again) is not a new decision of the user and is not listed. Like Hydra, a consent stays listed
      // when its tokens are gone (expired, or revoked after a code or refresh token replay) until it is
      // revoked or its remember_for has run out (a remembered one still lets the app in without asking).
      const rows = await db.query<Row>(
        `SELECT cs.* FROM consent_sessions cs
          WHERE cs.subject = $1 AND cs.revoked_at IS NULL AND NOT coalesce((cs.consent_request->>'skip')::boolean, false)
            AND (cs.remember_until IS NULL OR cs.remember_until > now())
          ORDER BY cs.handled_at DESC`,
        [subject],
      );
      return rows.map((row) => ({
        consent_request: row.consent_request,
        // Hydra repeats the login's context next to the consent request.
        context: row.consent_request.context ?? null,
        grant_scope: row.granted_scope,
        grant_access_token_audience: row.granted_audience,
        remember: row.remember,
        remember_for: row.remember_until ? Math.max(0, Math.round((row.remember_until.getTime() - row.handled_at.getTime()) / 1000)) : 0,
        handled_at: row.handled_at.toISOString(),
        session: { access_token: row.session_claims.access_token ?? {}, id_token: row.session_claims.id_token ?? {} },
        grant_authorization_details: row.granted_authorization_details ?? [],
      }));
    },
    async revoke(subject, clientId) {
      const rows = await db.query<{ grant_id: string }>(
        `UPDATE consent_sessions SET revoked_at = now() WHERE subject = $1 AND ($2::text IS NULL OR client_id = $2) AND revoked_at IS NULL RETURNING grant_id`,
        [subject, clientId ?? null],
      );
      return rows.map((r) => r.grant_id);
    },
    async revokeForClient(clientId) {
      const rows = await db.query<{ grant_id: string }>(`UPDATE consent_sessions SET revoked_at = now() WHERE client_id = $1 AND revoked_at IS NULL RETURNING grant_id`, [clientId]);
      return rows.map((r) => r.grant_id);
    },
  };
}
