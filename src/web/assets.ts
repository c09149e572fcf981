// Self-hosted static assets (CSS, icon), read once, served with an ETag and a short cache.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'assets');
const FILES: Record<string, string> = { 'lightgate.css': 'text/css; charset=utf-8', 'favicon.svg': 'image/svg+xml' };

export function registerAssets(app: FastifyInstance): void {
  serveAssets(app, DIR, FILES);
  app.get('/favicon.ico', async (_request, reply) => reply.redirect('/assets/favicon.svg', 301));
}

/** Serves each file of `dir` named in `files` (name → content type) at /assets/<name>. */
export function serveAssets(app: FastifyInstance, dir: string, files: Readonly<Record<string, string>>): void {
  for (const [name, type] of Object.entries(files)) {
    const body = readFileSync(join(dir, name));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`;
    app.get(`/assets/${name}`, async (request, reply) => {
      reply.header('cache-control', 'public, max-age=3600').header('etag', etag);
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.type(type).send(body);
    });
  }
}
