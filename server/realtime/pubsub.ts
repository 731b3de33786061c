import { Repeater } from '@repeaterjs/repeater';
import type { Logger } from '../ops/logger.ts';
import { connectRedisPubSub } from './redis-pubsub.ts';

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
  /** Never throws and never waits: a payload Redis cannot take reaches this instance only. */
  publish<Payload>(channel: Channel<Payload>, payload: Payload): void;
  /** Calls `listener` for each payload until the returned function is called. */
  listen<Payload>(channel: Channel<Payload>, listener: (payload: Payload) => void): () => void;
  /** The payloads as an async iterable; returning from it unsubscribes. */
  subscribe<Payload>(channel: Channel<Payload>): AsyncIterable<Payload>;
  /**
   * Calls `listener` each time live delivery may have lost payloads and is whole again: this
   * instance's Redis subscription was cut and is back, or an instance whose publishes failed
   * can publish again. Subscribers then catch up from the database. Called synchronously and
   * before any payload that follows the gap, so a listener can hold those back until it has
   * caught up. Never called in-process.
   */
  onResumed(listener: () => void): () => void;
  /** How delivery through Redis fared, for monitoring; all zero in-process. */
  readonly stats: PubSubStats;
  close(): Promise<void>;
}

/** Counters of the Redis pub/sub since start, for monitoring. */
export interface PubSubStats {
  /** Payloads Redis did not take: they reached this instance's subscribers only. */
  readonly failedPublishes: number;
  /** Times the subscription connection was lost (each followed by a catch-up when it returns). */
  readonly lostSubscriptions: number;
  /** Times subscribers were told to catch up ({@link PubSub.onResumed}). */
  readonly resumes: number;
}

/** An in-process pub/sub, or one backed by Redis at `redisUrl`; its troubles go to `logger`. */
export async function createPubSub(redisUrl: string | null, logger: Logger): Promise<PubSub> {
  if (redisUrl === null) {
    const topics = new LocalTopics(logger);
    return pubSubOver({
      topics,
      publish: (name, payload) => topics.deliver(name, payload),
      onResumed: () => () => {},
      stats: { failedPublishes: 0, lostSubscriptions: 0, resumes: 0 },
      close: async () => {},
    });
  }
  return pubSubOver(await connectRedisPubSub(redisUrl, new LocalTopics(logger), logger));
}

/** What a transport gives {@link pubSubOver}: where payloads go and where they arrive. */
export interface Transport {
  /** This instance's listeners, by channel name; the transport delivers into it. */
  readonly topics: LocalTopics;
  publish(name: string, payload: unknown): void;
  onResumed(listener: () => void): () => void;
  readonly stats: PubSubStats;
  close(): Promise<void>;
}

function pubSubOver(transport: Transport): PubSub {
  const { topics } = transport;
  function listen<Payload>(
    channel: Channel<Payload>,
    listener: (payload: Payload) => void,
  ): () => void {
    // Topics carry payloads untyped; the channel restores the type its publisher used.
    const onPayload = (payload: unknown) => listener(payload as Payload);
    topics.add(channel.name, onPayload);
    return () => topics.remove(channel.name, onPayload);
  }
  return {
    publish: (channel, payload) => transport.publish(channel.name, payload),
    listen,
    subscribe<Payload>(channel: Channel<Payload>) {
      return new Repeater<Payload>(async (push, stop) => {
        const unlisten = listen(channel, (payload) => void push(payload));
        await stop;
        unlisten();
      });
    },
    onResumed: (listener) => transport.onResumed(listener),
    get stats() {
      return transport.stats;
    },
    close: () => transport.close(),
  };
}

/**
 * The listeners of this instance, by channel name. `add` and `remove` report when a channel
 * gains its first listener or loses its last, which is when Redis must (un)subscribe it.
 */
export class LocalTopics {
  readonly #listeners = new Map<string, Set<(payload: unknown) => void>>();
  readonly #logger: Logger;
  #onFirst: (name: string) => void = () => {};
  #onLast: (name: string) => void = () => {};

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Called when a channel gains its first listener, and when it loses its last. */
  watch(onFirst: (name: string) => void, onLast: (name: string) => void): void {
    this.#onFirst = onFirst;
    this.#onLast = onLast;
  }

  add(name: string, listener: (payload: unknown) => void): void {
    let listeners = this.#listeners.get(name);
    if (listeners === undefined) {
      listeners = new Set();
      this.#listeners.set(name, listeners);
      this.#onFirst(name);
    }
    listeners.add(listener);
  }

  remove(name: string, listener: (payload: unknown) => void): void {
    const listeners = this.#listeners.get(name);
    if (listeners === undefined || !listeners.delete(listener) || listeners.size > 0) return;
    this.#listeners.delete(name);
    this.#onLast(name);
  }

  /** Every channel with a listener. */
  names(): string[] {
    return [...this.#listeners.keys()];
  }

  /** Hands `payload` to every listener of the channel; one failing listener stops no other. */
  deliver(name: string, payload: unknown): void {
    for (const listener of [...(this.#listeners.get(name) ?? [])]) {
      try {
        listener(payload);
      } catch (error) {
        this.#logger.error({ err: error, channel: name }, 'A pub/sub listener failed');
      }
    }
  }
}
