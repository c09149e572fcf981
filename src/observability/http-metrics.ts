// Fastify plugin: counts every request and its latency by service, method, route and status, and
// serves GET /metrics (Prometheus text) when asked to (the admin port).
import type { FastifyRequest } from 'fastify';
import { serverWide } from '../shared/server-wide.ts';
import { recordHttpRequest, renderMetrics } from './metrics.ts';

export interface HttpMetricsOptions {
  /** The service label: public, admin, api, ui, portal. */
  service: string;
  /** Paths served by a catch-all route (oidc-provider's): reported as themselves, any other as "other". */
  knownPaths?: readonly string[];
  /** Serve GET /metrics on this server. */
  exposeMetrics?: boolean;
}

function routeOf(request: FastifyRequest, known: ReadonlySet<string>): string {
  const pattern = request.routeOptions.url;
  if (!pattern) return 'unmatched';
  if (!pattern.includes('*')) return pattern;
  const path = request.url.split('?')[0] ?? '';
  return known.has(path) ? path : 'other';
}

export const httpMetricsPlugin = serverWide('lightgate-http-metrics', (app, options: HttpMetricsOptions, done) => {
  const known = new Set(options.knownPaths ?? []);
  // On the raw response, so hijacked routes (oidc-provider) and aborted requests are counted too.
  app.addHook('onRequest', (request, reply, next) => {
    const start = process.hrtime.bigint();
    reply.raw.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      recordHttpRequest({ service: options.service, method: request.method, route: routeOf(request, known), status: reply.raw.statusCode }, seconds);
    });
    next();
  });
  if (options.exposeMetrics) {
    app.get('/metrics', async (_request, reply) => {
      const { contentType, body } = await renderMetrics();
      return reply.type(contentType).send(body);
    });
  }
  done();
});
