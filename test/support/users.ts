// People in tests: the codes a stack sends them (the outbox in its data dir, NODE_ENV=test), for signing in
// through /auth/*, the login & consent pages or the portal.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Queryable } from '../../src/db/database.ts';
import type { IdentityService } from '../../src/identity/identity-service.ts';
import { totpCodeAt } from '../../src/identity/services/totp.ts';
import type { UserId } from '../../src/shared/brand.ts';
import { graphql } from './graphql.ts';

export interface OutboxLine {
  channel: string;
  to: string;
  subject: string;
  text: string;
  code: string;
  at: string;
}

export function readOutbox(dataDir: string): OutboxLine[] {
  const file = join(dataDir, 'outbox.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as OutboxLine);
}

/** The newest code sent to `to`. */
export function lastCode(dataDir: string, to: string): string {
  const line = readOutbox(dataDir).filter((l) => l.to === to).at(-1);
  if (!line) throw new Error(`no message to ${to} in the outbox`);
  return line.code;
}

/** A code that is not `code` (for wrong tries). */
export const wrongCode = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

export interface SignedInUser {
  userId: UserId;
  email: string;
  /** First-party session token (Authorization: Bearer), as the wallet app holds. */
  session: string;
}

/** Signs `email` up (or in) through the identity face with the code that `codeFor` reads (outbox or a test sender). */
export async function signInWithEmail(identity: IdentityService, email: string, codeFor: (email: string) => string | undefined): Promise<SignedInUser> {
  const requested = await identity.requestEmailCode({ email });
  assert.ok(requested.ok, 'code requested');
  const login = await identity.loginWithEmail({ emailLoginId: requested.value.emailLoginId, code: codeFor(email) });
  assert.ok(login.ok, 'signed in');
  assert.ok(await identity.verifySessionToken(login.value.authToken), 'the session token is valid');
  return { userId: login.value.userId, email, session: login.value.authToken };
}

export interface TestUser extends SignedInUser {
  btcWalletId: string;
  usdWalletId: string;
}

let counter = 0;
/** A fresh address for each call. */
export const uniqueEmail = (): string => `user${++counter}-${Date.now()}@example.com`;

/** A new person signed up through the identity face, with the BTC and USD wallets opened for them. */
export async function signUpWithWallets(identity: IdentityService, db: Queryable, email: string, codeFor: (email: string) => string | undefined): Promise<TestUser> {
  const user = await signInWithEmail(identity, email, codeFor);
  return { ...user, ...(await walletIdsOf(db, user.userId)) };
}

/** Signs `email` in and turns TOTP on for them through the identity face, as the wallet app would through /auth/totp/register/*. */
export async function enrolTotp(identity: IdentityService, email: string, codeFor: (email: string) => string | undefined): Promise<{ userId: UserId; secret: string }> {
  const requested = await identity.requestEmailCode({ email });
  assert.ok(requested.ok);
  const login = await identity.loginWithEmail({ emailLoginId: requested.value.emailLoginId, code: codeFor(email) });
  assert.ok(login.ok);
  const enrollment = await identity.initiateTotp(login.value.userId);
  assert.ok(enrollment.ok);
  const secret = enrollment.value.totpSecret;
  assert.ok((await identity.confirmTotp({ userId: login.value.userId, totpRegistrationId: enrollment.value.totpRegistrationId, totpCode: totpCodeAt(secret, new Date()) })).ok);
  return { userId: login.value.userId, secret };
}

/** The BTC and USD wallets of the account the wallet module opened for the user at sign-up. */
export async function walletIdsOf(db: Queryable, userId: string): Promise<{ btcWalletId: string; usdWalletId: string }> {
  const rows = await db.query<{ id: string; currency: string }>(
    'SELECT w.id, w.currency FROM wallets w JOIN wallet_accounts a ON a.id = w.account_id WHERE a.user_id = $1',
    [userId],
  );
  return { btcWalletId: rows.find((r) => r.currency === 'BTC')!.id, usdWalletId: rows.find((r) => r.currency === 'USD')!.id };
}

export interface ApiUser {
  email: string;
  session: Record<string, string>;
  btc: string;
  usd: string;
}

/** A user of a running process, signed up through Blink's /auth/email/* with the code from the outbox. */
export async function signUp(api: string, dataDir: string, email: string): Promise<ApiUser> {
  const sent = await fetch(`${api}/auth/email/code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
  assert.equal(sent.status, 200, await sent.clone().text());
  const emailLoginId = ((await sent.json()) as { result: string }).result;
  const login = await fetch(`${api}/auth/email/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ emailLoginId, code: lastCode(dataDir, email) }) });
  assert.equal(login.status, 200, await login.clone().text());
  const { authToken } = ((await login.json()) as { result: { authToken: string } }).result;
  const session = { authorization: `Bearer ${authToken}` };
  const me = await graphql(api, session, '{ me { defaultAccount { wallets { id walletCurrency } } } }');
  const wallets = me.body.data?.me.defaultAccount.wallets as { id: string; walletCurrency: string }[];
  return { email, session, btc: wallets.find((w) => w.walletCurrency === 'BTC')!.id, usd: wallets.find((w) => w.walletCurrency === 'USD')!.id };
}
