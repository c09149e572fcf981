// The signed-in merchant's access token for route handlers: the NextAuth JWT cookie names the session, the
// token itself comes from the server-side store. Only reads: a token that needs refreshing is refreshed by
// /api/auth/session (useSession), which runs the jwt callback.
import type { NextRequest } from "next/server";
import { getToken } from "next-auth/jwt";
import { readTokens } from "./token-store";

export async function merchantAccessToken(req: NextRequest): Promise<string | undefined> {
  const token = await getToken({ req, secret: process.env.NEXTAUTH_SECRET });
  if (!token || token.error) return undefined;
  const stored = readTokens(token.sid as string | undefined);
  if (!stored || (stored.expiresAt !== undefined && stored.expiresAt * 1000 <= Date.now())) return undefined;
  return stored.accessToken;
}
