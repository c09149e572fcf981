// GraphQL subscriptions in tests: a real graphql-ws client (graphql-transport-ws over `ws`) against a
// running API, whose close event and every result are kept, and a raw WebSocket for protocol abuse.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface Closed {
  code: number;
  reason: string;
}

export interface TestSubscriber {
  client: Client;
  /** Resolves when the socket closes, with its code and reason. */
  closed: Promise<Closed>;
  dispose(): Promise<void>;
}

export const wsUrl = (apiBase: string): string => `${apiBase.replace(/^http/, 'ws')}/graphql`;

/** A graphql-ws client that connects at once, never retries, and sends `headers` on the upgrade request. */
export function subscriber(apiBase: string, options: { connectionParams?: Record<string, unknown>; headers?: Record<string, string> } = {}): TestSubscriber {
  let resolveClosed!: (c: Closed) => void;
  const closed = new Promise<Closed>((resolve) => (resolveClosed = resolve));
  const headers = options.headers;
  class HeaderSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  }
  const client = createClient({
    url: wsUrl(apiBase),
    webSocketImpl: headers ? HeaderSocket : WebSocket,
    connectionParams: options.connectionParams,
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: () => {},
    on: {
      closed: (event) => {
        const e = event as { code: number; reason: string | Buffer };
        resolveClosed({ code: e.code, reason: String(e.reason) });
      },
    },
  });
  return {
    client,
    closed,
    dispose: () => client.dispose() as Promise<void>,
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Result = { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };

export interface Collected {
  results: Result[];
  /** The error message's payload or the close event, if the subscription failed. */
  error: unknown;
  /** Resolves when the server completes the subscription (or it fails). */
  done: Promise<void>;
  /** Waits for the n-th result (1-based). */
  nth(n: number, timeoutMs?: number): Promise<Result>;
  /** Waits for a result matching `match`. */
  find(match: (r: Result) => boolean, timeoutMs?: number): Promise<Result>;
  /** Completes the subscription from the client. */
  stop(): void;
}

export function collect(client: Client, query: string, variables: Record<string, unknown> = {}): Collected {
  const results: Result[] = [];
  const waiters = new Set<() => void>();
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const wake = () => waiters.forEach((w) => w());
  const collected: Collected = {
    results,
    error: undefined,
    done,
    stop: () => unsubscribe(),
    find(match, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = results.find(match);
          if (found) {
            cleanup();
            resolve(found);
          } else if (collected.error !== undefined) {
            cleanup();
            reject(new Error(`the subscription failed: ${JSON.stringify(collected.error)}; results ${JSON.stringify(results)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching result within ${timeoutMs} ms; results ${JSON.stringify(results)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    nth(n, timeoutMs) {
      return collected.find((r) => results.indexOf(r) === n - 1, timeoutMs);
    },
  };
  const unsubscribe = client.subscribe(
    { query, variables },
    {
      next: (value) => {
        results.push(value as Result);
        wake();
      },
      error: (error) => {
        const close = error as { code?: unknown; reason?: unknown } | undefined;
        collected.error = error instanceof Error ? error.message : close && typeof close === 'object' && typeof close.code === 'number' ? { code: close.code, reason: String(close.reason) } : error;
        wake();
        finish();
      },
      complete: () => finish(),
    },
  );
  return collected;
}

/** A raw WebSocket speaking graphql-transport-ws (or `protocol`), for frames a real client never sends. */
export async function rawSocket(apiBase: string, options: { protocol?: string; autoPong?: boolean } = {}): Promise<{ ws: WebSocket; messages: unknown[]; closed: Promise<Closed> }> {
  const ws = new WebSocket(wsUrl(apiBase), options.protocol ?? 'graphql-transport-ws', { autoPong: options.autoPong ?? true });
  const messages: unknown[] = [];
  ws.on('message', (data) => {
    const text = String(data);
    try {
      messages.push(JSON.parse(text));
    } catch {
      messages.push(text);
    }
  });
  const closed = new Promise<Closed>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, messages, closed };
}
