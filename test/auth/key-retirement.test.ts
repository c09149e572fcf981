// Issue 19 #16: `lightgate keys retire`. A retired key stays in the JWKS while tokens it signed may live
// (short TTLs here), then running servers unpublish it; the current signing key is never retired.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import * as jose from 'jose';
import { runKeysCommand } from '../../src/cli/commands/keys.ts';
import { adminApi, createClient, relyingParty } from '../support/clients.ts';
import { createBrowser, exchange, oidc, runFlow } from '../support/tokens.ts';
import { UNREACHABLE_UI, type AuthTarget } from '../support/auth-target.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const TTL = 3; // seconds, ID and access tokens
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `lightgate keys …`: a real child process on PostgreSQL; the same command in process on PGlite (in-memory database). */
function keysCommand(t: TestStack): (args: string[]) => Promise<Run> {
  if (t.database.url) {
    return async (args) => {
      // Asynchronous: the other engine's run shares this event loop.
      const env = { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: t.database.url!, LIGHTGATE_DATA_DIR: t.dataDir, TTL_ID_TOKEN: `${TTL}s`, TTL_ACCESS_TOKEN: `${TTL}s` };
      return new Promise((resolve) => {
        execFile(process.execPath, ['bin/lightgate.js', 'keys', ...args], { cwd: ROOT, env, encoding: 'utf8' }, (error, stdout, stderr) => {
          resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
        });
      });
    };
  }
  return async (args) => {
    const out: string[] = [];
    const errs: string[] = [];
    const status = await runKeysCommand(args, { db: t.stack.db, config: t.config, stdout: (s) => out.push(s), stderr: (s) => errs.push(s) });
    return { status, stdout: out.join(''), stderr: errs.join('') };
  };
}

async function publishedKids(issuer: string): Promise<string[]> {
  const res = await fetch(`${issuer}/.well-known/jwks.json`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { keys: jose.JWK[] }).keys.map((k) => k.kid!);
}

async function waitFor(what: string, seconds: number, check: () => Promise<boolean>) {
  const end = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting: ${what}`);
    await sleep(250);
  }
}

/** Checks the signature and claims at the token's own issue time: short TTLs may have expired it since. */
async function verifiesWith(issuer: string, idToken: string, audience: string) {
  const keys = (await (await fetch(`${issuer}/.well-known/jwks.json`)).json()) as { keys: jose.JWK[] };
  const iat = jose.decodeJwt(idToken).iat!;
  await jose.jwtVerify(idToken, jose.createLocalJWKSet(keys), { issuer, audience, currentDate: new Date(iat * 1000) });
}

// Both engines at once: each run mostly waits out a grace period (TTL and two 5 s key polls).
describe('signing key retirement', { concurrency: true }, () => {
  for (const kind of DATABASE_KINDS) {
    describe(`on ${kind}`, () => {
      let t: TestStack;
      before(async () => {
        t = await startTestStack({
          kind,
          env: { LIGHTGATE_SERVICES: 'auth', URLS_LOGIN: UNREACHABLE_UI.loginUrl, URLS_CONSENT: UNREACHABLE_UI.consentUrl, URLS_LOGOUT: UNREACHABLE_UI.logoutUrl, TTL_ID_TOKEN: `${TTL}s`, TTL_ACCESS_TOKEN: `${TTL}s` },
        });
      });
      after(() => t?.close());

      it('issue 19 #16: `keys retire` keeps the old key published while its tokens may live, then unpublishes it; never the current key', async () => {
        const keys = keysCommand(t);
        const target: AuthTarget = { kind: 'lightgate', name: 'keys', ...UNREACHABLE_UI, publicUrl: t.urls.issuer, adminUrl: t.stack.listening.admin!, stop: async () => {} };
        const admin = adminApi(target);
        const client = await createClient(admin);
        const rp = await relyingParty(target, client);
        const signIn = async () => exchange(rp, await runFlow(createBrowser(), target, admin, rp, { scope: 'openid offline_access read' }));

        const first = await signIn();
        const oldKid = (await publishedKids(t.urls.issuer))[0]!;
        assert.equal(jose.decodeProtectedHeader(first.id_token!).kid, oldKid);

        const refused = await keys(['retire']);
        assert.equal(refused.status, 1, refused.stdout);
        assert.match(refused.stderr, /only one signing key.*never retired.*keys rotate/);
        assert.deepEqual(await publishedKids(t.urls.issuer), [oldKid], 'the only key stays');

        const rotated = await keys(['rotate']);
        assert.equal(rotated.status, 0, rotated.stderr);
        const rotatedAt = Date.now();
        let newKid = '';
        await waitFor('the rotated key', 10, async () => {
          const kids = await publishedKids(t.urls.issuer);
          newKid = kids[0]!;
          return kids.length === 2 && newKid !== oldKid;
        });
        const second = await signIn();
        assert.equal(jose.decodeProtectedHeader(second.id_token!).kid, newKid, 'the new key signs');

        const retired = await keys(['retire']);
        assert.equal(retired.status, 0, retired.stderr);
        assert.match(retired.stdout, new RegExp(`retired signing key ${oldKid}: it stays published until \\d{4}-`));
        assert.ok(!retired.stdout.includes(newKid), 'the current key is not retired');
        const again = await keys(['retire']);
        assert.equal(again.status, 0, again.stderr);
        assert.match(again.stdout, /no key to retire/);

        // Within the grace period: still published, and tokens of both keys verify.
        await sleep(1000);
        assert.deepEqual(await publishedKids(t.urls.issuer), [newKid, oldKid], 'a retired key stays published while its tokens may live');
        await verifiesWith(t.urls.issuer, first.id_token!, client.client_id);
        await verifiesWith(t.urls.issuer, second.id_token!, client.client_id);

        // Then the running server drops it (no restart, no command): after the longest TTL since it stopped signing.
        await waitFor('the retired key to leave the JWKS', TTL + 30, async () => !(await publishedKids(t.urls.issuer)).includes(oldKid));
        assert.ok(Date.now() - rotatedAt >= TTL * 1000, 'not before every token it signed has expired');
        assert.deepEqual(await publishedKids(t.urls.issuer), [newKid]);
        await assert.rejects(verifiesWith(t.urls.issuer, first.id_token!, client.client_id), 'an (expired) token of the unpublished key no longer verifies');

        // The current key keeps signing and verifying.
        const refreshed = await oidc.refreshTokenGrant(rp, second.refresh_token!);
        assert.equal(jose.decodeProtectedHeader(refreshed.id_token!).kid, newKid);
        await verifiesWith(t.urls.issuer, refreshed.id_token!, client.client_id);
        const third = await signIn();
        await verifiesWith(t.urls.issuer, third.id_token!, client.client_id);
        const last = await keys(['retire']);
        assert.equal(last.status, 0);
        assert.match(last.stdout, /no key to retire/);
        assert.deepEqual(await publishedKids(t.urls.issuer), [newKid]);
      });
    });
  }
});
