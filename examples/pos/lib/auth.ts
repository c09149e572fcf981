// NextAuth (v4) with the Blink provider exactly as in Blink's OAuth2 guide, pointed at Lightgate: the same
// Hydra discovery document, scope "read", no ID token; PKCE and state on top. The session has what the guide's
// session callback puts there: `sub`, `accessToken` and `userData` (the wallet API's `me`, read with the token).
// No token leaves the server: the refresh token is in lib/token-store.ts (the JWT cookie holds only a session id),
// the browser's copy of the session omits the access token (app/api/auth/[...nextauth]/route.ts), and
// signing out revokes the tokens at the authorization server, so a copied session is worth nothing afterwards.
import type { NextAuthOptions, Session } from "next-auth";
import type { JWT } from "next-auth/jwt";
import type { Merchant } from "./blink";
import { fetchUserData, merchantOf, type UserData } from "./user-data";
import { forgetTokens, isFresh, readTokens, refreshOnce, saveTokens, type StoredTokens } from "./token-store";

const HYDRA_PUBLIC = process.env.HYDRA_PUBLIC ?? "http://localhost:4444";

interface BlinkToken extends JWT {
  /** The server-side token record (lib/token-store.ts). */
  sid?: string;
  error?: "RefreshAccessTokenError";
}

export interface PosSession extends Session {
  /** The guide's three: the user id (the token's subject), the access token and the wallet API's `me`. */
  sub?: string;
  accessToken?: string;
  userData?: UserData;
  /** The merchant the page shows, from userData. */
  merchant?: Merchant;
  error?: "RefreshAccessTokenError" | "WalletUnavailable";
}

interface Discovery {
  token_endpoint: string;
  revocation_endpoint?: string;
}
/** The discovery document (cached: it does not change while the server runs). */
let discovery: Promise<Discovery> | undefined;
function discover(): Promise<Discovery> {
  discovery ??= fetch(`${HYDRA_PUBLIC}/.well-known/openid-configuration`)
    .then((r) => r.json() as Promise<Discovery>)
    .catch((e: unknown) => {
      discovery = undefined;
      throw e;
    });
  return discovery;
}
const discoverTokenEndpoint = async () => (await discover()).token_endpoint;

const clientAuthorization = () => `Basic ${Buffer.from(`${encodeURIComponent(process.env.CLIENT_ID ?? "")}:${encodeURIComponent(process.env.CLIENT_SECRET ?? "")}`).toString("base64")}`;

/** RFC 7009: revokes the session's tokens at the authorization server (sign-out), best effort. */
async function revokeTokens(tokens: StoredTokens | undefined): Promise<void> {
  if (!tokens) return;
  try {
    const endpoint = (await discover()).revocation_endpoint;
    if (!endpoint) return;
    for (const [token, hint] of [[tokens.refreshToken, "refresh_token"], [tokens.accessToken, "access_token"]] as const) {
      if (!token) continue;
      await fetch(endpoint, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: clientAuthorization() },
        body: new URLSearchParams({ token, token_type_hint: hint }),
      });
    }
  } catch {
    // The tokens are forgotten here anyway; they end when they expire.
  }
}

/** Refresh grant (RFC 6749 section 6). The server rotates refresh tokens: keep the new one. */
async function refreshAccessToken(tokens: StoredTokens): Promise<StoredTokens | undefined> {
  try {
    const response = await fetch(await discoverTokenEndpoint(), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: clientAuthorization() },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: tokens.refreshToken ?? "" }),
    });
    const refreshed = (await response.json()) as { access_token?: string; expires_in?: number; refresh_token?: string };
    if (!response.ok || !refreshed.access_token) return undefined;
    return {
      accessToken: refreshed.access_token,
      expiresAt: Math.floor(Date.now() / 1000) + (refreshed.expires_in ?? 3600),
      refreshToken: refreshed.refresh_token ?? tokens.refreshToken,
    };
  } catch {
    return undefined;
  }
}

/**
 * A spending budget (Lightgate, issue 15: RFC 9396 `authorization_details`, type `wallet_spend`), for a POS that
 * asks for `write` (refunds, payouts): POS_BUDGET_SATS_PER_DAY=5000 and POS_BUDGET_SATS_PER_PAYMENT=1000 ask for
 * "up to 5,000 sats per day, at most 1,000 sats per payment". The merchant sees it on the consent page and may
 * lower it; the wallet refuses sends beyond what was granted (BUDGET_EXCEEDED). Amounts are whole sats ("BTC")
 * or cents ("USD"); period P1D, P1W, P1M, or none for a lifetime budget.
 */
function budgetParams(): { authorization_details?: string } {
  const perDay = Number(process.env.POS_BUDGET_SATS_PER_DAY ?? "");
  if (!process.env.POS_BUDGET_SATS_PER_DAY || !Number.isSafeInteger(perDay) || perDay < 0) return {};
  const perPayment = Number(process.env.POS_BUDGET_SATS_PER_PAYMENT ?? "");
  const detail = {
    type: "wallet_spend",
    limit: { amount: perDay, currency: "BTC" },
    period: "P1D",
    per_payment_max: Number.isSafeInteger(perPayment) && perPayment >= 1 ? perPayment : null,
  };
  return { authorization_details: JSON.stringify([detail]) };
}

export const authOptions: NextAuthOptions = {
  providers: [
    {
      id: "blink",
      name: "Blink",
      type: "oauth",
      clientId: process.env.CLIENT_ID,
      clientSecret: process.env.CLIENT_SECRET,
      wellKnown: `${HYDRA_PUBLIC}/.well-known/openid-configuration`,
      // Blink's guide asks for "read". BLINK_SCOPE="read offline_access" also gets a refresh token; with
      // "read write", ask for a budget too (budgetParams above).
      authorization: { params: { scope: process.env.BLINK_SCOPE ?? "read", ...budgetParams() } },
      idToken: false,
      checks: ["pkce", "state"],
      // Hydra's (and Lightgate's) userinfo endpoint from the discovery document answers { sub } for this token.
      profile(profile) {
        return { id: profile.sub };
      },
    },
  ],
  session: { strategy: "jwt" },
  callbacks: {
    async jwt({ token, account }) {
      const t = token as BlinkToken;
      if (account) {
        // First sign-in: the tokens go to the server-side store; the cookie gets only its id.
        if (!account.access_token) return { ...t, error: "RefreshAccessTokenError" };
        const sid = saveTokens({ accessToken: account.access_token, expiresAt: account.expires_at, refreshToken: account.refresh_token });
        return { ...t, sid };
      }
      if (t.error) return t;
      const stored = readTokens(t.sid);
      if (stored && isFresh(stored)) return t;
      if (!stored?.refreshToken) {
        forgetTokens(t.sid);
        return { ...t, error: "RefreshAccessTokenError" };
      }
      return (await refreshOnce(t.sid!, refreshAccessToken)) ? t : { ...t, error: "RefreshAccessTokenError" };
    },
    async session({ session, token }) {
      const t = token as BlinkToken;
      const s = session as PosSession;
      if (t.error) {
        s.error = t.error;
        return s;
      }
      const stored = readTokens(t.sid);
      // The guide's session callback: a token and a subject, or the session is invalid.
      if (!stored?.accessToken || !t.sub || typeof t.sub !== "string") throw new Error("Invalid token");
      const res = await fetchUserData({ token: stored.accessToken });

      if (!(res instanceof Error)) {
        s.userData = res.data;
      }
      s.sub = t.sub;
      s.accessToken = stored.accessToken;
      const merchant = merchantOf(s.userData);
      if (merchant) s.merchant = merchant;
      else s.error = "WalletUnavailable";
      return s;
    },
  },
  events: {
    // Signing out revokes the tokens and forgets them: a copy of the old cookie or session is worth nothing.
    async signOut({ token }) {
      const sid = (token as BlinkToken | null)?.sid;
      await revokeTokens(readTokens(sid));
      forgetTokens(sid);
    },
  },
};
