// NextAuth (v4) with the Blink provider exactly as in Blink's OAuth2 guide, pointed at Lightgate: the same
// Hydra discovery document, scope "read", no ID token, PKCE and state. The JWT keeps the access token, its
// expiry and the refresh token; the session callback reads the merchant from the wallet API.
import type { NextAuthOptions, Session } from "next-auth";
import type { JWT } from "next-auth/jwt";
import { fetchMerchant, type Merchant } from "./blink";

const HYDRA_PUBLIC = process.env.HYDRA_PUBLIC ?? "http://localhost:4444";

interface BlinkToken extends JWT {
  accessToken?: string;
  /** Epoch seconds. */
  expiresAt?: number;
  refreshToken?: string;
  error?: "RefreshAccessTokenError";
}

export interface PosSession extends Session {
  accessToken?: string;
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
async function refreshAccessToken(token: BlinkToken): Promise<BlinkToken> {
  try {
    const basic = Buffer.from(`${encodeURIComponent(process.env.CLIENT_ID ?? "")}:${encodeURIComponent(process.env.CLIENT_SECRET ?? "")}`).toString("base64");
    const response = await fetch(await discoverTokenEndpoint(), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${basic}` },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: token.refreshToken ?? "" }),
    });
    const refreshed = (await response.json()) as { access_token?: string; expires_in?: number; refresh_token?: string };
    if (!response.ok || !refreshed.access_token) throw new Error(`refresh failed with ${response.status}`);
    return {
      ...token,
      accessToken: refreshed.access_token,
      expiresAt: Math.floor(Date.now() / 1000) + (refreshed.expires_in ?? 3600),
      refreshToken: refreshed.refresh_token ?? token.refreshToken,
      error: undefined,
    };
  } catch {
    return { ...token, error: "RefreshAccessTokenError" };
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
        // First sign-in: keep what the token endpoint gave.
        return {
          ...t,
          accessToken: account.access_token,
          expiresAt: account.expires_at,
          refreshToken: account.refresh_token,
        };
      }
      if (t.expiresAt === undefined || Date.now() < t.expiresAt * 1000 - 10_000) return t;
      if (!t.refreshToken) return { ...t, error: "RefreshAccessTokenError" };
      return refreshAccessToken(t);
    },
    async session({ session, token }) {
      const t = token as BlinkToken;
      const s = session as PosSession;
      s.accessToken = t.accessToken;
      if (t.error) {
        s.error = t.error;
        return s;
      }
      const merchant = t.accessToken ? await fetchMerchant(t.accessToken) : undefined;
      if (merchant) s.merchant = merchant;
      else s.error = "WalletUnavailable";
      return s;
    },
  },
};
