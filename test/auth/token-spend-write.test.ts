// Issue 18: a code exchange or a refresh spends its code or refresh token in the statement that stores the new
// tokens (held-token-writes.ts): one round trip fewer, and the tokens are stored only if that statement spent
// it. Counted at the Database port of a real stack on PGlite and PostgreSQL; races forced with a hook that
// holds each request just before its write statement until the other one has reached its own.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Queryable } from '../../src/db/database.ts';
import { GrantAlreadyUsed } from '../../src/auth/oidc/error-map.ts';
import { flushHeldTokenWrite, holdSpend, writeWithHeld, type TokenParams } from '../../src/auth/oidc/held-token-writes.ts';
import { adminApi, createClient, relyingParty, type TestClient } from '../support/clients.ts';
import type { AuthTarget } from '../support/auth-target.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { loggingDatabase, type StatementHooks } from '../support/statement-log.ts';
import { startWrappedAuthStack, type WrappedAuthStack } from '../support/wrapped-auth-stack.ts';
import { createBrowser, introspect, runFlow, tokenRequest, type CompletedFlow } from '../support/tokens.ts';



const spends = (sql: string) => /SET consumed_at = now\(\)/.test(sql);
const writesTokens = (sql: string) => /INSERT INTO oidc_payloads/.test(sql) && /FOR SHARE/.test(sql);
const REUSED = 'The authorization code or refresh token has already been used.';

for (const kind of DATABASE_KINDS) {
  describe(`a token request's spend in its token write (${kind})`, () => {
    const log: string[] = [];
    const hooks: StatementHooks = {};
    let running: WrappedAuthStack | undefined;
    let target: AuthTarget;
    before(async () => {
      running = await startWrappedAuthStack(kind, (db) => loggingDatabase(db, log, hooks));
      ({ target } = running);
    });
    after(() => running?.close());

    const admin = () => adminApi(target);
    const db = () => running!.database.db;
    const signIn = async (subject: string, scope?: string) => {
      const client = await createClient(admin());
      const flow = await runFlow(createBrowser(), target, admin(), await relyingParty(target, client), { subject, ...(scope ? { scope } : {}) });
      return { client, flow };
    };
    const redeem = (client: TestClient, flow: CompletedFlow) =>
      tokenRequest(target, client, { grant_type: 'authorization_code', code: flow.callback.searchParams.get('code')!, redirect_uri: client.redirect_uris![0]!, code_verifier: flow.auth.codeVerifier });
    const refresh = (client: TestClient, token: string) => tokenRequest(target, client, { grant_type: 'refresh_token', refresh_token: token });
    const tokensOf = async (client: TestClient) =>
      (await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM oidc_payloads WHERE client_id = $1 AND model IN ('AccessToken', 'RefreshToken')`, [client.client_id]))[0]!.n;
    const active = async (token: string) => (await introspect(admin(), token)).active;
    /** Until both requests have reached their spending write, each waits before sending it. */
    const bothAtTheWrite = () => {
      let arrived = 0;
      let release!: () => void;
      const together = new Promise<void>((r) => (release = r));
      hooks.statement = async (sql) => {
        if (!writesTokens(sql) || !spends(sql)) return;
        if (++arrived === 2) {
          hooks.statement = undefined;
          release();
        }
        await together;
      };
    };

    /** The one statement that spends, and it is the one that stores the tokens. */
    const assertSpentInTheWrite = (what: string, statements: string[]) => {
      assert.deepEqual(statements.filter((s) => s === 'BEGIN'), [], what);
      const spending = statements.filter(spends);
      assert.equal(spending.length, 1, `${what}:\n${statements.join('\n')}`);
      assert.ok(writesTokens(spending[0]!), `${what}: the spend is in the token write:\n${spending[0]}`);
      assert.equal(statements.filter((s) => /INSERT INTO oidc_payloads/.test(s)).length, 1, `${what}:\n${statements.join('\n')}`);
    };

    test('a code exchange (with and without a refresh token) and a refresh spend in the statement that stores the tokens', async () => {
      const { client, flow } = await signIn('spend-1');
      log.length = 0;
      const exchanged = await redeem(client, flow);
      assert.equal(exchanged.status, 200, JSON.stringify(exchanged.body));
      assertSpentInTheWrite('code exchange', log.splice(0));
      const refreshed = await refresh(client, exchanged.body.refresh_token!);
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      assertSpentInTheWrite('refresh', log.splice(0));
      // The refresh retired the older access token in that statement, not the one it stored (same snapshot).
      assert.equal(await active(exchanged.body.access_token!), false);
      assert.equal(await active(refreshed.body.access_token!), true);
      assert.equal(await active(refreshed.body.refresh_token!), true);
      assert.equal((await refresh(client, refreshed.body.refresh_token!)).status, 200);

      const alone = await signIn('spend-2', 'openid read');
      log.length = 0;
      const one = await redeem(alone.client, alone.flow);
      assert.equal(one.status, 200, JSON.stringify(one.body));
      assert.equal(one.body.refresh_token, undefined);
      assertSpentInTheWrite('code exchange without a refresh token', log.splice(0));
      assert.equal(await active(one.body.access_token!), true);
    });

    test('a code redeemed twice at once: one 200, one invalid_grant, and the grant revoked', async () => {
      const { client, flow } = await signIn('spend-race-code');
      bothAtTheWrite();
      const answers = await Promise.all([redeem(client, flow), redeem(client, flow)]);
      hooks.statement = undefined;
      const won = answers.filter((a) => a.status === 200);
      const lost = answers.filter((a) => a.status !== 200);
      assert.equal(won.length, 1, JSON.stringify(answers));
      assert.equal(lost[0]!.status, 400);
      assert.equal(lost[0]!.body.error, 'invalid_grant');
      assert.equal(lost[0]!.body.error_description, REUSED);
      // RFC 9700 section 4.14: the winner's tokens go with the grant.
      assert.equal(await active(won[0]!.body.access_token!), false);
      assert.equal((await refresh(client, won[0]!.body.refresh_token!)).body.error, 'invalid_grant');
      assert.equal(await tokensOf(client), 0);
    });

    test('a refresh token redeemed twice at once: one 200, one invalid_grant, and the grant revoked', async () => {
      const { client, flow } = await signIn('spend-race-refresh');
      const exchanged = await redeem(client, flow);
      bothAtTheWrite();
      const answers = await Promise.all([refresh(client, exchanged.body.refresh_token!), refresh(client, exchanged.body.refresh_token!)]);
      hooks.statement = undefined;
      const won = answers.filter((a) => a.status === 200);
      const lost = answers.filter((a) => a.status !== 200);
      assert.equal(won.length, 1, JSON.stringify(answers));
      assert.equal(lost[0]!.body.error, 'invalid_grant');
      assert.equal(lost[0]!.body.error_description, REUSED);
      assert.equal(await active(won[0]!.body.access_token!), false);
      assert.equal(await tokensOf(client), 0);
    });

    test('a replay after a successful redemption is invalid_grant and revokes the grant', async () => {
      const { client, flow } = await signIn('spend-replay');
      const exchanged = await redeem(client, flow);
      const replayed = await redeem(client, flow);
      assert.equal(replayed.status, 400);
      assert.equal(replayed.body.error, 'invalid_grant');
      assert.equal(await active(exchanged.body.access_token!), false);
      const again = await signIn('spend-replay-refresh');
      const first = await redeem(again.client, again.flow);
      assert.equal((await refresh(again.client, first.body.refresh_token!)).status, 200);
      assert.equal((await refresh(again.client, first.body.refresh_token!)).body.error, 'invalid_grant');
      assert.equal(await tokensOf(again.client), 0);
    });

    test('a client suspended just before the write: invalid_client, no token stored, the code or refresh token spent', async () => {
      const suspendAtTheWrite = (client: TestClient) => {
        hooks.statement = async (sql) => {
          if (!writesTokens(sql)) return;
          hooks.statement = undefined;
          await db().query(`UPDATE oauth2_clients SET status = 'suspended' WHERE client_id = $1`, [client.client_id]);
        };
      };
      const spent = async (model: string, client: TestClient) =>
        (await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM oidc_payloads WHERE model = $1 AND client_id = $2 AND consumed_at IS NOT NULL`, [model, client.client_id]))[0]!.n;

      const { client, flow } = await signIn('spend-suspended-code');
      suspendAtTheWrite(client);
      const refused = await redeem(client, flow);
      hooks.statement = undefined;
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.equal(refused.body.error, 'invalid_client');
      assert.equal(await tokensOf(client), 0);
      assert.equal(await spent('AuthorizationCode', client), 1);

      const other = await signIn('spend-suspended-refresh');
      const exchanged = await redeem(other.client, other.flow);
      suspendAtTheWrite(other.client);
      const refusedRefresh = await refresh(other.client, exchanged.body.refresh_token!);
      hooks.statement = undefined;
      assert.equal(refusedRefresh.body.error, 'invalid_client');
      // Only the spent refresh token is left; the older access token was retired with the spend.
      assert.equal(await spent('RefreshToken', other.client), 1);
      assert.equal(await tokensOf(other.client), 1);
    });
  });
}

describe('a held spend in a token request (held-token-writes.ts)', () => {
  const noDb = { query: () => Promise.reject(new Error('no statement expected')) } as unknown as Pick<Queryable, 'query'>;
  const spendOf = (calls: string[], model = 'AuthorizationCode') => ({
    model,
    rowIds: ['row'],
    alone: async () => void calls.push('alone'),
    lost: async (): Promise<never> => {
      calls.push('lost');
      throw new GrantAlreadyUsed();
    },
  });

  test('a 200 whose spend is still held after the route spends it before the response; an error response spends nothing', async () => {
    for (const status of [200, 400]) {
      const calls: string[] = [];
      const ctx = { status, body: {} as unknown };
      await flushHeldTokenWrite(noDb, ctx, async () => assert.equal(holdSpend(spendOf(calls), 'authorization_code'), true));
      assert.deepEqual(calls, status === 200 ? ['alone'] : []);
    }
  });

  test('a spend lost after the route answers invalid_grant', async () => {
    const ctx = { status: 200, body: {} as unknown };
    await flushHeldTokenWrite(noDb, ctx, async () => {
      holdSpend({ ...spendOf([]), alone: () => Promise.reject(new GrantAlreadyUsed()) }, 'authorization_code');
    });
    assert.equal(ctx.status, 400);
    assert.equal((ctx.body as { error: string }).error, 'invalid_grant');
  });

  test('a token write that did not spend stores nothing and calls lost(); only a code or refresh token of its own grant type is held', async () => {
    const calls: string[] = [];
    const sent: string[] = [];
    const db = { query: async (sql: string) => (sent.push(sql), [{ spent: 0, written: 0 }]) } as unknown as Pick<Queryable, 'query'>;
    const params: TokenParams = ['AccessToken', 'at', '{}', 'grant', null, null, 'subject', 'client', 60, []];
    await flushHeldTokenWrite(noDb, { status: 200, body: {} }, async () => {
      assert.equal(holdSpend(spendOf(calls, 'DeviceCode'), 'urn:ietf:params:oauth:grant-type:device_code'), false);
      assert.equal(holdSpend(spendOf(calls, 'RefreshToken'), 'authorization_code'), false);
      assert.equal(holdSpend(spendOf(calls), 'authorization_code'), true);
      await assert.rejects(writeWithHeld(db, params), GrantAlreadyUsed);
    });
    assert.deepEqual(calls, ['lost']);
    assert.equal(sent.length, 1);
    assert.match(sent[0]!, /spent AS \(UPDATE oidc_payloads SET consumed_at = now\(\) WHERE model = 'AuthorizationCode'/);
    // Outside a token request nothing is held.
    assert.equal(holdSpend(spendOf(calls), 'authorization_code'), false);
  });
});
