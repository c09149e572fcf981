// The source stream of one subscription: values pushed by the event hub, pulled by graphql-js's subscribe.
// An async generator cannot be stopped while it awaits (return() waits for the pending next()), so a client's
// `complete` or a closing socket would hang on an idle subscription: this queue answers return() at once,
// resolves the pending pull with done and runs the cleanup (unsubscribe from the hub) exactly once.
// The buffer is bounded: a subscriber that does not read (slow socket) loses the oldest values, never memory.

export interface EventQueue<T> extends AsyncIterableIterator<T> {
  push(value: T): void;
  /** Ends the stream after the buffered values (e.g. an invoice that is paid). */
  end(): void;
  /** Ends the stream with an error (sent to the client as an `error` message). */
  fail(error: Error): void;
  readonly closed: boolean;
}

export function createEventQueue<T>(options: { maxBuffered?: number; onClose?: () => void } = {}): EventQueue<T> {
  const maxBuffered = options.maxBuffered ?? 50;
  const buffer: T[] = [];
  let waiting: ((r: IteratorResult<T>) => void) | undefined;
  let waitingFail: ((e: Error) => void) | undefined;
  let ending = false;
  let failure: Error | undefined;
  let closed = false;

  const close = () => {
    if (closed) return;
    closed = true;
    buffer.length = 0;
    options.onClose?.();
  };
  const settleWaiting = () => {
    if (!waiting) return;
    const resolve = waiting;
    const reject = waitingFail!;
    waiting = waitingFail = undefined;
    if (buffer.length) resolve({ value: buffer.shift()!, done: false });
    else if (failure) {
      const e = failure;
      close();
      reject(e);
    } else {
      close();
      resolve({ value: undefined, done: true });
    }
  };

  const queue: EventQueue<T> = {
    get closed() {
      return closed;
    },
    push(value) {
      if (closed || ending) return;
      if (waiting) {
        const resolve = waiting;
        waiting = waitingFail = undefined;
        resolve({ value, done: false });
        return;
      }
      if (buffer.length >= maxBuffered) buffer.shift();
      buffer.push(value);
    },
    end() {
      if (closed || ending) return;
      ending = true;
      settleWaiting();
    },
    fail(error) {
      if (closed || ending) return;
      ending = true;
      failure = error;
      settleWaiting();
    },
    next() {
      if (buffer.length) return Promise.resolve({ value: buffer.shift()!, done: false });
      if (closed) return Promise.resolve({ value: undefined, done: true });
      if (ending) {
        const e = failure;
        close();
        return e ? Promise.reject(e) : Promise.resolve({ value: undefined, done: true });
      }
      return new Promise((resolve, reject) => {
        waiting = resolve;
        waitingFail = reject;
      });
    },
    return() {
      const resolve = waiting;
      waiting = waitingFail = undefined;
      close();
      resolve?.({ value: undefined, done: true });
      return Promise.resolve({ value: undefined, done: true });
    },
    throw(error?: unknown) {
      queue.return!();
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    },
    [Symbol.asyncIterator]() {
      return queue;
    },
  };
  return queue;
}
