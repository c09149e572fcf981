// The integration page's NextAuth snippet (issue 13): Blink's guide's provider, filled in for one app.
import { isConfidential, type Application } from '../domain/application.ts';
import type { IntegrationUrls } from './apps-pages.ts';

/**
 * The NextAuth (v4) provider and callbacks of Blink's OAuth2 guide (https://dev.blink.sv/api/oauth2, "Example Using
 * next-auth in the Blink PoS"), as written there, filled in with the app's values: client id, issuer, the app's
 * scopes and the wallet API. What differs from the guide is said in the snippet's comments: `fetchUserData` (the
 * guide imports it from elsewhere), and for public or client_secret_post apps the token endpoint auth method (and
 * PKCE, which public clients need). test/portal/nextauth-snippet.test.ts runs it with next-auth against a stack.
 */
export function nextAuthSnippet(app: Application, urls: IntegrationUrls): string {
  const confidential = isConfidential(app.authMethod);
  const clientAuth =
    app.authMethod === 'none'
      ? `
      // A public client (no secret): no client authentication, PKCE instead (the guide's client is confidential).
      client: { token_endpoint_auth_method: "none" },
      checks: ["pkce", "state"],`
      : app.authMethod === 'client_secret_post'
        ? `
      // This app authenticates with client_secret_post (NextAuth's default, as the guide's, is client_secret_basic).
      client: { token_endpoint_auth_method: "client_secret_post" },`
        : '';
  // One line: a name is the developer's text and must not end the comment.
  const name = app.name.replace(/[\r\n\u2028\u2029]+/g, ' ');
  return `// lib/auth.ts: NextAuth (v4) as in Blink's OAuth2 guide (https://dev.blink.sv/api/oauth2), for ${name}.
// Redirect URI to register: https://<your app>/api/auth/callback/blink
import type { NextAuthOptions } from "next-auth"

const type = "oauth" as const
const env = {
  CLIENT_ID: "${app.clientId ?? ''}",
  CLIENT_SECRET: ${confidential ? 'process.env.CLIENT_SECRET' : 'undefined'},
  HYDRA_PUBLIC: "${urls.issuer}",
  NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET,
}

// The signed-in user from the wallet API, with the access token in the Oauth2-Token header.
async function fetchUserData({ token }: { token: string }): Promise<{ data: unknown } | Error> {
  try {
    const res = await fetch("${urls.api}/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", "Oauth2-Token": token },
      body: JSON.stringify({ query: "query me { me { id defaultAccount { id wallets { id walletCurrency balance } } } }" }),
    })
    if (!res.ok) return new Error(\`wallet API: HTTP \${res.status}\`)
    return (await res.json()) as { data: unknown }
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error))
  }
}

export const authOptions: NextAuthOptions = {
  providers: [
    {
      id: "blink",
      clientId: env.CLIENT_ID,
      clientSecret: env.CLIENT_SECRET,
      wellKnown: \`\${env.HYDRA_PUBLIC}/.well-known/openid-configuration\`,
      authorization: {
        params: { scope: "${app.scopes.join(' ')}" },
      },
      idToken: false,
      name: "Blink",
      type,${clientAuth}
      profile(profile) {
        return {
          id: profile.sub,
        }
      },
    },
  ],
  debug: process.env.NODE_ENV === "development",
  secret: env.NEXTAUTH_SECRET,
  callbacks: {
    async jwt({ token, account, profile }) {
      if (account) {
        token.accessToken = account.access_token
        token.expiresAt = account.expires_at
        token.refreshToken = account.refresh_token
        token.id = profile?.id
      }
      return token
    },
    async session({ session, token }) {
      if (
        !token.accessToken ||
        !token.sub ||
        typeof token.accessToken !== "string" ||
        typeof token.sub !== "string"
      ) {
        throw new Error("Invalid token")
      }
      const res = await fetchUserData({ token: token.accessToken })

      if (!(res instanceof Error)) {
        session.userData = res.data
      }
      session.sub = token.sub
      session.accessToken = token.accessToken
      return session
    },
  },
}`;
}
