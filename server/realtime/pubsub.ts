import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Repeater } from '@repeaterjs/repeater';
import type { Redis } from 'ioredis';
import { connectRedis } from './redis.ts';

/**
 * A named stream of JSON payloads. The type parameter ties a channel to its payload, so a
 * publisher and its subscribers cannot disagree. Payloads cross Redis as JSON: plain data only.
 */
export interface Channel<Payload> {
  readonly name: string;
  /** Never read: carries the payload type. */
  readonly payload?: Payload;
}

export function channel<Payload>(name: string): Channel<Payload> {
  return { name };
}

/**
 * Publish and subscribe across every server instance: through Redis when configured,
 * in-process otherwise. Publish after the write commits, so a subscriber that reads the
 * database on an event sees the write.
 */
export interface PubSub {
  publish<Payload>(channel: Channel<Payload>, payload: Payload): void;
  /** Calls `listener` for each payload until the returned function is called. */
  listen<Payload>(channel: Channel<Payload>, listener: (payload: Payload) => void): () => void;
  /** The payloads as an async iterable; returning from it unsubscribes. */
  subscribe<Payload>(channel: Channel<Payload>): AsyncIterable<Payload>;
  close(): Promise<void>;
}

/** What both the in-process EventTarget and the Redis event target offer. */
interface EventBus {
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
  dispatchEvent(event: CustomEvent): boolean;
}

/** An in-process pub/sub, or one backed by Redis at `redisUrl`. */
export async function createPubSub(redisUrl: string | null): Promise<PubSub> {
  if (redisUrl === null) return pubSubOver(new EventTarget(), noop);

  const publishClient = await connectRedis(redisUrl, { maxRetriesPerRequest: 3 });
  let subscribeClient: Redis;
  try {
    subscribeClient = await connectRedis(redisUrl);
  } catch (error) {
    publishClient.disconnect();
    throw error;
  }
  const target = createRedisEventTarget<CustomEvent>({ publishClient, subscribeClient });
  return pubSubOver(target, async () => {
    await Promise.all([publishClient.quit(), subscribeClient.quit()]);
  });
}

function pubSubOver(target: EventBus, close: () => Promise<void>): PubSub {
  function listen<Payload>(
    channel: Channel<Payload>,
    listener: (payload: Payload) => void,
  ): () => void {
    // The bus carries payloads untyped; the channel restores the type its publisher used.
    const onEvent = (event: Event) => listener((event as CustomEvent<Payload>).detail);
    target.addEventListener(channel.name, onEvent);
    return () => target.removeEventListener(channel.name, onEvent);
  }
  return {
    publish(channel, payload) {
      target.dispatchEvent(new CustomEvent(channel.name, { detail: payload }));
    },
    listen,
    subscribe<Payload>(channel: Channel<Payload>) {
      return new Repeater<Payload>(async (push, stop) => {
        const unlisten = listen(channel, (payload) => void push(payload));
        await stop;
        unlisten();
      });
    },
    close,
  };
}

async function noop(): Promise<void> {}
