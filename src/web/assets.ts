// Self-hosted static assets (CSS, script, icon, the theme's CSS and logo), read once, served with an ETag and a
// short cache. registerWebKit is the one call an HTML server makes for the kit (web context, language switch, assets).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_THEME, type Theme } from './theme.ts';
import { registerWebContext, type WebKitOptions } from './web-context.ts';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'assets');
const FILES: Record<string, string> = { 'lightgate.css': 'text/css; charset=utf-8', 'lightgate.js': 'text/javascript; charset=utf-8', 'favicon.svg': 'image/svg+xml' };

export function registerAssets(app: FastifyInstance, theme: Theme = DEFAULT_THEME): void {
  serveAssets(app, DIR, FILES);
  serveBody(app, '/assets/theme.css', 'text/css; charset=utf-8', Buffer.from(theme.css));
  if (theme.logoFile) serveBody(app, `/assets/${theme.logoFile.name}`, theme.logoFile.type, theme.logoFile.body);
  app.get('/favicon.ico', async (_request, reply) => reply.redirect('/assets/favicon.svg', 301));
}

/** The kit on an HTML server: web context (language, theme), GET /lang and the assets. Call it before the routes. */
export function registerWebKit(app: FastifyInstance, options: WebKitOptions): void {
  registerWebContext(app, options);
  registerAssets(app, options.theme);
}

function serveBody(app: FastifyInstance, path: string, type: string, body: Buffer): void {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`;
  app.get(path, async (request, reply) => {
    reply.header('cache-control', 'public, max-age=3600').header('etag', etag);
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type(type).send(body);
  });
}

/** Serves each file of `dir` named in `files` (name → content type) at /assets/<name>. */
export function serveAssets(app: FastifyInstance, dir: string, files: Readonly<Record<string, string>>): void {
  for (const [name, type] of Object.entries(files)) serveBody(app, `/assets/${name}`, type, readFileSync(join(dir, name)));
}
