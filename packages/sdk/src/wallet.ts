// A typed client for the wallet's GraphQL API (Blink's schema). Signed-in calls send the OAuth access token in
// the `Oauth2-Token` header, as Blink's API expects; public calls (invoices on behalf of a recipient, payment
// status) need no token. Failures come back as typed errors, never as exceptions. Subscriptions (invoice
// status, the user's updates, prices) go over the API's WebSocket (subscriptions.ts).
import { lightgateError, type LightgateError, type LightgateErrorCode } from './errors.ts';
import { err, ok, type Result } from './result.ts';
import { createSubscriptionConnection } from './subscriptions.ts';

export type WalletCurrency = 'BTC' | 'USD';
export type InvoicePaymentStatus = 'PENDING' | 'PAID' | 'EXPIRED';
export type PaymentSendResult = 'SUCCESS' | 'FAILURE' | 'PENDING' | 'ALREADY_PAID';

export interface Wallet {
  id: string;
  walletCurrency: WalletCurrency;
  /** Sats for BTC wallets, cents for USD wallets. */
  balance: number;
}

export interface Me {
  id: string;
  /** Null until the user picks one (userUpdateUsername). */
  username: string | null;
  defaultAccount: {
    id: string;
    defaultWalletId: string;
    wallets: Wallet[];
  };
}

export interface LnInvoice {
  paymentRequest: string;
  paymentHash: string;
  paymentSecret: string;
  satoshis: number;
}

export interface WalletClientOptions {
  /** The GraphQL endpoint, e.g. `http://localhost:4002/graphql`. */
  url: string | URL;
  /** The access token, or a function returning a fresh one (for example after a refresh). Omit for public calls. */
  accessToken?: string | (() => string | Promise<string>);
  /** Per-request timeout in seconds (default 30). */
  timeoutSeconds?: number;
  fetch?: typeof fetch;
  /** The WebSocket URL of the subscriptions; default `url` with ws:// or wss://. */
  subscriptionsUrl?: string | URL;
  /** A WebSocket class where the runtime has none (Node 20: `import WebSocket from 'ws'`). */
  webSocketImpl?: unknown;
}

/** One update of myUpdates (scope read): a payment sent or received, an invoice paid, or the price. */
export type MyUpdate =
  | { __typename: 'IntraLedgerUpdate'; txNotificationType: 'IntraLedgerPayment' | 'IntraLedgerReceipt'; walletId: string; transaction: UpdateTransaction }
  | { __typename: 'LnUpdate'; status: InvoicePaymentStatus; paymentHash: string; walletId: string; transaction: UpdateTransaction }
  | { __typename: 'RealtimePrice'; btcSatPrice: { base: number; offset: number }; denominatorCurrency: string };

export interface UpdateTransaction {
  id: string;
  direction: 'SEND' | 'RECEIVE';
  /** Signed, in the wallet's unit (sats or cents). */
  settlementAmount: number;
  settlementCurrency: WalletCurrency;
  memo: string | null;
}

interface GraphQLErrorBody {
  message?: string;
  extensions?: { code?: string };
}
interface PayloadError {
  code?: string | null;
  message: string;
}

export interface WalletClient {
  /** Any query or mutation, for what the typed helpers do not cover. */
  request<T>(query: string, variables?: Record<string, unknown>): Promise<Result<T, LightgateError>>;
  /** The signed-in user: username, default wallet and balances (scope read). */
  me(): Promise<Result<Me, LightgateError>>;
  /** The scopes this credential holds. */
  scopes(): Promise<Result<string[], LightgateError>>;
  /** An invoice paid into someone else's wallet; public, no token needed (Blink's POS flow). */
  createInvoiceOnBehalfOfRecipient(input: { recipientWalletId: string; amount: number; memo?: string; expiresIn?: number }): Promise<Result<LnInvoice, LightgateError>>;
  /** An invoice into one of the signed-in user's wallets (scope receive). */
  createInvoice(input: { walletId: string; amount: number; memo?: string; expiresIn?: number }): Promise<Result<LnInvoice, LightgateError>>;
  /** Public: PENDING, PAID or EXPIRED. */
  invoicePaymentStatus(paymentRequest: string): Promise<Result<InvoicePaymentStatus, LightgateError>>;
  /** Pays a BOLT11 invoice from one of the signed-in user's wallets (scope write). */
  payInvoice(input: { walletId: string; paymentRequest: string; memo?: string }): Promise<Result<PaymentSendResult, LightgateError>>;
  /**
   * Watches the invoice (subscription) until PAID; `timeout` or `invoice_expired` otherwise. Where the
   * WebSocket cannot be reached it polls the status every `intervalMs` instead.
   */
  waitForPayment(paymentRequest: string, options?: { intervalMs?: number; timeoutMs?: number; signal?: AbortSignal }): Promise<Result<'PAID', LightgateError>>;
  /** Any subscription, typed by the caller: each event as ok(data), a failure as one err, then the end. */
  subscribe<T>(query: string, variables?: Record<string, unknown>): AsyncIterableIterator<Result<T, LightgateError>>;
  /** Public: the invoice's status now, then each change until it is paid or expires. */
  invoiceStatusUpdates(paymentRequest: string): AsyncIterableIterator<Result<InvoicePaymentStatus, LightgateError>>;
  /** The signed-in user's updates (scope read): the price first, then payments and paid invoices as they settle. */
  myUpdates(): AsyncIterableIterator<Result<MyUpdate, LightgateError>>;
  /** Closes the WebSocket (open subscriptions end). */
  close(): Promise<void>;
}

const STATUS_SUBSCRIPTION = 'subscription Status($input: LnInvoicePaymentStatusByPaymentRequestInput!) { lnInvoicePaymentStatusByPaymentRequest(input: $input) { errors { code message } status } }';
const UPDATE_TX = 'transaction { id direction settlementAmount settlementCurrency memo }';
const MY_UPDATES = `subscription MyUpdates { myUpdates { errors { code message } update { __typename
  ... on IntraLedgerUpdate { txNotificationType walletId ${UPDATE_TX} }
  ... on LnUpdate { status paymentHash walletId ${UPDATE_TX} }
  ... on RealtimePrice { btcSatPrice { base offset } denominatorCurrency } } } }`;

/**
 * Maps each ok value of a subscription (undefined skips it). Not an async generator: return() must stop the
 * source at once, also while a next() waits for the server (a generator would wait for that next first).
 */
function mapped<T, U>(source: AsyncIterableIterator<Result<T, LightgateError>>, map: (value: T) => Result<U, LightgateError> | undefined): AsyncIterableIterator<Result<U, LightgateError>> {
  const iterator: AsyncIterableIterator<Result<U, LightgateError>> = {
    async next() {
      for (;;) {
        const n = await source.next();
        if (n.done) return { value: undefined, done: true };
        const out = n.value.ok ? map(n.value.value) : n.value;
        if (out) return { value: out, done: false };
      }
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

const ME = /* GraphQL */ `
  query Me {
    me {
      id
      username
      defaultAccount { id defaultWalletId wallets { id walletCurrency balance } }
    }
  }
`;

const INVOICE_FIELDS = 'paymentRequest paymentHash paymentSecret satoshis';

/** GraphQL error codes of the wallet API → SDK codes. */
const API_CODES: Record<string, LightgateErrorCode> = {
  UNAUTHENTICATED: 'unauthenticated',
  NOT_AUTHENTICATED: 'unauthenticated',
  INSUFFICIENT_SCOPE: 'insufficient_scope',
  BAD_REQUEST: 'bad_request',
  GRAPHQL_PARSE_FAILED: 'bad_request',
  GRAPHQL_VALIDATION_FAILED: 'bad_request',
  INVALID_INPUT: 'bad_request',
  QUERY_TOO_DEEP: 'bad_request',
  QUERY_TOO_COSTLY: 'bad_request',
  TOO_MANY_REQUESTS: 'rate_limited',
  UNAVAILABLE: 'server_unavailable',
  INTERNAL_ERROR: 'server_unavailable',
};

function statusCode(status: number): LightgateErrorCode {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'insufficient_scope';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_unavailable';
  return 'bad_request';
}

function payloadError(errors: PayloadError[] | undefined): LightgateError | undefined {
  const first = errors?.[0];
  if (!first) return undefined;
  return lightgateError('operation_failed', first.message, first.code ? { apiCode: first.code } : {});
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });

export function createWalletClient(options: WalletClientOptions): WalletClient {
  const url = new URL(options.url);
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = (options.timeoutSeconds ?? 30) * 1000;
  const ws = createSubscriptionConnection({
    url: String(options.subscriptionsUrl ?? url.href.replace(/^http/, 'ws')),
    accessToken: options.accessToken,
    webSocketImpl: options.webSocketImpl,
  });

  function invoiceStatusUpdates(paymentRequest: string) {
    type Payload = { lnInvoicePaymentStatusByPaymentRequest: { errors: PayloadError[]; status: InvoicePaymentStatus | null } };
    return mapped(ws.subscribe<Payload>(STATUS_SUBSCRIPTION, { input: { paymentRequest } }), (value): Result<InvoicePaymentStatus, LightgateError> | undefined => {
      const payload = value.lnInvoicePaymentStatusByPaymentRequest;
      const failure = payloadError(payload.errors);
      return failure ? err(failure) : payload.status ? ok(payload.status) : undefined;
    });
  }

  /** PAID, EXPIRED, an error, or undefined when the subscription ended without a final status. */
  async function watchUntilFinal(paymentRequest: string, signal: AbortSignal): Promise<Result<InvoicePaymentStatus, LightgateError> | undefined> {
    const updates = invoiceStatusUpdates(paymentRequest);
    const stop = () => void updates.return!();
    if (signal.aborted) stop();
    signal.addEventListener('abort', stop, { once: true });
    try {
      for await (const r of updates) if (!r.ok || r.value !== 'PENDING') return r;
      return undefined;
    } finally {
      signal.removeEventListener('abort', stop);
    }
  }

  async function request<T>(query: string, variables: Record<string, unknown> = {}): Promise<Result<T, LightgateError>> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (options.accessToken !== undefined) {
      const token = typeof options.accessToken === 'function' ? await options.accessToken() : options.accessToken;
      if (token) headers['oauth2-token'] = token;
    }
    let response: Response;
    try {
      response = await doFetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }), signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      return err(lightgateError('network_error', `POST ${url.href} failed: ${(e as Error).message}`, { cause: e }));
    }
    let body: { data?: T | null; errors?: GraphQLErrorBody[]; error?: string; error_description?: string };
    try {
      body = (await response.json()) as typeof body;
    } catch (e) {
      return err(lightgateError(response.ok ? 'invalid_response' : statusCode(response.status), `The API answered ${response.status} without JSON`, { status: response.status, cause: e }));
    }
    const first = body.errors?.[0];
    if (first || !response.ok) {
      const apiCode = first?.extensions?.code;
      const code = (apiCode ? API_CODES[apiCode] : undefined) ?? (response.ok ? 'operation_failed' : statusCode(response.status));
      return err(lightgateError(code, first?.message ?? body.error_description ?? `The API answered ${response.status}`, {
        status: response.status,
        ...(apiCode ? { apiCode } : {}),
        ...(body.error ? { oauthError: body.error } : {}),
      }));
    }
    if (body.data === undefined || body.data === null) return err(lightgateError('invalid_response', 'The API answered without data', { status: response.status }));
    return ok(body.data);
  }

  async function invoice(field: string, input: Record<string, unknown>, inputType: string): Promise<Result<LnInvoice, LightgateError>> {
    const query = `mutation Invoice($input: ${inputType}!) { ${field}(input: $input) { errors { code message } invoice { ${INVOICE_FIELDS} } } }`;
    const result = await request<Record<string, { errors: PayloadError[]; invoice: LnInvoice | null }>>(query, { input });
    if (!result.ok) return result;
    const payload = result.value[field];
    const failure = payloadError(payload?.errors);
    if (failure) return err(failure);
    if (!payload?.invoice) return err(lightgateError('invalid_response', `${field} returned no invoice`));
    return ok(payload.invoice);
  }

  async function invoicePaymentStatus(paymentRequest: string): Promise<Result<InvoicePaymentStatus, LightgateError>> {
    const query = 'query Status($input: LnInvoicePaymentStatusInput!) { lnInvoicePaymentStatus(input: $input) { errors { code message } status } }';
    const result = await request<{ lnInvoicePaymentStatus: { errors: PayloadError[]; status: InvoicePaymentStatus | null } }>(query, { input: { paymentRequest } });
    if (!result.ok) return result;
    const failure = payloadError(result.value.lnInvoicePaymentStatus.errors);
    if (failure) return err(failure);
    const { status } = result.value.lnInvoicePaymentStatus;
    return status ? ok(status) : err(lightgateError('invalid_response', 'lnInvoicePaymentStatus returned no status'));
  }

  return {
    request,

    async me() {
      const result = await request<{ me: Me | null }>(ME);
      if (!result.ok) return result;
      return result.value.me ? ok(result.value.me) : err(lightgateError('unauthenticated', 'No user is signed in with this credential'));
    },

    async scopes() {
      const result = await request<{ authorization: { scopes: string[] } }>('query { authorization { scopes } }');
      return result.ok ? ok(result.value.authorization.scopes.map((s) => s.toLowerCase())) : result;
    },

    createInvoiceOnBehalfOfRecipient(input) {
      return invoice('lnInvoiceCreateOnBehalfOfRecipient', input, 'LnInvoiceCreateOnBehalfOfRecipientInput');
    },

    createInvoice(input) {
      return invoice('lnInvoiceCreate', input, 'LnInvoiceCreateInput');
    },

    invoicePaymentStatus,

    async payInvoice(input) {
      const query = 'mutation Pay($input: LnInvoicePaymentInput!) { lnInvoicePaymentSend(input: $input) { errors { code message } status } }';
      const result = await request<{ lnInvoicePaymentSend: { errors: PayloadError[]; status: PaymentSendResult | null } }>(query, { input });
      if (!result.ok) return result;
      const failure = payloadError(result.value.lnInvoicePaymentSend.errors);
      if (failure) return err(failure);
      const { status } = result.value.lnInvoicePaymentSend;
      if (status === 'FAILURE' || !status) return err(lightgateError('operation_failed', 'The payment failed', { apiCode: status ?? 'NO_STATUS' }));
      return ok(status);
    },

    async waitForPayment(paymentRequest, { intervalMs = 1000, timeoutMs = 5 * 60_000, signal } = {}) {
      const deadline = Date.now() + timeoutMs;
      const stopped = AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])]);
      const watched = await watchUntilFinal(paymentRequest, stopped);
      if (watched?.ok && watched.value === 'PAID') return ok('PAID');
      if (watched?.ok && watched.value === 'EXPIRED') return err(lightgateError('invoice_expired', 'The invoice expired before it was paid'));
      if (watched && !watched.ok && watched.error.code !== 'network_error') return watched;
      if (stopped.aborted) return err(lightgateError('timeout', signal?.aborted ? 'Stopped waiting for the payment' : `The invoice was not paid within ${Math.round(timeoutMs / 1000)} s`));
      // No WebSocket (a proxy that refuses upgrades): poll until the deadline.
      for (;;) {
        const status = await invoicePaymentStatus(paymentRequest);
        // A network blip while waiting is not the end: try again until the deadline.
        if (!status.ok && status.error.code !== 'network_error' && status.error.code !== 'server_unavailable' && status.error.code !== 'rate_limited') return status;
        if (status.ok && status.value === 'PAID') return ok('PAID');
        if (status.ok && status.value === 'EXPIRED') return err(lightgateError('invoice_expired', 'The invoice expired before it was paid'));
        if (signal?.aborted) return err(lightgateError('timeout', 'Stopped waiting for the payment'));
        if (Date.now() + intervalMs > deadline) return err(lightgateError('timeout', `The invoice was not paid within ${Math.round(timeoutMs / 1000)} s`));
        await sleep(intervalMs, signal);
      }
    },

    subscribe: (query, variables) => ws.subscribe(query, variables),
    invoiceStatusUpdates,

    myUpdates() {
      type Payload = { myUpdates: { errors: PayloadError[]; update: MyUpdate | null } };
      return mapped(ws.subscribe<Payload>(MY_UPDATES), (value): Result<MyUpdate, LightgateError> | undefined => {
        const failure = payloadError(value.myUpdates.errors);
        return failure ? err(failure) : value.myUpdates.update ? ok(value.myUpdates.update) : undefined;
      });
    },

    close: () => ws.close(),
  };
}
