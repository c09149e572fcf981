// The request id of the flow being served, carried through in-process calls by AsyncLocalStorage and
// across services by the x-request-id header (honoured when sane, generated otherwise).
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

export interface RequestContext {
  readonly requestId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's id when it is a short token of safe characters (it reaches logs), else a fresh one. */
export function acceptRequestId(value: unknown): string {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' && SANE_ID.test(v) ? v : randomUUID();
}

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}

/** pino mixin: every log line written while serving a request carries its id. */
export function requestIdMixin(): Record<string, string> {
  const id = currentRequestId();
  return id ? { requestId: id } : {};
}

/** Headers to add to an outgoing call so the next service logs the same request id. */
export function forwardRequestId(): Record<string, string> {
  const id = currentRequestId();
  return id ? { [REQUEST_ID_HEADER]: id } : {};
}
