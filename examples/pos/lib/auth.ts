// NextAuth (v4) with the Blink provider exactly as in Blink's OAuth2 guide, pointed at Lightgate: the same
// Hydra discovery document, scope "read", no ID token, PKCE and state. The access and refresh tokens stay on
// the server (lib/token-store.ts): the JWT cookie holds only a session id, and the session the browser reads
// holds the merchant, never a token (issue 19 #16). The session callback reads the merchant from the wallet API.
import type { NextAuthOptions, Session } from "next-auth";
import type { JWT } from "next-auth/jwt";
import { fetchMerchant, type Merchant } from "./blink";
import { forgetTokens, isFresh, readTokens, refreshOnce, saveTokens, type StoredTokens } from "./token-store";

const HYDRA_PUBLIC = process.env.HYDRA_PUBLIC ?? "http://localhost:4444";

interface BlinkToken extends JWT {
  /** The server-side token record (lib/token-store.ts). */
  sid?: string;
  error?: "RefreshAccessTokenError";
}

export interface PosSession extends Session {
  merchant?: Merchant;
  error?: "RefreshAccessTokenError" | "WalletUnavailable";
}

/** The token endpoint from the discovery document (cached: it does not change while the server runs). */
let tokenEndpoint: Promise<string> | undefined;
function discoverTokenEndpoint(): Promise<string> {
  tokenEndpoint ??= fetch(`${HYDRA_PUBLIC}/.well-known/openid-configuration`)
    .then((r) => r.json() as Promise<{ token_endpoint: string }>)
    .then((d) => d.token_endpoint)
    .catch((e: unknown) => {
      tokenEndpoint = undefined;
      throw e;
    });
  return tokenEndpoint;
}

/** Refresh grant (RFC 6749 section 6). The server rotates refresh tokens: keep the new one. */
async function refreshAccessToken(tokens: StoredTokens): Promise<StoredTokens | undefined> {
  try {
    const basic = Buffer.from(`${encodeURIComponent(process.env.CLIENT_ID ?? "")}:${encodeURIComponent(process.env.CLIENT_SECRET ?? "")}`).toString("base64");
    const response = await fetch(await discoverTokenEndpoint(), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${basic}` },
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

export const authOptions: NextAuthOptions = {
  providers: [
    {
      id: "blink",
      name: "Blink",
      type: "oauth",
      clientId: process.env.CLIENT_ID,
      clientSecret: process.env.CLIENT_SECRET,
      wellKnown: `${HYDRA_PUBLIC}/.well-known/openid-configuration`,
      // Blink's guide asks for "read". BLINK_SCOPE="read offline_access" also gets a refresh token.
      authorization: { params: { scope: process.env.BLINK_SCOPE ?? "read" } },
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
      const merchant = stored ? await fetchMerchant(stored.accessToken) : undefined;
      if (merchant) s.merchant = merchant;
      else s.error = "WalletUnavailable";
      return s;
    },
  },
  events: {
    // Signing out forgets the tokens: a copy of the old cookie is worth nothing.
    async signOut({ token }) {
      forgetTokens((token as BlinkToken | null)?.sid);
    },
  },
};
