import type { ReactNode } from "react";
import { Providers } from "./providers";
import "./globals.css";

export const metadata = { title: "Lightgate POS", description: "Take Lightning payments into your Blink-compatible wallet." };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
