"use client";
// useSession() reads /api/auth/session, where NextAuth runs the jwt callback (and so refreshes an expired access
// token) and can write the updated cookie.
import { SessionProvider } from "next-auth/react";
import type { ReactNode } from "react";

export function Providers({ children }: { children: ReactNode }) {
  return <SessionProvider refetchInterval={5 * 60}>{children}</SessionProvider>;
}
