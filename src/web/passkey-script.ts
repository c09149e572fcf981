// The passkey script (assets/passkey.js, issue 17): served by the apps whose pages run WebAuthn ceremonies
// (the login app's sign-in and second step, the portal's account area). First-party, CSP script-src 'self'.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { serveAssets } from './assets.ts';
import { html, type SafeHtml } from './html.ts';

export function registerPasskeyScript(app: FastifyInstance): void {
  serveAssets(app, join(dirname(fileURLToPath(import.meta.url)), 'assets'), { 'passkey.js': 'text/javascript; charset=utf-8' });
}

export const passkeyScriptTag: SafeHtml = html`<script src="/assets/passkey.js" defer></script>`;
