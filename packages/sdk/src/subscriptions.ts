// GraphQL subscriptions over the wallet API's WebSocket (the graphql-transport-ws protocol, through the
// graphql-ws client, as Blink's own apps use it). The access token goes in the connection_init payload as
// `Oauth2-Token`; public subscriptions (invoice status, prices) need none. Each subscription is an async
// iterator of Results: data as ok, a GraphQL or connection error as one err, after which it ends.
import { createClient, type Client } from 'graphql-ws';
import { lightgateError, type LightgateError, type LightgateErrorCode } from './errors.ts';
import { err, ok, type Result } from './result.ts';

export interface SubscriptionOptions {
  /** The WebSocket endpoint; default the GraphQL URL with ws:// or wss://. */
  url: string;
  accessToken?: string | (() => string | Promise<string>) | undefined;
  /** A WebSocket implementation where the runtime has none (Node 20: `ws`). */
  webSocketImpl?: unknown;
}

export interface SubscriptionConnection {
  subscribe<T>(query: string, variables?: Record<string, unknown>): AsyncIterableIterator<Result<T, LightgateError>>;
  close(): Promise<void>;
}

const API_CODES: Record<string, LightgateErrorCode> = {
  NOT_AUTHENTICATED: 'unauthenticated',
  INSUFFICIENT_SCOPE: 'insufficient_scope',
  GRAPHQL_PARSE_FAILED: 'bad_request',
  GRAPHQL_VALIDATION_FAILED: 'bad_request',
  BAD_REQUEST: 'bad_request',
  TOO_MANY_SUBSCRIPTIONS: 'rate_limited',
  UNAVAILABLE: 'server_unavailable',
  INTERNAL_ERROR: 'server_unavailable',
};

interface GraphQLErrorLike {
  message?: string;
  extensions?: { code?: string };
}

/** A GraphQL error list, a close event or a network error as one LightgateError. */
export function subscriptionError(error: unknown): LightgateError {
  if (Array.isArray(error)) {
    const first = error[0] as GraphQLErrorLike | undefined;
    const apiCode = first?.extensions?.code;
    return lightgateError((apiCode && API_CODES[apiCode]) || 'operation_failed', first?.message ?? 'The subscription failed', apiCode ? { apiCode } : {});
  }
  const close = error as { code?: unknown; reason?: unknown } | undefined;
  if (close && typeof close.code === 'number') {
    const reason = String(close.reason ?? '') || `closed with ${close.code}`;
    if (close.code === 4401) return lightgateError('unauthenticated', 'The credential was refused or revoked', { status: 401 });
    if (close.code === 4403) return lightgateError('rate_limited', reason);
    return lightgateError('network_error', `The WebSocket closed: ${reason} (${close.code})`);
  }
  return lightgateError('network_error', error instanceof Error ? error.message : 'The WebSocket failed', { cause: error });
}

export function createSubscriptionConnection(options: SubscriptionOptions): SubscriptionConnection {
  let client: Client | undefined;
  const connect = (): Client =>
    (client ??= createClient({
      url: options.url,
      lazy: true,
      retryAttempts: 0,
      ...(options.webSocketImpl ? { webSocketImpl: options.webSocketImpl } : {}),
      connectionParams: async () => {
        const token = typeof options.accessToken === 'function' ? await options.accessToken() : options.accessToken;
        return token ? { 'Oauth2-Token': token } : {};
      },
    }));

  return {
    subscribe<T>(query: string, variables: Record<string, unknown> = {}) {
      const results: Result<T, LightgateError>[] = [];
      let wake: (() => void) | undefined;
      let ended = false;
      const push = (r: Result<T, LightgateError>) => {
        results.push(r);
        wake?.();
      };
      const end = () => {
        ended = true;
        wake?.();
      };
      const unsubscribe = connect().subscribe<T>(
        { query, variables },
        {
          next: (value) => {
            if (value.errors?.length) push(err(subscriptionError(value.errors)));
            else if (value.data) push(ok(value.data as T));
          },
          error: (e) => {
            push(err(subscriptionError(e)));
            end();
          },
          complete: end,
        },
      );
      const iterator: AsyncIterableIterator<Result<T, LightgateError>> = {
        async next() {
          while (results.length === 0 && !ended) await new Promise<void>((resolve) => (wake = resolve));
          const value = results.shift();
          return value ? { value, done: false } : { value: undefined, done: true };
        },
        async return() {
          ended = true;
          unsubscribe();
          wake?.();
          return { value: undefined, done: true };
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },
    async close() {
      await client?.dispose();
      client = undefined;
    },
  };
}
