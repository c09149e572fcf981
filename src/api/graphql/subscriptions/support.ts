// What the subscription areas share: the shape of a Subscription field (subscribe gives a stream of
// payloads, resolve hands each on), and the stream a subscription is built on.
import type { GraphQLResolveInfo } from 'graphql';
import { createEventQueue, type EventQueue } from '../../subscriptions/event-queue.ts';
import type { ApiContext } from '../context.ts';

export interface SubscriptionField<TArgs = Record<string, never>> {
  subscribe(source: unknown, args: TArgs, ctx: ApiContext, info: GraphQLResolveInfo): Promise<AsyncIterable<unknown>> | AsyncIterable<unknown>;
}
export type SubscriptionMap = Record<string, SubscriptionField<never>>;

/**
 * A stream that ends (and unhooks from the event hub) when the client completes the subscription, the
 * socket closes or the source ends it. `start` registers the listeners and returns their removers.
 */
export async function stream<T>(start: (queue: EventQueue<T>) => Promise<(() => void)[]>): Promise<EventQueue<T>> {
  const removers: (() => void)[] = [];
  const queue = createEventQueue<T>({ onClose: () => removers.splice(0).forEach((remove) => remove()) });
  try {
    removers.push(...(await start(queue)));
  } catch (error) {
    void queue.return!();
    throw error;
  }
  if (queue.closed) removers.splice(0).forEach((remove) => remove());
  return queue;
}

/** The payload of each event: the value the stream gives (each event gets a fresh per-event memo). */
export function payload(value: unknown, _args: unknown, ctx: ApiContext): unknown {
  ctx.memo = {};
  return value;
}
