// Issue 18: the SQL statements of the sign-in steps before the token endpoint, counted at the Database port
// of a real stack on PGlite and PostgreSQL. What a step already holds is not read again, and the writes of
// one decision are one statement; the defences stay (the handled challenge and the single-use verifier are
// still rows, written together: a challenge handled twice still answers 410 with no second verifier).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../../src/db/database.ts';
import { writeRows } from '../../src/auth/oidc/held-row-writes.ts';
import { adminApi, createClient, relyingParty } from '../support/clients.ts';
import type { AuthTarget } from '../support/auth-target.ts';
import { DATABASE_KINDS, type TestDatabase } from '../support/databases.ts';
import { startWrappedAuthStack, type WrappedAuthStack } from '../support/wrapped-auth-stack.ts';
import { authorizationUrl, createBrowser, exchange, isCallback, jwtPayload, leave, param, runFlow, tokenRequest } from '../support/tokens.ts';

type Sent = { sql: string; params: readonly unknown[] };

/** Every statement sent outside transactions (the flow's steps use none). */
function counting(db: Database, log: Sent[]): Database {
  return Object.assign(Object.create(db) as Database, {
    query: ((sql, params, options) => {
      log.push({ sql, params: params ?? [] });
      return db.query(sql, params, options);
    }) satisfies Database['query'],
  });
}

const readsInteraction = (s: Sent) => (/^\s*SELECT/.test(s.sql) && /FROM oidc_payloads/.test(s.sql) && s.params[0] === 'Interaction') || /model = 'Interaction'/.test(s.sql);
/** A statement of its own deleting a row of `model` (oidc-provider's destroy() as the adapter sends it). */
const deletesAlone = (model: string) => (s: Sent) => /^\s*DELETE FROM oidc_payloads WHERE model = \$1/.test(s.sql) && s.params[0] === model;
/** An INSERT of a row of `model`: the adapter's own (model first) or several rows at once (an array of models). */
const writesRow = (s: Sent, model: string) => /INSERT INTO oidc_payloads/.test(s.sql) && s.params.some((p, i) => (i === 0 && p === model) || (Array.isArray(p) && p.includes(model)));
const writesInteraction = (s: Sent) => writesRow(s, 'Interaction');
/** The consent challenge of authorization request `auth` in browser `b`, its login accepted for `subject`. */
async function consentChallengeFor(target: AuthTarget, admin: ReturnType<typeof adminApi>, auth: { url: URL | string }, b: ReturnType<typeof createBrowser>, subject: string): Promise<string> {
  const loginChallenge = param(await leave(b, target, auth.url), 'login_challenge');
  const login = await admin.acceptOAuth2LoginRequest({ loginChallenge, acceptOAuth2LoginRequest: { subject } });
  return param(await leave(b, target, login.data.redirect_to), 'consent_challenge');
}

/** A statement of the step itself (not the signing keys' periodic refresh, which may fall in any step). */
const ofStep = (log: Sent[]) => log.filter((s) => !/signing_keys/.test(s.sql));
/** A new browser's authorization request with its login accepted for `subject` (not yet followed). */
async function acceptedLogin(target: AuthTarget, subject: string) {
  const admin = adminApi(target);
  const b = createBrowser();
  const auth = await authorizationUrl(await relyingParty(target, await createClient(admin)));
  const loginChallenge = param(await leave(b, target, auth.url), 'login_challenge');
  const login = await admin.acceptOAuth2LoginRequest({ loginChallenge, acceptOAuth2LoginRequest: { subject } });
  return { admin, b, loginChallenge, login };
}

const show = (log: Sent[]) => log.map((s) => `${s.sql.replace(/\s+/g, ' ').slice(0, 160)} ${JSON.stringify(s.params.slice(0, 1))}`).join('\n');

for (const kind of DATABASE_KINDS) {
  describe(`sign-in step round trips (${kind})`, () => {
    const log: Sent[] = [];
    let running: WrappedAuthStack | undefined;
    let database: TestDatabase;
    let target: AuthTarget;
    before(async () => {
      running = await startWrappedAuthStack(kind, (db) => counting(db, log));
      ({ database, target } = running);
    });
    after(() => running?.close());

    test('accepting a login is one statement (the handled mark and the verifier, written only for a pending login); accepting it again is 410 with the first redirect and no verifier', async () => {
      const admin = adminApi(target);
      const client = await createClient(admin);
      const b = createBrowser();
      const auth = await authorizationUrl(await relyingParty(target, client));
      const loginChallenge = param(await leave(b, target, auth.url), 'login_challenge');
      log.length = 0;
      const accepted = await admin.acceptOAuth2LoginRequest({ loginChallenge, acceptOAuth2LoginRequest: { subject: 'steps-1' } });
      const atAccept = log.splice(0);
      assert.equal(atAccept.length, 1, show(atAccept));
      assert.ok(atAccept.some((s) => /handled_challenges/.test(s.sql) && /INSERT INTO oidc_payloads/.test(s.sql)), `the challenge is marked handled in the verifier's statement:\n${show(atAccept)}`);
      const again = await admin.acceptOAuth2LoginRequest({ loginChallenge, acceptOAuth2LoginRequest: { subject: 'steps-1' } }).then(
        () => assert.fail('a second accept must be refused'),
        (e: { response?: { status: number; data: { redirect_to?: string } } }) => e.response!,
      );
      assert.equal(again.status, 410);
      assert.ok(again.data.redirect_to && !again.data.redirect_to.includes('verifier'), again.data.redirect_to);
      assert.ok(again.data.redirect_to.startsWith(`${target.publicUrl}/oauth2/auth?`) && again.data.redirect_to.includes(`client_id=${client.client_id}`), `the 410 names the authorization request: ${again.data.redirect_to}`);
      // The accept sends the browser straight to the flow's own path (its resume cookie's), not through a lookup hop.
      assert.equal(new URL(accepted.data.redirect_to).pathname, `/oauth2/auth/${loginChallenge}`);
      assert.equal(new URL(accepted.data.redirect_to).searchParams.get('client_id'), client.client_id, 'with the request\'s parameters');
      // The first verifier still works, once.
      const atConsent = await leave(b, target, accepted.data.redirect_to);
      assert.equal(atConsent.origin + atConsent.pathname, target.consentUrl);
    });

    test('the one-statement login accept writes nothing for a challenge that is not a pending login; prompt=login takes the two-statement path', async () => {
      const admin = adminApi(target);
      const client = await createClient(admin);
      const rp = await relyingParty(target, client);
      const status = (p: Promise<unknown>) => p.then(() => 200, (e: { response?: { status: number } }) => e.response?.status);
      const marked = async (challenge: string) => (await database.db.query('SELECT 1 FROM handled_challenges WHERE challenge = $1', [challenge])).length;
      // A consent challenge is no login request: 404, no mark, and its consent is still accepted.
      const consentChallenge = await consentChallengeFor(target, admin, await authorizationUrl(rp), createBrowser(), 'steps-once-1');
      assert.equal(await status(admin.acceptOAuth2LoginRequest({ loginChallenge: consentChallenge, acceptOAuth2LoginRequest: { subject: 'steps-once-1' } })), 404);
      assert.equal(await marked(consentChallenge), 0);
      assert.equal(await status(admin.acceptOAuth2ConsentRequest({ consentChallenge, acceptOAuth2ConsentRequest: { grant_scope: ['openid'] } })), 200);
      assert.equal(await status(admin.acceptOAuth2LoginRequest({ loginChallenge: 'no-such-challenge', acceptOAuth2LoginRequest: { subject: 'x' } })), 404);
      assert.equal(await marked('no-such-challenge'), 0);
      // prompt=login: the request URL is rebuilt in JavaScript, so the route reads, then writes; the flow goes on.
      const b = createBrowser();
      const loginChallenge = param(await leave(b, target, (await authorizationUrl(rp, 'openid read', { prompt: 'login' })).url), 'login_challenge');
      log.length = 0;
      const accepted = await admin.acceptOAuth2LoginRequest({ loginChallenge, acceptOAuth2LoginRequest: { subject: 'steps-once-2' } });
      assert.equal(log.splice(0).length, 2);
      assert.equal(new URL(accepted.data.redirect_to).pathname, `/oauth2/auth/${loginChallenge}`);
      assert.equal(new URL(accepted.data.redirect_to).searchParams.get('prompt'), 'login');
      assert.equal((await leave(b, target, accepted.data.redirect_to)).searchParams.has('consent_challenge'), true);
    });

    test("Hydra's form of the verifier URL (/oauth2/auth?…&login_verifier=) still works: looked up, then sent to the flow's path", async () => {
      const { b, loginChallenge, login } = await acceptedLogin(target, 'steps-hydra-form');
      const hydraForm = login.data.redirect_to.replace(`/oauth2/auth/${loginChallenge}?`, '/oauth2/auth?');
      assert.notEqual(hydraForm, login.data.redirect_to);
      const atConsent = await leave(b, target, hydraForm);
      assert.equal(atConsent.origin + atConsent.pathname, target.consentUrl);
      // Used up: the same URL again ends at the client with access_denied, no code.
      const again = await leave(b, target, hydraForm);
      assert.ok(isCallback(again) && again.searchParams.get('error') === 'access_denied' && !again.searchParams.get('code'), again.href);
    });

    test('each verifier leg reads its interaction with its verifier and writes no result; accepting consent reads the challenge with its interaction', async () => {
      const { admin, b, login } = await acceptedLogin(target, 'steps-2');
      log.length = 0;
      const atConsent = await leave(b, target, login.data.redirect_to);
      const loginLeg = log.splice(0);
      // One request: the verifier is taken (read and deleted) once, never looked up first.
      const readsVerifier = (s: Sent) => s.params[0] === 'FlowVerifier';
      assert.equal(loginLeg.filter(readsVerifier).length, 1, show(loginLeg));
      assert.equal(ofStep(loginLeg).length, 3, show(loginLeg));
      assert.equal(loginLeg.filter(readsInteraction).length, 1, show(loginLeg));
      // The interaction is deleted in the verifier's statement: oidc-provider's destroy() of it sends nothing.
      assert.ok(loginLeg.some((s) => readsVerifier(s) && /DELETE FROM oidc_payloads i/.test(s.sql) && /model = 'Interaction'/.test(s.sql)), `taken with its interaction:\n${show(loginLeg)}`);
      assert.equal(loginLeg.filter(deletesAlone('Interaction')).length, 0, show(loginLeg));
      // Only the consent prompt's new interaction is written: the login result goes to oidc-provider in memory.
      // It is written in the session's statement (held-row-writes.ts).
      assert.equal(loginLeg.filter(writesInteraction).length, 1, show(loginLeg));
      assert.ok(loginLeg.some((s) => writesInteraction(s) && writesRow(s, 'Session')), show(loginLeg));
      const readsClient = (s: Sent) => /^\s*SELECT \* FROM oauth2_clients/.test(s.sql);
      assert.equal(loginLeg.filter(readsClient).length, 0, `the client comes with the verifier's statement:\n${show(loginLeg)}`);
      const consentChallenge = param(atConsent, 'consent_challenge');
      const consent = await admin.acceptOAuth2ConsentRequest({ consentChallenge, acceptOAuth2ConsentRequest: { grant_scope: ['openid', 'offline_access', 'read'] } });
      const atAccept = log.splice(0);
      // One statement: the handled mark and the verifier (the app's input), only for a pending consent of a known client.
      assert.equal(atAccept.length, 1, show(atAccept));
      assert.ok(/INSERT INTO handled_challenges/.test(atAccept[0]!.sql) && /INSERT INTO oidc_payloads/.test(atAccept[0]!.sql) && /model = 'Interaction'/.test(atAccept[0]!.sql), show(atAccept));
      assert.ok(/FROM oauth2_clients/.test(atAccept[0]!.sql), `the client is checked in it:\n${show(atAccept)}`);
      // The Grant and the consent session are made at the verifier leg, in the browser that started the flow.
      assert.ok(!/consent_sessions/.test(atAccept[0]!.sql) && !atAccept[0]!.params.includes('Grant'), show(atAccept));
      const callback = await leave(b, target, consent.data.redirect_to);
      const consentLeg = log.splice(0);
      assert.ok(isCallback(callback), callback.href);
      assert.equal(consentLeg.filter(readsVerifier).length, 1, show(consentLeg));
      assert.equal(ofStep(consentLeg).length, 3, show(consentLeg));
      // The code is written in the session's statement, still only while its client is active (FOR SHARE), with the
      // consent's Grant and consent session, made here from the accept's input.
      assert.ok(consentLeg.some((s) => writesRow(s, 'AuthorizationCode') && writesRow(s, 'Session') && /FOR SHARE/.test(s.sql)), show(consentLeg));
      assert.ok(consentLeg.some((s) => writesRow(s, 'Grant') && writesRow(s, 'AuthorizationCode') && /INSERT INTO consent_sessions/.test(s.sql)), show(consentLeg));
      assert.equal(consentLeg.filter(readsInteraction).length, 1, show(consentLeg));
      assert.equal(consentLeg.filter(deletesAlone('Interaction')).length, 0, show(consentLeg));
      // The browser's session (its cookie from the login leg) is read with the verifier, not on its own,
      // and its old row (oidc-provider gives the session a new id) is deleted in the statement writing the new one.
      assert.ok(consentLeg.some((s) => readsVerifier(s) && /model = 'Session'/.test(s.sql)), show(consentLeg));
      assert.equal(consentLeg.filter((s) => /^\s*SELECT/.test(s.sql) && s.params[0] === 'Session').length, 0, show(consentLeg));
      assert.equal(consentLeg.filter(deletesAlone('Session')).length, 0, show(consentLeg));
      assert.ok(consentLeg.some((s) => /DELETE FROM oidc_payloads/.test(s.sql) && writesRow(s, 'Session')), show(consentLeg));
      assert.equal(consentLeg.filter(writesInteraction).length, 0, show(consentLeg));
      assert.equal(consentLeg.filter(readsClient).length, 0, show(consentLeg));
      // The Grant made here is not read back.
      assert.equal(consentLeg.filter((s) => /^\s*SELECT/.test(s.sql) && s.params[0] === 'Grant').length, 0, show(consentLeg));
      // Replaying the consent verifier yields no second code.
      const replay = await leave(createBrowser(), target, consent.data.redirect_to).catch(() => undefined);
      assert.ok(!replay || !replay.searchParams.get('code'), replay?.href);
    });

    test("a code carried by the session's statement is stored only while its client is active; the session row is written either way", async () => {
      const admin = adminApi(target);
      const client = await createClient(admin);
      const suspend = (status: string) => fetch(`${target.adminUrl}/admin/clients/${encodeURIComponent(client.client_id)}/status`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status }) });
      const rows = (code: string, session: string) => [
        { row: ['AuthorizationCode', code, '{}', null, null, null, 'held-1', client.client_id, 60] as const, token: true },
        { row: ['Session', session, '{}', null, null, null, 'held-1', null, 60] as const, token: false },
      ];
      const stored = async (id: string) => (await database.db.query('SELECT 1 FROM oidc_payloads WHERE id = $1', [id])).length;
      assert.equal(await writeRows(database.db, rows('held-code-a', 'held-session-a')), true);
      assert.deepEqual([await stored('held-code-a'), await stored('held-session-a')], [1, 1]);
      assert.equal((await suspend('suspended')).status, 200);
      assert.equal(await writeRows(database.db, rows('held-code-b', 'held-session-b')), false);
      assert.deepEqual([await stored('held-code-b'), await stored('held-session-b')], [0, 1]);
    });

    test('a remembered consent is found with the challenge: the next consent request skips, read in one statement', async () => {
      const admin = adminApi(target);
      const client = await createClient(admin);
      const rp = await relyingParty(target, client);
      await runFlow(createBrowser(), target, admin, rp, { subject: 'steps-7', remember: true, scope: 'openid read' });
      const b = createBrowser();
      const asked = async (scope: string) => {
        const consentChallenge = await consentChallengeFor(target, admin, await authorizationUrl(rp, scope), b, 'steps-7');
        log.length = 0;
        const { data } = await admin.getOAuth2ConsentRequest({ consentChallenge });
        return { skip: data.skip, statements: log.splice(0) };
      };
      const same = await asked('openid read');
      assert.equal(same.skip, true);
      assert.equal(same.statements.length, 1, show(same.statements));
      // More than was remembered: no skip.
      assert.equal((await asked('openid read offline_access')).skip, false);
    });

    test('a client suspended between the accept and the verifier leg ends the flow there', async () => {
      const admin = adminApi(target);
      const client = await createClient(admin);
      const b = createBrowser();
      const auth = await authorizationUrl(await relyingParty(target, client));
      const loginChallenge = param(await leave(b, target, auth.url), 'login_challenge');
      const login = await admin.acceptOAuth2LoginRequest({ loginChallenge, acceptOAuth2LoginRequest: { subject: 'steps-6' } });
      const suspended = await fetch(`${target.adminUrl}/admin/clients/${encodeURIComponent(client.client_id)}/status`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'suspended' }) });
      assert.equal(suspended.status, 200, await suspended.text());
      const after = await b.follow(login.data.redirect_to, (u) => u.origin === new URL(target.publicUrl).origin);
      assert.ok(!after.url.searchParams.get('consent_challenge') && !after.url.searchParams.get('code'), after.url.href);
    });

    test('a login for another subject than the browser\'s session goes through oidc-provider\'s logout confirmation, then resumes', async () => {
      // The resume keeps the interaction here (it saves it with the result) and the flow goes on after the
      // confirmation at /oauth2/auth/<uid> without a verifier: the one path where a stored result is read.
      const admin = adminApi(target);
      const client = await createClient(admin);
      const rp = await relyingParty(target, client);
      const b = createBrowser();
      await runFlow(b, target, admin, rp, { subject: 'steps-a', remember: true });
      const auth = await authorizationUrl(rp, 'openid offline_access read', { prompt: 'login' });
      const loginChallenge = param(await leave(b, target, auth.url), 'login_challenge');
      const login = await admin.acceptOAuth2LoginRequest({ loginChallenge, acceptOAuth2LoginRequest: { subject: 'steps-b' } });
      const stay = (u: URL) => u.origin === new URL(target.publicUrl).origin;
      const form = (await b.follow(login.data.redirect_to, stay)).response!.body;
      const action = /action="([^"]+)"/.exec(form)?.[1] ?? '';
      assert.ok(action.endsWith('/oauth2/sessions/logout/confirm'), form);
      const fields = Object.fromEntries([...form.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
      const confirmed = await b.fetch(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
      const atConsent = await b.follow(new URL(confirmed.headers.get('location')!, action), stay);
      const consent = await admin.getOAuth2ConsentRequest({ consentChallenge: param(atConsent.url, 'consent_challenge') });
      assert.equal(consent.data.subject, 'steps-b');
      // Without the flow's cookie, the same address finishes nothing.
      const stranger = await createBrowser().follow(new URL(confirmed.headers.get('location')!, action), stay);
      assert.ok(!stranger.url.searchParams.get('consent_challenge'), stranger.url.href);
    });

    test('a code exchange and a refresh read the grant and the consent\'s ID token claims with their token', async () => {
      const admin = adminApi(target);
      const client = await createClient(admin);
      const rp = await relyingParty(target, client);
      const flow = await runFlow(createBrowser(), target, admin, rp, { subject: 'steps-4', session: { id_token: { email: 'steps-4@example.com' } } });
      log.length = 0;
      const exchanged = await exchange(rp, flow);
      const atExchange = log.splice(0);
      assert.equal(exchanged.claims()!.email, 'steps-4@example.com');
      const refreshed = await tokenRequest(target, client, { grant_type: 'refresh_token', refresh_token: exchanged.refresh_token! });
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      const atRefresh = log.splice(0);
      assert.equal(jwtPayload(refreshed.body.id_token!).email, 'steps-4@example.com');
      for (const [what, sent] of [['code exchange', atExchange], ['refresh', atRefresh]] as const) {
        const separate = sent.filter((s) => (/^\s*SELECT/.test(s.sql) && s.params[0] === 'Grant') || /^\s*SELECT session_claims/.test(s.sql));
        assert.deepEqual(separate, [], `${what}: no separate read of the grant or the claims:\n${show(sent)}`);
        // With the token: in its rate-limit count (request-read-along.ts), or in grant-prefetch.ts's read.
        assert.ok(sent.some((s) => /(JOIN|FROM) consent_sessions cs/.test(s.sql) && /model = 'Grant'/.test(s.sql)), `${what}:\n${show(sent)}`);
      }
      // A revoked consent's grant is gone: the refresh token no longer works (the read does not outlive a request).
      await admin.revokeOAuth2ConsentSessions({ subject: 'steps-4', client: client.client_id });
      const afterRevoke = await tokenRequest(target, client, { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token! });
      assert.equal(afterRevoke.status, 400, JSON.stringify(afterRevoke.body));
    });

    test('a refresh spends its token and retires the older access tokens in one statement', async () => {
      const admin = adminApi(target);
      const client = await createClient(admin);
      const rp = await relyingParty(target, client);
      const flow = await runFlow(createBrowser(), target, admin, rp, { subject: 'steps-3' });
      const exchanged = await exchange(rp, flow);
      log.length = 0;
      const refreshed = await tokenRequest(target, client, { grant_type: 'refresh_token', refresh_token: exchanged.refresh_token! });
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      const atRefresh = log.splice(0);
      assert.ok(!atRefresh.some((s) => /^\s*DELETE FROM oidc_payloads WHERE model = 'AccessToken'/.test(s.sql)), show(atRefresh));
      // The old access token is retired, the new one is active.
      const old = await admin.introspectOAuth2Token({ token: exchanged.access_token! });
      assert.equal(old.data.active, false);
      const fresh = await admin.introspectOAuth2Token({ token: refreshed.body.access_token! });
      assert.equal(fresh.data.active, true);
    });
  });
}
