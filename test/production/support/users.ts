// Users of a running process, signed up through Blink's /auth/* endpoints with the code from the outbox.
import assert from 'node:assert/strict';
import { lastCode } from '../../support/users.ts';
import { graphql } from './ui-flow.ts';

export interface ApiUser {
  email: string;
  session: Record<string, string>;
  btc: string;
  usd: string;
}

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

export const PAY = 'mutation($w: WalletId!, $r: WalletId!, $a: SatAmount!) { intraLedgerPaymentSend(input: { walletId: $w, recipientWalletId: $r, amount: $a }) { status errors { code message } } }';
