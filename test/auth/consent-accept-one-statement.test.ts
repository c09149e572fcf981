// Issue 18: accepting consent is one statement (the handled mark and the verifier holding the app's input, written only
// for a pending consent of a known client); the Grant and the consent session are made at the consent verifier leg, in
// the browser that started the flow. The defences stay: 404 and 410 as before, one verifier per challenge, a verifier
// shown by another browser or after the client went away makes nothing, and a budget (`write`) is still decided at the accept.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../../src/db/database.ts';
import { adminApi, createClient, relyingParty } from '../support/clients.ts';
import { DATABASE_KINDS, type TestDatabase } from '../support/databases.ts';
import { loggingDatabase } from '../support/statement-log.ts';
import { startWrappedAuthStack, type WrappedAuthStack } from '../support/wrapped-auth-stack.ts';
import { authorizationUrl, createBrowser, isCallback, jwtPayload, leave, param, runFlow, exchange } from '../support/tokens.ts';
import type { AuthTarget } from '../support/auth-target.ts';

type Answer = { status: number | undefined; to: string };

for (const kind of DATABASE_KINDS) {
  describe(`accepting consent in one statement (${kind})`, () => {
    const log: string[] = [];
    let running: WrappedAuthStack | undefined;
    let database: TestDatabase;
    let target: AuthTarget;
    before(async () => {
      running = await startWrappedAuthStack(kind, (db: Database) => loggingDatabase(db, log));
      ({ database, target } = running);
    });
    after(() => running?.close());

    /** A fresh client's flow up to its consent challenge, in browser `b`, for `subject`. */
    async function atConsent(subject: string, scope = 'openid offline_access read', over: Parameters<typeof createClient>[1] = {}, extra: Record<string, string> = {}) {
      const admin = adminApi(target);
      const client = await createClient(admin, over);
      const rp = await relyingParty(target, client);
      const b = createBrowser();
      const auth = await authorizationUrl(rp, scope, extra);
      const loginChallenge = param(await leave(b, target, auth.url), 'login_challenge');
      const login = await admin.acceptOAuth2LoginRequest({ loginChallenge, acceptOAuth2LoginRequest: { subject } });
      const consentChallenge = param(await leave(b, target, login.data.redirect_to), 'consent_challenge');
      const accept = (body: Record<string, unknown>, challenge = consentChallenge): Promise<Answer> =>
        admin.acceptOAuth2ConsentRequest({ consentChallenge: challenge, acceptOAuth2ConsentRequest: body as never }).then(
          (r) => ({ status: r.status, to: r.data.redirect_to }),
          (e: { response?: { status: number; data?: { redirect_to?: string } } }) => ({ status: e.response?.status, to: e.response?.data?.redirect_to ?? '' }),
        );
      return { admin, client, rp, b, auth, consentChallenge, accept };
    }
    const count = async (sql: string, subject: string) => (await database.db.query<{ n: number }>(sql, [subject]))[0]!.n;
    const grants = (subject: string) => count(`SELECT count(*)::int AS n FROM oidc_payloads WHERE model = 'Grant' AND subject = $1`, subject);
    const consents = (subject: string) => count('SELECT count(*)::int AS n FROM consent_sessions WHERE subject = $1', subject);
    /** Follows redirects while they stay on the authorization server (stops at the client's callback). */
    const stay = (u: URL) => u.origin === new URL(target.publicUrl).origin;

    test('one statement; the second accept is 410 with the first redirect (one statement, no verifier); an unknown challenge 404, nothing written', async () => {
      const subject = crypto.randomUUID();
      const flow = await atConsent(subject);
      log.length = 0;
      const first = await flow.accept({ grant_scope: ['openid', 'read'] });
      assert.equal(first.status, 200);
      assert.equal(log.splice(0).length, 1);
      assert.equal(new URL(first.to).pathname, `/oauth2/auth/${flow.consentChallenge}`);
      const again = await flow.accept({ grant_scope: ['openid', 'read'] });
      assert.equal(log.splice(0).length, 1);
      assert.equal(again.status, 410);
      assert.ok(again.to.startsWith(`${target.publicUrl}/oauth2/auth?`) && !again.to.includes('verifier'), again.to);
      // Nothing is made before the browser brings the verifier back.
      assert.deepEqual([await grants(subject), await consents(subject)], [0, 0]);
      const unknown = await flow.accept({ grant_scope: ['openid'] }, 'no-such-consent');
      assert.equal(unknown.status, 404);
      assert.equal(log.splice(0).length, 1);
      assert.equal((await database.db.query(`SELECT 1 FROM handled_challenges WHERE challenge = 'no-such-consent'`)).length, 0);
      assert.ok(isCallback(await leave(flow.b, target, first.to)));
      assert.deepEqual([await grants(subject), await consents(subject)], [1, 1]);
    });

    test('the leg makes what the accept would have: only requested scopes and audience, the session claims, remember', async () => {
      const subject = crypto.randomUUID();
      const flow = await atConsent(subject);
      const accepted = await flow.accept({ grant_scope: ['openid', 'read', 'offline_access', 'admin'], grant_access_token_audience: ['not-requested'], remember: true, remember_for: 600, session: { id_token: { name: 'Ada' }, access_token: { k: 'v' } } });
      assert.equal(accepted.status, 200);
      const callback = await leave(flow.b, target, accepted.to);
      assert.ok(isCallback(callback), callback.href);
      const [listed] = (await flow.admin.listOAuth2ConsentSessions({ subject })).data;
      assert.deepEqual(listed?.grant_scope, ['openid', 'read', 'offline_access']);
      assert.deepEqual(listed?.grant_access_token_audience, []);
      assert.equal(listed?.remember, true);
      assert.equal(listed?.remember_for, 600);
      assert.deepEqual(listed?.session?.access_token, { k: 'v' });
      assert.equal(listed?.consent_request?.client?.client_id, flow.client.client_id);
      assert.equal(listed?.consent_request?.skip, false);
      const tokens = await exchange(flow.rp, { auth: flow.auth, callback } as never);
      assert.equal(jwtPayload(tokens.id_token!).name, 'Ada');
      // Remembered: the next consent request for the same scopes skips.
      const next = await authorizationUrl(flow.rp);
      const lc = param(await leave(flow.b, target, next.url), 'login_challenge');
      const { data: login } = await flow.admin.acceptOAuth2LoginRequest({ loginChallenge: lc, acceptOAuth2LoginRequest: { subject } });
      const cc = param(await leave(flow.b, target, login.redirect_to), 'consent_challenge');
      assert.equal((await flow.admin.getOAuth2ConsentRequest({ consentChallenge: cc })).data.skip, true);
    });

    test('a verifier shown by another browser, or after its client went away or was suspended, makes no Grant, no consent session, no code', async () => {
      const other = crypto.randomUUID();
      const stolen = await atConsent(other);
      const taken = await stolen.accept({ grant_scope: ['openid', 'read'] });
      const elsewhere = await createBrowser().follow(taken.to, stay);
      assert.ok(!elsewhere.url.searchParams.get('code'), elsewhere.url.href);
      // The flow ended for everyone: the right browser gets no code either.
      const late = await stolen.b.follow(taken.to, stay);
      assert.ok(!late.url.searchParams.get('code'), late.url.href);
      assert.deepEqual([await grants(other), await consents(other)], [0, 0]);

      const gone = crypto.randomUUID();
      const deleted = await atConsent(gone);
      const answer = await deleted.accept({ grant_scope: ['openid', 'read'] });
      assert.equal(answer.status, 200);
      await deleted.admin.deleteOAuth2Client({ id: deleted.client.client_id });
      const after = await deleted.b.follow(answer.to, stay);
      assert.ok(!after.url.searchParams.get('code'), after.url.href);
      assert.deepEqual([await grants(gone), await consents(gone)], [0, 0]);

      const held = crypto.randomUUID();
      const suspended = await atConsent(held);
      const ok = await suspended.accept({ grant_scope: ['openid', 'read'] });
      const put = await fetch(`${target.adminUrl}/admin/clients/${encodeURIComponent(suspended.client.client_id)}/status`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'suspended' }) });
      assert.equal(put.status, 200);
      const refused = await suspended.b.follow(ok.to, stay);
      assert.ok(!refused.url.searchParams.get('code'), refused.url.href);
      assert.deepEqual([await grants(held), await consents(held)], [0, 0]);
    });

    test('a `write` grant or given grant_authorization_details take the accept that decides the budget (Grant and consent session written with the mark)', async () => {
      const subject = crypto.randomUUID();
      const flow = await atConsent(subject, 'openid read write', { scope: 'openid read write' });
      log.length = 0;
      const accepted = await flow.accept({ grant_scope: ['openid', 'read', 'write'] });
      assert.equal(accepted.status, 200);
      assert.ok(log.some((s) => /INSERT INTO consent_sessions/.test(s) && /INSERT INTO handled_challenges/.test(s)), log.join('\n'));
      assert.deepEqual([await grants(subject), await consents(subject)], [1, 1]);
      const given = await atConsent(crypto.randomUUID(), 'openid read write', { scope: 'openid read write' });
      const refused = await given.accept({ grant_scope: ['openid', 'read'], grant_authorization_details: 'not details' });
      assert.equal(refused.status, 400);
      // A runFlow still ends at the callback after such an accept.
      assert.ok(isCallback(await leave(flow.b, target, accepted.to)));
      await runFlow(createBrowser(), target, flow.admin, flow.rp, { subject, scope: 'openid read' });
    });

    test('two concurrent accepts of one consent: one verifier, one consent session', async () => {
      const subject = crypto.randomUUID();
      const flow = await atConsent(subject);
      const answers = await Promise.all([1, 2, 3].map(() => flow.accept({ grant_scope: ['openid', 'read'] })));
      assert.deepEqual(answers.map((a) => a.status).toSorted(), [200, 410, 410]);
      // The consent session and the Grant are made when the accepted verifier comes back in the flow's browser.
      assert.ok(isCallback(await leave(flow.b, target, answers.find((a) => a.status === 200)!.to)));
      const listed = await flow.admin.listOAuth2ConsentSessions({ subject });
      assert.equal(listed.data.length, 1, JSON.stringify(listed.data));
      // Only the accept that handled the challenge stored a Grant: the refused ones leave none behind.
      assert.equal(await grants(subject), 1);
    });

    test("concurrent accepts of one consent with different budgets: the budget recorded is the accepted one's", async () => {
      const detail = (amount: number) => ({ type: 'wallet_spend', limit: { amount, currency: 'BTC' }, period: 'P1D' });
      const subject = crypto.randomUUID();
      const flow = await atConsent(subject, 'openid read write', { scope: 'openid read write' }, { authorization_details: JSON.stringify([detail(1000)]) });
      const amounts = [100, 200, 300, 400];
      const answers = await Promise.all(amounts.map((amount) => flow.accept({ grant_scope: ['openid', 'read', 'write'], grant_authorization_details: [detail(amount)] })));
      const statuses = answers.map((a) => a.status);
      assert.deepEqual(statuses.toSorted(), [200, 410, 410, 410]);
      const [row] = await database.db.query<{ amount: string }>('SELECT amount::text FROM grant_budgets WHERE user_id = $1 AND client_id = $2', [subject, flow.client.client_id]);
      assert.equal(Number(row?.amount), amounts[statuses.indexOf(200)], 'the budget of the accept that handled the challenge');
    });

    test('a budget that cannot be recorded ends the flow: the accept is 503, a retry 410 without a verifier', async () => {
      const flow = await atConsent(crypto.randomUUID(), 'openid read write', { scope: 'openid read write' });
      const accept = () => flow.accept({ grant_scope: ['openid', 'read', 'write'] });
      await database.db.query('ALTER TABLE grant_budgets RENAME TO grant_budgets_away');
      let first;
      try {
        first = await accept();
      } finally {
        await database.db.query('ALTER TABLE grant_budgets_away RENAME TO grant_budgets');
      }
      assert.equal(first.status, 503);
      const again = await accept();
      assert.equal(again.status, 410);
      assert.ok(again.to && !again.to.includes('consent_verifier'), again.to);
    });
  });
}
