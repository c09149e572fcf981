// Fastify plugin: per-IP and per-client request rates in fixed windows, counted in the rate_limits
// table so every process behind a load balancer shares them. Over a limit: 429 with Retry-After.
// A database outage does not turn into 429s: the limiter lets requests through and the route answers.
// Concurrent requests share one counting statement (counter.ts).
import { hash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../db/database.ts';
import { serverWide } from '../server-wide.ts';
import { addressKey } from './client-address.ts';
import { createCounter, type Count, type ReadAlong } from './counter.ts';
import { sendLimitError } from './limit-error.ts';

export interface RequestRateLimits {
  /** Requests per window from one IP address; 0 turns the limit off. */
  perIp: number;
  /** Requests per window from one client (OAuth client, API key, bearer token, session); 0 turns it off. */
  perClient: number;
  windowSeconds: number;
}

export type RateLimitScope = 'ip' | 'client';

export interface RateLimitOptions {
  db: Queryable;
  limits: RequestRateLimits;
  /** Who the caller is, when the default (credentials in headers, client_id in the query) is not enough. */
  clientOf?: (request: FastifyRequest) => string | undefined;
  /** Called for every request refused with 429 (the server's metrics). */
  onRefused?: (scope: RateLimitScope) => void;
  /** A row the request needs, read in its counting statement (counter.ts): `found` gets it for a request let through. */
  readAlong?: RequestReadAlong;
}

export interface RequestReadAlong extends ReadAlong {
  /** The id to read for this request; undefined: none. A promise when it needs the body (auth request-read-along.ts); never rejects. */
  idOf: (request: FastifyRequest) => string | undefined | Promise<string | undefined>;
  /** The row read (null: no such row). Not called when the count failed or refused the request. */
  found: (request: FastifyRequest, id: string, row: unknown) => void;
}

const EXEMPT = /^\/(health\/|metrics$|version$)/;
// One-shot hash (no Hash object per call): every counted request makes one (issue 18).
const digest = (value: string) => hash('sha256', value, 'base64url').slice(0, 22);

/**
 * The caller's client identity from credentials in headers or client_id in the query (never the secret
 * itself). A client_id is public and unproven here: counted per client_id alone, anyone could use up a
 * client's budget and lock it out (issue 11 #4), so it is counted per client_id and address.
 */
export function defaultClientOf(request: FastifyRequest): string | undefined {
  const client = claimedClient(request);
  return client?.startsWith('oauth:') ? `${client}@${addressKey(request.ip)}` : client;
}

function claimedClient(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string') {
    const [scheme, value = ''] = authorization.split(' ', 2);
    if (scheme?.toLowerCase() === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const id = decoded.slice(0, Math.max(0, decoded.indexOf(':')));
      if (id) return `oauth:${digest(id.slice(0, 512))}`;
    }
    if (value) return `bearer:${digest(value)}`;
  }
  for (const header of ['x-api-key', 'oauth2-token'] as const) {
    const v = request.headers[header];
    if (typeof v === 'string' && v) return `${header}:${digest(v)}`;
  }
  const clientId = (request.query as Record<string, unknown> | undefined)?.client_id;
  if (typeof clientId === 'string' && clientId) return `oauth:${digest(clientId.slice(0, 512))}`;
  return undefined;
}

/** Deletes request counters whose window ended at least one window ago; returns how many. */
export async function deleteFinishedWindows(db: Queryable, windowSeconds: number): Promise<number> {
  const rows = await db.query(`DELETE FROM rate_limits WHERE key LIKE 'http:%' AND window_start < now() - make_interval(secs => $1) RETURNING 1`, [2 * windowSeconds]);
  return rows.length;
}

export const rateLimitPlugin = serverWide('lightgate-rate-limit', (app, options: RateLimitOptions, done) => {
  const { db, limits, onRefused, readAlong } = options;
  const clientOf = options.clientOf ?? defaultClientOf;
  if (limits.perIp <= 0 && limits.perClient <= 0) return done();

  const counter = createCounter(db, readAlong);
  const uncounted = (): Count | undefined => undefined;
  // Counters of finished windows are dropped now and then (every process does it; it is idempotent).
  const sweep = setInterval(() => void deleteFinishedWindows(db, limits.windowSeconds).catch(() => undefined), Math.max(60, limits.windowSeconds) * 1000).unref();
  app.addHook('onClose', (_app, next) => {
    clearInterval(sweep);
    next();
  });

  app.addHook('onRequest', async (request, reply) => {
    if (EXEMPT.test(request.url)) return;
    const keys: { key: string; scope: RateLimitScope; limit: number }[] = [];
    if (limits.perIp > 0) keys.push({ key: `http:ip:${addressKey(request.ip)}`, scope: 'ip', limit: limits.perIp });
    const client = limits.perClient > 0 ? clientOf(request) : undefined;
    if (client) keys.push({ key: `http:client:${client}`, scope: 'client', limit: limits.perClient });
    const readId = await readAlong?.idOf(request);
    // The row is read with the first key's hit: the same statement counts them all.
    const counts = await Promise.all(keys.map((k, i) => counter.hit(k.key, limits.windowSeconds, undefined, i === 0 ? readId : undefined).catch(uncounted)));
    if (counts.some((c) => c === undefined)) request.log.debug('rate limit not counted (database unavailable)');
    for (const [i, k] of keys.entries()) {
      const count = counts[i];
      if (!count || count.hits <= k.limit) continue;
      const { retryAfter } = count;
      onRefused?.(k.scope);
      reply.header('retry-after', String(retryAfter));
      return sendLimitError(reply, 429, 'too_many_requests', `Too many requests from this ${k.scope === 'ip' ? 'address' : 'client'}; retry in ${retryAfter} s`, 'TOO_MANY_REQUESTS');
    }
    const read = counts[0]?.along;
    if (readId !== undefined && read !== undefined) readAlong!.found(request, readId, read);
  });
  done();
});
