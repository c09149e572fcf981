// GraphQL subscriptions over WebSocket (issue 13): the `graphql-transport-ws` protocol (graphql-ws's
// server on `ws`) at /graphql on the API server's own HTTP server, beside POST /graphql.
//
// - Credentials as over HTTP, through the same checker: Oauth2-Token, X-API-KEY or Authorization from the
//   connection_init payload (keys in any case, as Blink's clients send them), else from the upgrade
//   request's headers. A bad one closes the socket with 4401 Unauthorized; none is anonymous (public
//   subscriptions only: the resolvers ask for the scope they need, as for queries). A DPoP-bound token
//   comes with its proof (htm GET) under the `DPoP` key or header; the periodic re-check does not reuse it.
// - Limits: each upgrade counts as a request of its address (RATE_LIMIT_IP, 429 before the upgrade),
//   connections per credential and per client address, subscriptions per connection, the
//   connection_init timeout (4408), WebSocket ping/pong (no pong: the socket is dropped), the largest
//   message (1009). Bad frames get graphql-ws's protocol closes (4400, 4409, 4429…), never a crash.
// - Only subscriptions run here; queries and mutations go over POST (one path for idempotency and limits).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { GraphQLError, getOperationAST, parse, validate, type ExecutionArgs, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { CloseCode, type Context as WsContext, type SubscribePayload } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Config } from '../../config/config.ts';
import { DatabaseUnavailableError, type Queryable } from '../../db/database.ts';
import { addressKey, clientAddress, trustFunction } from '../../shared/limits/client-address.ts';
import { createCounter } from '../../shared/limits/counter.ts';
import { recordWebSocketClosed, watchSubscriptions } from '../../observability/metrics.ts';
import type { Logger } from '../../shared/logger.ts';
import type { CredentialChecker, Principal } from '../credentials.ts';
import type { ApiContext, ApiServices } from '../graphql/context.ts';
import { checkLimits, LIMITS } from '../graphql/limits.ts';
import { createConnectionRegistry } from './connections.ts';

export interface SubscriptionServerDeps {
  config: Pick<Config, 'subscriptions' | 'trustProxy' | 'env' | 'rateLimits'>;
  /** Counts each upgrade as one request of its address, on the HTTP requests' own counter (RATE_LIMIT_IP). */
  db: Queryable;
  schema: GraphQLSchema;
  services: ApiServices;
  credentials: Pick<CredentialChecker, 'check'>;
  logger?: Logger | undefined;
}

interface Connection {
  address: string;
  principal: Principal | undefined;
}

const CREDENTIAL_KEYS = ['oauth2-token', 'x-api-key', 'authorization'] as const;

/** The credential of a connection: from the connection_init payload when it names one, else the upgrade request's headers. */
export function credentialHeaders(params: Readonly<Record<string, unknown>> | undefined, request: IncomingMessage): Record<string, string> {
  const fromPayload: Record<string, string> = {};
  let named = false;
  for (const [key, value] of Object.entries(params ?? {})) {
    const name = key.toLowerCase();
    if (!(CREDENTIAL_KEYS as readonly string[]).includes(name) && name !== 'dpop') continue;
    named ||= name !== 'dpop';
    // Two spellings of one key, or a value that is not a string: the checker refuses it as malformed.
    fromPayload[name] = name in fromPayload || typeof value !== 'string' ? '\u0000' : value;
  }
  if (named) return fromPayload;
  const fromHeaders: Record<string, string> = {};
  for (const name of [...CREDENTIAL_KEYS, 'dpop']) {
    const value = request.headers[name];
    if (typeof value === 'string') fromHeaders[name] = value;
  }
  return fromHeaders;
}

const coded = (message: string, code: string) => new GraphQLError(message, { extensions: { code } });

/** Errors a client may see: ours (coded GraphQL errors) as they are, anything else hidden and logged. */
function publicErrors(errors: readonly GraphQLError[], logger: Logger | undefined) {
  return errors.map((e) => {
    const original = e.originalError;
    if (!original || original instanceof GraphQLError) return e.extensions?.code ? e.toJSON() : { ...e.toJSON(), extensions: { ...e.extensions, code: 'GRAPHQL_VALIDATION_FAILED' } };
    const unavailable = original instanceof DatabaseUnavailableError;
    if (!unavailable) logger?.error({ err: original, path: e.path }, 'graphql subscription failed');
    return { message: unavailable ? 'The service is briefly unavailable' : 'Internal error', path: e.path, extensions: { code: unavailable ? 'UNAVAILABLE' : 'INTERNAL_ERROR' } };
  });
}

export function attachSubscriptionServer(app: FastifyInstance, deps: SubscriptionServerDeps): void {
  const limits = deps.config.subscriptions;
  const trust = trustFunction(deps.config.trustProxy);
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes });
  const registry = createConnectionRegistry({
    credentials: deps.credentials,
    perCredential: limits.connectionsPerCredential,
    perAddress: limits.connectionsPerAddress,
    onError: (error) => deps.logger?.warn({ err: error }, 'subscription credential re-check failed'),
  });
  const connections = new WeakMap<WebSocket, Connection>();

  const counter = createCounter(deps.db);
  const { perIp, windowSeconds } = deps.config.rateLimits;
  /** Retry-After seconds when the address is over its request rate; a database outage lets it through. */
  const overRate = async (address: string): Promise<number | undefined> => {
    if (perIp <= 0) return undefined;
    const count = await counter.hit(`http:ip:${address}`, windowSeconds).catch(() => undefined);
    return count && count.hits > perIp ? count.retryAfter : undefined;
  };

  app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    upgrade(request, socket, head).catch((error: unknown) => {
      deps.logger?.error({ err: error }, 'websocket upgrade failed');
      socket.destroy();
    });
  });

  async function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/graphql') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const address = addressKey(clientAddress(request, trust));
    const retryAfter = await overRate(address);
    if (retryAfter !== undefined) {
      socket.end(`HTTP/1.1 429 Too Many Requests\r\nRetry-After: ${retryAfter}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    if (socket.destroyed) return;
    wss.handleUpgrade(request, socket, head, (ws) => {
      if (!registry.admitAddress(address, ws)) {
        ws.close(CloseCode.Forbidden, 'Too many connections from this address');
        return;
      }
      // A peer's bad frame (too large, bad UTF-8, bad opcode): ws has already closed the socket with the
      // right code (1009, 1007, 1002); the error is the peer's, so it is logged here and not passed on.
      const emit = ws.emit.bind(ws);
      ws.emit = (event: string | symbol, ...args: unknown[]) => {
        if (event !== 'error') return emit(event, ...args);
        deps.logger?.debug({ code: (args[0] as { code?: string } | undefined)?.code }, 'websocket frame refused');
        return true;
      };
      connections.set(ws, { address, principal: undefined });
      ws.once('close', (code) => {
        registry.release(address, ws);
        recordWebSocketClosed(code);
      });
      wss.emit('connection', ws, request);
    });
  }

  const socketOf = (ctx: WsContext<Record<string, unknown>, Extra>) => ctx.extra.socket;
  const acknowledged = new Set<WsContext<Record<string, unknown>, Extra>>();
  const unwatch = watchSubscriptions(() => ({
    sockets: wss.clients.size,
    subscriptions: [...acknowledged].reduce((n, ctx) => n + Object.keys(ctx.subscriptions).length, 0),
  }));

  const server = useServer(
    {
      schema: deps.schema,
      connectionInitWaitTimeout: limits.initTimeoutSeconds * 1000,
      isProd: deps.config.env === 'production',
      onConnect: async (ctx) => {
        const socket = socketOf(ctx);
        const connection = connections.get(socket);
        if (!connection) return false;
        const headers = credentialHeaders(ctx.connectionParams, ctx.extra.request);
        const checked = await deps.credentials.check(headers, 'GET').catch(() => undefined);
        if (!checked || (!checked.ok && checked.error.error === 'temporarily_unavailable')) {
          socket.close(1013, 'Try again later');
          return false;
        }
        if (!checked.ok) {
          socket.close(CloseCode.Unauthorized, 'Unauthorized');
          return false;
        }
        if (checked.value && !registry.admitCredential(headers, socket)) {
          socket.close(CloseCode.Forbidden, 'Too many connections for this credential');
          return false;
        }
        connection.principal = checked.value;
        acknowledged.add(ctx);
        return true;
      },
      onClose: (ctx) => void acknowledged.delete(ctx),
      onSubscribe: (ctx, _id, payload: SubscribePayload) => {
        const connection = connections.get(socketOf(ctx));
        if (Object.keys(ctx.subscriptions).length > limits.perConnection) {
          return [coded(`At most ${limits.perConnection} subscriptions per connection`, 'TOO_MANY_SUBSCRIPTIONS')];
        }
        let document;
        try {
          document = parse(payload.query, { maxTokens: LIMITS.maxTokens });
        } catch (error) {
          return [coded(error instanceof Error ? error.message : 'Syntax Error', 'GRAPHQL_PARSE_FAILED')];
        }
        const invalid = validate(deps.schema, document, undefined, { maxErrors: 10 });
        if (invalid.length) return invalid.map((e) => coded(e.message, 'GRAPHQL_VALIDATION_FAILED'));
        const operation = getOperationAST(document, payload.operationName ?? null);
        if (!operation) return [coded('No single operation to run: name one with operationName', 'BAD_REQUEST')];
        if (operation.operation !== 'subscription') return [coded('Only subscriptions run over WebSocket: send queries and mutations with POST /graphql', 'BAD_REQUEST')];
        const variables = payload.variables ?? {};
        const tooBig = checkLimits(document, operation, variables);
        if (tooBig) return [tooBig];
        const contextValue: ApiContext = { principal: connection?.principal, services: deps.services, idempotencyKey: undefined, memo: {} };
        const args: ExecutionArgs = { schema: deps.schema, document, variableValues: variables, operationName: payload.operationName ?? null, contextValue };
        return args;
      },
      onNext: (_ctx, _id, _payload, _args, result: ExecutionResult) =>
        result.errors ? { ...result, errors: publicErrors(result.errors, deps.logger) } : undefined,
      onError: (_ctx, _id, _payload, errors) => publicErrors(errors, deps.logger),
    },
    wss,
    limits.keepAliveSeconds * 1000,
  );

  // Closing: every socket is told 1001 Going away; one that does not answer within a second is dropped.
  app.addHook('preClose', async () => {
    registry.close();
    unwatch();
    for (const ws of wss.clients) ws.close(1001, 'Going away');
    if (wss.clients.size) await new Promise((resolve) => setTimeout(resolve, 1000).unref());
    for (const ws of wss.clients) ws.terminate();
    await server.dispose();
  });
}
