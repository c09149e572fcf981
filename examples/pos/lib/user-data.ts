// Blink's guide's `fetchUserData`: the signed-in merchant from the wallet API, with the access token in the
// `Oauth2-Token` header. The session callback puts its `data` in `session.userData`, as the guide does.
import { GRAPHQL_URL, type Merchant, type Wallet } from "./blink";

export interface UserData {
  me: { id: string; username: string | null; defaultAccount: { defaultWalletId: string; wallets: Wallet[] } } | null;
}

const ME = "query me { me { id username defaultAccount { defaultWalletId wallets { id walletCurrency balance } } } }";

export async function fetchUserData({ token }: { token: string }): Promise<{ data: UserData } | Error> {
  try {
    const res = await fetch(GRAPHQL_URL, {
      method: "POST",
      headers: { "content-type": "application/json", "Oauth2-Token": token },
      body: JSON.stringify({ query: ME }),
      cache: "no-store",
    });
    const answer = (await res.json()) as { data?: UserData; errors?: { message: string }[] };
    if (!res.ok || !answer.data?.me) return new Error(answer.errors?.[0]?.message ?? `wallet API: HTTP ${res.status}`);
    return { data: answer.data };
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** The merchant the page shows, from the session's userData. */
export function merchantOf(data: UserData | undefined): Merchant | undefined {
  const me = data?.me;
  return me ? { username: me.username, defaultWalletId: me.defaultAccount.defaultWalletId, wallets: me.defaultAccount.wallets } : undefined;
}
