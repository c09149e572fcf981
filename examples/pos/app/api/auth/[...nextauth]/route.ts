// NextAuth's routes: /api/auth/signin/blink, /api/auth/callback/blink (the client's redirect URI), /api/auth/session, ...
// The guide's session (lib/auth.ts) carries the access token for server code, which reads it with
// getServerSession; the browser's copy of the session, GET /api/auth/session, leaves it out, so no token ever
// reaches the browser (issue 19 #16).
import NextAuth from "next-auth";
import { authOptions } from "../../../../lib/auth";

const handler = NextAuth(authOptions);

async function GET(req: Request, ctx: { params: Promise<{ nextauth: string[] }> }): Promise<Response> {
  const res: Response = await handler(req, ctx);
  if (!new URL(req.url).pathname.endsWith("/api/auth/session") || !res.ok) return res;
  const session: unknown = await res.json();
  if (session && typeof session === "object") delete (session as { accessToken?: unknown }).accessToken;
  const headers = new Headers(res.headers);
  headers.delete("content-length");
  return new Response(JSON.stringify(session), { status: res.status, headers });
}

export { GET, handler as POST };
