// NextAuth's routes: /api/auth/signin/blink, /api/auth/callback/blink (the client's redirect URI), /api/auth/session, ...
import NextAuth from "next-auth";
import { authOptions } from "../../../../lib/auth";

const handler = NextAuth(authOptions);
export { handler as GET, handler as POST };
