// The only module that reads or writes the oidc_payloads table (and oauth2_clients for the Client model),
// besides issue 18's folded statements (challenge-rows.ts, grant-prefetch.ts, request-read-along.ts, live-tokens.ts, held-row-writes.ts,
// held-token-writes.ts, replaced-rows.ts), which send what it would.
// Candidate ids are one parameter each (id-params.ts), so each named statement is planned once per connection.
// - oidc-provider's adapter contract (SqlAdapter): expired rows are invisible; consume() is atomic so a
//   code or refresh token can be spent only once.
// - Lightgate's own rows in the same table (flow verifiers, logout requests) and the Hydra admin
//   operations on it (introspection, revoking sessions and tokens), as the named statements below.
// Tokens, codes and sessions are stored under a keyed hash of their value, never the value (token-ids.ts).
// (oidc_payloads_unhashed, migration 0002's holding table, is legacy-token-ids.ts's: it moves rows back here.)
import Provider, { errors } from 'oidc-provider';
import { DatabaseUnavailableError, type Database, type Queryable } from '../../db/database.ts';
import { createClientRepository } from '../services/client-repository.ts';
import { storedClientOf, usableClient, type StoredClientOf } from './stored-clients.ts';
import { toProviderMetadata } from './client-metadata.ts';
import { GrantAlreadyUsed, unavailable } from './error-map.ts';
import { findWithGrant, takeTokenAhead, WITH_GRANT } from './grant-prefetch.ts';
import { candidateOrder, named, placeholders } from './id-params.ts';
import { alreadyDeleted, knownRow, rememberRow, writeSkipped, writtenInDatabase } from './known-rows.ts';
import { deferDelete, replacedRowCte } from './replaced-rows.ts';
import { AFTER_ROWS, holdRow, takeHeldRows, writeRows, type RowParams } from './held-row-writes.ts';
import { holdSpend, RETIRED_CTE, writeWithHeld, type TokenParams } from './held-token-writes.ts';
import { rememberRedirectUris } from './outage-redirect.ts';
import { commitsLazily, LAZY_COMMIT_CTE, sendLazily } from './lazy-commit.ts';
import { requestCandidates, type TokenIds } from './token-ids.ts';

type Payload = Record<string, unknown> & { grantId?: string; uid?: string; userCode?: string; accountId?: string; clientId?: string; consumed?: number };

async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DatabaseUnavailableError) throw unavailable(error);
    throw error;
  }
}

/**
 * Hydra's rule for client_credentials: every requested scope must be registered for the client. oidc-provider only
 * checks the scopes it knows, so the rest is checked here, before the token is stored (RFC 6749 section 5.2).
 */
async function checkClientCredentialsScope(payload: Payload, clientsOf: StoredClientOf) {
  // oidc-provider has already dropped the scopes it does not know: read what the client asked for.
  const asked = (Provider.ctx?.oidc as { body?: { scope?: unknown } } | undefined)?.body?.scope ?? payload.scope ?? '';
  const requested = String(asked).split(' ').filter(Boolean);
  if (!requested.length) return;
  const stored = await guard(() => storedClientOf(payload.clientId!, clientsOf));
  const registered = new Set((stored?.client.scope ?? '').split(' '));
  const extra = requested.find((s) => !registered.has(s));
  if (extra) throw new errors.InvalidScope('requested scope is not allowed', extra);
}

export const TOKEN_MODELS = ['AccessToken', 'RefreshToken', 'AuthorizationCode', 'ClientCredentials'];

/** Marks a stored user code as hashed (a typed code has no '.'), so a device code saved again keeps its hash. */
const USER_CODE_HASH = 'h1.';
const hashedUserCode = (ids: TokenIds, userCode: string): string => (userCode.startsWith(USER_CODE_HASH) ? userCode : `${USER_CODE_HASH}${ids.current(userCode)}`);

/**
 * The JSON kept for a row: without `jti` (it is the raw id, put back from what the client presents on find),
 * and an interaction without the copy of the session cookie that oidc-provider records but never reads.
 */
function atRest(model: string, payload: Payload): Payload {
  const { jti: _jti, ...stored } = payload;
  const session = stored.session as Record<string, unknown> | undefined;
  if (model === 'Interaction' && session && 'cookie' in session) {
    const { cookie: _cookie, ...rest } = session;
    stored.session = rest;
  }
  return stored;
}

export function createAdapterClass(db: Database, ids: TokenIds) {
  const clients = createClientRepository(db);
  const clientsOf: StoredClientOf = (id) => clients.find(id);
  return class SqlAdapter {
    readonly model: string;
    constructor(model: string) {
      this.model = model;
    }

    /**
     * Row ids a presented value may be stored under: its keyed hashes (token-ids.ts), or itself for plain models.
     * `presented`: a value this request may look up again (find, consume), its hashes made once per request.
     */
    private rowIds(id: string, presented = false): string[] {
      const referenced = ids.dereference(id);
      if (referenced) return [referenced];
      if (!ids.hashes(this.model)) return [id];
      return presented ? requestCandidates(ids, (Provider.ctx as { req?: object } | undefined)?.req, id) : ids.candidates(id);
    }

    async upsert(id: string, payload: Payload, expiresIn: number | undefined): Promise<void> {
      if (this.model === 'Client') throw new Error('clients are managed through the admin API');
      if (this.model === 'ClientCredentials') await checkClientCredentialsScope(payload, clientsOf);
      // A device flow's user code is a bearer value for its lifetime too: kept only keyed-hashed (issue 16).
      if (this.model === 'DeviceCode' && typeof payload.userCode === 'string') payload = { ...payload, userCode: hashedUserCode(ids, payload.userCode) };
      const [rowId, ...older] = this.rowIds(id);
      const params = [this.model, rowId, JSON.stringify(atRest(this.model, payload)), payload.grantId ?? null, payload.uid ?? null, payload.userCode ?? null, payload.accountId ?? null, payload.clientId ?? null, expiresIn ?? null, older];
      // A row this request deletes again is only remembered for it (verifier-step.ts, known-rows.ts).
      if (writeSkipped(this.model, rowId!)) return rememberRow(this.model, rowId!, params[2] as string);
      // A row still keyed with an older system secret moves to the newest key (keeping whether it was consumed).
      // Issue 11 #5: a token is stored only while its client is active, with the client row share-locked until it is. A concurrent
      // move away from active (UPDATE status, then delete every token) either comes first, and this token is refused, or waits, and
      // then deletes it: none survives to come back to life when the client is reactivated. One statement is one transaction, so the
      // lock (`live`) and the write go in one round trip instead of BEGIN, lock, write, COMMIT (issue 18); a request's two tokens
      // go in one statement (held-token-writes.ts; undefined: this one alone, below).
      const token = TOKEN_MODELS.includes(this.model) && payload.clientId;
      // In a verifier leg the route's write waits for the session's statement, which carries it (held-row-writes.ts).
      const row = params.slice(0, 9) as unknown as RowParams;
      if (holdRow(row, !!token, older.length)) return rememberRow(this.model, rowId!, params[2] as string);
      const carried = older.length ? [] : takeHeldRows(this.model);
      const together = carried.length
        ? await guard(() => writeRows(db, [...carried, { row, token: false }], replacedRowCte(this.model, AFTER_ROWS)))
        : token ? await guard(() => writeWithHeld(db, params as TokenParams)) : undefined;
      // A session saved under a new id deletes its old row here (replaced-rows.ts).
      const replaced = token ? undefined : replacedRowCte(this.model, 10 + older.length);
      // The authorization request's interaction commits without waiting for its WAL flush (lazy-commit.ts).
      const send = (lazy: boolean) => {
        const ctes = [token && `live AS (SELECT 1 FROM oauth2_clients WHERE client_id = $8 AND status = 'active' FOR SHARE)`,
          older.length && `moved AS (DELETE FROM oidc_payloads WHERE model = $1 AND id IN (${placeholders(10, older.length)}) ${token ? 'AND EXISTS (SELECT 1 FROM live)' : ''} RETURNING consumed_at)`, replaced?.cte, lazy && LAZY_COMMIT_CTE].filter(Boolean);
        return guard(() => db.query(
          `${ctes.length ? `WITH ${ctes.join(', ')}` : ''}
           INSERT INTO oidc_payloads (model, id, payload, grant_id, uid, user_code, subject, client_id, expires_at, consumed_at)
           SELECT $1, $2, $3::jsonb, $4, $5, $6, $7, $8, CASE WHEN $9::int IS NULL THEN NULL ELSE now() + make_interval(secs => $9::int) END,
             ${older.length ? '(SELECT max(consumed_at) FROM moved)' : 'NULL'} ${lazy ? 'FROM lazy' : ''}
           ${token ? 'WHERE EXISTS (SELECT 1 FROM live)' : ''}
           ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id, uid = EXCLUDED.uid,
             user_code = EXCLUDED.user_code, subject = EXCLUDED.subject, client_id = EXCLUDED.client_id, expires_at = EXCLUDED.expires_at
           RETURNING 1`,
          [...params.slice(0, 9), ...older, ...(replaced?.params ?? [])],
          // Prepared once per connection on PostgreSQL (one name per text).
          { name: named(token ? 'lightgate_oidc_upsert_token' : replaced ? named('lightgate_oidc_upsert_replacing', replaced.params.length) : lazy ? 'lightgate_oidc_upsert_lazy' : 'lightgate_oidc_upsert', older.length) },
        ));
      };
      const lazy = !token && !older.length && !replaced && commitsLazily(this.model);
      const rows = together !== undefined ? [together].filter(Boolean) : await sendLazily(db, lazy, send);
      if (!rows.length) throw new errors.InvalidClient('client authentication failed', 'the client is not active');
      rememberRow(this.model, rowId!, params[2] as string);
      writtenInDatabase(this.model, rowId!);
    }

    async find(id: string): Promise<Payload | undefined> {
      if (this.model === 'Client') {
        const stored = await guard(() => storedClientOf(id, clientsOf));
        // Kept to report a later database outage to the client's redirect URI (outage-redirect.ts).
        rememberRedirectUris(id, stored?.status === 'active' ? stored.client.redirect_uris : undefined);
        return stored && usableClient(stored) ? toProviderMetadata(stored) : undefined;
      }
      if (typeof id !== 'string' || !id) return undefined;
      const rowIds = this.rowIds(id, true);
      // Issue 18: a row this request already read or wrote (known-rows.ts; only the flow's interaction).
      const known = knownRow(this.model, rowIds[0]!);
      if (known !== undefined) return known ? { ...known, jti: id } : undefined;
      // A token request's code or refresh token may have come with its rate-limit count (request-read-along.ts).
      const ahead = WITH_GRANT.has(this.model) ? takeTokenAhead((Provider.ctx as { req?: object } | undefined)?.req, this.model, rowIds) : undefined;
      const payload = ahead !== undefined
        ? this.payloadOf(ahead ?? undefined)
        : WITH_GRANT.has(this.model)
        ? await guard(async () => this.payloadOf(await findWithGrant(db, this.model, rowIds)))
        : await this.findWhere(`id IN (${placeholders(2, rowIds.length)})${candidateOrder('id', 2, rowIds.length)} LIMIT 1`, rowIds, false, named('lightgate_oidc_find', rowIds.length));
      if (payload) rememberRow(this.model, rowIds[0]!, payload);
      return payload && { ...payload, jti: id };
    }

    /**
     * A session by its uid (sid). Its jti (the cookie value) is not stored: oidc-provider gives the instance a
     * random one, and only reads such sessions (interaction and session-binding checks), never saves them.
     */
    findByUid(uid: string) {
      return this.findWhere('uid = $2', [uid]);
    }

    /** A device code by its user code; its id (stored hashed) is given back as a reference (token-ids.ts). */
    async findByUserCode(userCode: string) {
      const found = await this.findWhere('user_code = ANY($2::text[])', [ids.candidates(userCode).map((hash) => `${USER_CODE_HASH}${hash}`)], true);
      // oidc-provider compares the code it looked for with the payload's: give back the one that matched the hash.
      return found && { ...found, userCode };
    }

    private async findWhere(condition: string, values: unknown[], withReference = false, name?: string): Promise<Payload | undefined> {
      const [row] = await guard(() =>
        db.query<{ id: string; payload: Payload; consumed_at: Date | null }>(
          // An expired device code is still found until the cleanup: RFC 8628's expired_token, not invalid_grant.
          `SELECT id, payload, consumed_at FROM oidc_payloads WHERE model = $1 AND (expires_at IS NULL OR expires_at > now() OR model = 'DeviceCode') AND ${condition}`,
          [this.model, ...values],
          name ? { name } : undefined,
        ),
      );
      return this.payloadOf(row, withReference);
    }

    private payloadOf(row: { id: string; payload: Payload; consumed_at: Date | null } | undefined, withReference = false): Payload | undefined {
      if (!row) return undefined;
      const payload = withReference ? { ...row.payload, jti: ids.reference(row.id) } : row.payload;
      return row.consumed_at ? { ...payload, consumed: Math.floor(row.consumed_at.getTime() / 1000) } : payload;
    }

    async consume(id: string): Promise<void> {
      const rowIds = this.rowIds(id, true);
      // Issue 18: in a token request, a code's or refresh token's spend goes in the statement that stores the new
      // tokens (held-token-writes.ts), which inserts them only if it spent it.
      if (holdSpend({ model: this.model, rowIds, alone: () => this.spend(rowIds), lost: () => this.lostRace(rowIds) })) return;
      await this.spend(rowIds);
    }

    private async spend(rowIds: string[]): Promise<void> {
      const spend = `UPDATE oidc_payloads SET consumed_at = now() WHERE model = $1 AND id IN (${placeholders(2, rowIds.length)}) AND consumed_at IS NULL RETURNING grant_id`;
      // Hydra: using a refresh token retires the access tokens issued before it (the new ones are saved after
      // this). In the spending statement (issue 18), so only a refresh token spent here retires anything.
      const refresh = this.model === 'RefreshToken';
      const rows = await guard(() =>
        db.query<{ grant_id: string | null }>(
          refresh
            ? `WITH spent AS (${spend}),
               ${RETIRED_CTE}
               SELECT grant_id FROM spent`
            : spend,
          [this.model, ...rowIds],
          { name: named(refresh ? 'lightgate_oidc_consume_refresh' : 'lightgate_oidc_consume', rowIds.length) },
        ),
      );
      if (rows.length === 0 && TOKEN_MODELS.includes(this.model)) await this.lostRace(rowIds);
    }

    /** Lost a race with a concurrent redemption: treat as replay (RFC 6749 section 4.1.2, RFC 9700 section 4.14). */
    private async lostRace(rowIds: string[]): Promise<never> {
      const [row] = await guard(() => db.query<{ grant_id: string | null }>('SELECT grant_id FROM oidc_payloads WHERE model = $1 AND id = ANY($2::text[])', [this.model, rowIds]));
      if (row?.grant_id) await guard(() => revokeGrant(db, row.grant_id!));
      throw new GrantAlreadyUsed();
    }

    async destroy(id: string): Promise<void> {
      const rowIds = this.rowIds(id);
      // Issue 18: a row this request's own statement deleted (the verifier leg's interaction), or one the next write deletes.
      if (!alreadyDeleted(this.model, rowIds[0]!) && !deferDelete(this.model, id, rowIds)) {
        await guard(() => db.query(`DELETE FROM oidc_payloads WHERE model = $1 AND id IN (${placeholders(2, rowIds.length)})`, [this.model, ...rowIds], { name: named('lightgate_oidc_destroy', rowIds.length) }));
      }
      rememberRow(this.model, rowIds[0]!, null);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await guard(() => db.query('DELETE FROM oidc_payloads WHERE model = $1 AND grant_id = $2', [this.model, grantId]));
    }
  };
}

/** Every token, code and the grant itself, for one grant id. */
export async function revokeGrant(db: Database, grantId: string): Promise<void> {
  await db.query(`DELETE FROM oidc_payloads WHERE grant_id = $1 OR (model = 'Grant' AND id = $1)`, [grantId]);
}

export async function deleteExpiredPayloads(db: Database): Promise<number> {
  const rows = await db.query(`DELETE FROM oidc_payloads WHERE expires_at < now() - interval '1 hour' RETURNING 1`);
  return rows.length;
}

type Sql = Pick<Queryable, 'query'>;

/** A row of Lightgate's own models (FlowVerifier, LogoutRequest), live for ttlSeconds. */
export async function insertPayload(db: Sql, row: { model: string; id: string; payload: unknown; subject?: string | null; clientId?: string | null; ttlSeconds: number }): Promise<void> {
  await db.query(`INSERT INTO oidc_payloads (model, id, payload, subject, client_id, expires_at) VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`, [
    row.model,
    row.id,
    JSON.stringify(row.payload),
    row.subject ?? null,
    row.clientId ?? null,
    row.ttlSeconds,
  ]);
}

export async function findLivePayload<T>(db: Sql, model: string, id: string): Promise<T | undefined> {
  const [row] = await db.query<{ payload: T }>('SELECT payload FROM oidc_payloads WHERE model = $1 AND id = $2 AND expires_at > now()', [model, id], { name: 'lightgate_oidc_find_live_payload' });
  return row?.payload;
}

/** Deletes the row and returns its payload when it was live: a second take finds nothing. */
export async function takePayload<T>(db: Sql, model: string, id: string): Promise<T | undefined> {
  const [row] = await db.query<{ payload: T; live: boolean }>('DELETE FROM oidc_payloads WHERE model = $1 AND id = $2 RETURNING payload, expires_at > now() AS live', [model, id]);
  return row?.live ? row.payload : undefined;
}

export async function deletePayload(db: Sql, model: string, id: string): Promise<void> {
  await db.query('DELETE FROM oidc_payloads WHERE model = $1 AND id = $2', [model, id]);
}

/** Hydra's DELETE /admin/oauth2/auth/sessions/login: every login session of the subject. */
export async function deleteLoginSessions(db: Sql, subject: string): Promise<void> {
  await db.query(`DELETE FROM oidc_payloads WHERE model = 'Session' AND subject = $1`, [subject]);
}

/** The client's tokens and codes (Hydra's DELETE /admin/oauth2/tokens), or every row of the client when deleted or suspended. */
export async function deleteClientPayloads(db: Sql, clientId: string, models?: readonly string[]): Promise<void> {
  if (models) await db.query(`DELETE FROM oidc_payloads WHERE client_id = $1 AND model = ANY($2::text[])`, [clientId, models]);
  else await db.query('DELETE FROM oidc_payloads WHERE client_id = $1', [clientId]);
}
