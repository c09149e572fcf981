// The signed-in merchant's access token from the NextAuth JWT cookie, for route handlers. Only reads: a token
// that needs refreshing is refreshed by /api/auth/session (useSession), which can write the new cookie.
import type { NextRequest } from "next/server";
import { getToken } from "next-auth/jwt";

export async function merchantAccessToken(req: NextRequest): Promise<string | undefined> {
  const token = await getToken({ req, secret: process.env.NEXTAUTH_SECRET });
  const accessToken = token?.accessToken as string | undefined;
  const expiresAt = token?.expiresAt as number | undefined;
  if (!accessToken || (expiresAt !== undefined && expiresAt * 1000 <= Date.now())) return undefined;
  return accessToken;
}
