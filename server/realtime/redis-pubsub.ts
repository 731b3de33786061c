import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import type { Redis } from 'ioredis';
import type { Logger } from '../ops/logger.ts';
import type { LocalTopics, Transport } from './pubsub.ts';
import { closeRedis, connectRedis } from './redis.ts';

/**
 * The channel on which an instance whose publishes failed says it can publish again: every
 * instance then catches its subscribers up from the database. Never a channel name of
 * `channels.ts` (those contain a colon-separated id or a plural noun).
 */
export const RESYNC_CHANNEL = 'sonny:pubsub:resync';

/** How long a publish may wait for Redis before it counts as failed. */
const PUBLISH_TIMEOUT_MS = 2_000;
/** How often an instance whose publishes failed tries to say it is back. */
const RESYNC_RETRY_MS = 1_000;
/** What a payload that is not JSON parses to: it is dropped, never delivered. */
const NOT_JSON = Symbol('not JSON');

/** JSON, except that what does not parse becomes {@link NOT_JSON} instead of throwing. */
const serializer = {
  stringify: (payload: unknown) => JSON.stringify(payload),
  parse(message: string): unknown {
    // What the event target itself makes of an empty message.
    if (message === '') return null;
    try {
      return JSON.parse(message);
    } catch {
      return NOT_JSON;
    }
  },
};

/**
 * Pub/sub through Redis, made to survive Redis restarts:
 *
 * - A publish never queues while Redis is away (no offline queue, no retries, a timeout): it
 *   fails fast, is counted, logged once per outage, and its payload still reaches this
 *   instance's own listeners. The write it announces is committed either way.
 * - Once an instance with failed publishes can publish again, it first publishes on
 *   {@link RESYNC_CHANNEL}, ahead of anything else on that connection.
 * - When the subscribe connection comes back, every channel is subscribed again, and payloads
 *   that arrive meanwhile are held until the resume listeners ran.
 *
 * Either way every instance calls its resume listeners before any payload that follows, and
 * live subscriptions catch up from the database (see `replay.ts`): a subscriber misses
 * nothing, even what was published while Redis was down.
 *
 * Payloads travel through `@graphql-yoga/redis-event-target`, which counts the listeners of
 * each channel, (un)subscribes it, and (de)serializes payloads. It calls `publish`,
 * `subscribe` and `unsubscribe` without handling their promises and delivers only what comes
 * back from Redis, so it gets guarded clients (see {@link guarded}): a command Redis refuses
 * is caught, and a refused publish reaches this instance's listeners from here. Its parser may
 * not throw either (it runs inside ioredis's reply handling), so a payload that is not JSON
 * parses to {@link NOT_JSON} and is dropped here.
 */
export async function connectRedisPubSub(
  redisUrl: string,
  topics: LocalTopics,
  logger: Logger,
): Promise<Transport> {
  const publisher = await connectRedis(redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: PUBLISH_TIMEOUT_MS,
  });
  let subscriber: Redis;
  try {
    // Subscriptions are restored by hand below, after which this instance catches up. ioredis's
    // own resubscription would not do: it ignores the promise of its SUBSCRIBE, which rejects
    // (unhandled) when Redis drops again before it replies, and it would also restore channels
    // whose last listener left during the outage.
    subscriber = await connectRedis(redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResubscribe: false,
    });
    await subscriber.subscribe(RESYNC_CHANNEL);
  } catch (error) {
    publisher.disconnect();
    throw error;
  }

  const stats = { failedPublishes: 0, lostSubscriptions: 0, resumes: 0 };
  const resumeListeners = new Set<() => void>();
  const resume = () => {
    stats.resumes++;
    for (const listener of [...resumeListeners]) listener();
  };
  let closing = false;

  // --- Receiving -----------------------------------------------------------------------------
  /** Payloads that arrived while channels were being subscribed again; null when live. */
  let held: Array<[string, unknown]> | null = null;
  const receive = (name: string, payload: unknown) => {
    if (name === RESYNC_CHANNEL) return resume();
    if (payload === NOT_JSON) {
      logger.error({ channel: name }, 'Dropped a pub/sub payload that is not JSON');
      return;
    }
    topics.deliver(name, payload);
  };
  const arrived = (event: CustomEvent<unknown>) => {
    if (held) held.push([event.type, event.detail]);
    else receive(event.type, event.detail);
  };
  let subscriptionLost = false;
  subscriber.on('close', () => {
    if (closing || subscriptionLost) return;
    subscriptionLost = true;
    stats.lostSubscriptions++;
    logger.warn(
      'Lost the Redis pub/sub connection: live events from other instances pause; ' +
        'subscribers catch up from the database when it returns.',
    );
  });
  subscriber.on('ready', () => {
    if (!subscriptionLost || closing) return;
    held ??= [];
    subscriber
      .subscribe(RESYNC_CHANNEL, ...topics.names())
      .then(() => {
        subscriptionLost = false;
        logger.warn('The Redis pub/sub connection is back: subscribers catch up.');
        const waiting = held ?? [];
        held = null;
        resume();
        for (const [name, raw] of waiting) receive(name, raw);
      })
      .catch((error: unknown) => {
        // Lost again before the subscription was confirmed: the next 'ready' tries again.
        if (subscriber.status === 'ready') {
          logger.error({ err: error }, 'Could not subscribe to Redis channels again');
        }
      });
  });

  // --- Publishing ----------------------------------------------------------------------------
  /** Set while this instance has publishes Redis did not take and has not said so. */
  let publishesLost = false;
  let resyncing: Promise<void> | null = null;
  let resyncTimer: ReturnType<typeof setTimeout> | undefined;
  const announceResync = () => {
    if (!publishesLost || resyncing || closing || publisher.status !== 'ready') return;
    // Sent before any later publish on this connection, so Redis delivers it first.
    resyncing = publisher
      .publish(RESYNC_CHANNEL, '')
      .then(
        () => {
          publishesLost = false;
          clearTimeout(resyncTimer);
          logger.warn('Publishing to Redis again: other instances catch up.');
        },
        () => {},
      )
      .finally(() => {
        resyncing = null;
      });
  };
  const retryResync = () => {
    clearTimeout(resyncTimer);
    if (!publishesLost || closing) return;
    resyncTimer = setTimeout(() => {
      announceResync();
      retryResync();
    }, RESYNC_RETRY_MS);
    resyncTimer.unref();
  };
  const publishFailed = (name: string, message: string, error: unknown) => {
    stats.failedPublishes++;
    // This instance's own subscribers need no Redis to hear of its writes.
    receive(name, serializer.parse(message));
    if (publishesLost) return;
    publishesLost = true;
    logger.warn(
      `Redis did not take a publish (${(error as Error).message}): until it does, events ` +
        'reach this instance’s subscribers only; the others catch up once Redis is back.',
    );
    retryResync();
  };
  publisher.on('ready', announceResync);

  // --- Through the event target ---------------------------------------------------------------
  const events = createRedisEventTarget<CustomEvent<unknown>>({
    serializer,
    publishClient: guarded(publisher, {
      publish(name: string, message: string): Promise<number> {
        if (publisher.status !== 'ready') {
          publishFailed(name, message, new Error(`connection ${publisher.status}`));
          return Promise.resolve(0);
        }
        return publisher.publish(name, message).catch((error: unknown) => {
          publishFailed(name, message, error);
          return 0;
        });
      },
    }),
    subscribeClient: guarded(subscriber, {
      // While the connection is down, the resubscription after it returns covers the channel.
      subscribe: (name: string) => whenReady(subscriber, () => subscriber.subscribe(name)),
      unsubscribe: (name: string) => whenReady(subscriber, () => subscriber.unsubscribe(name)),
    }),
  });
  events.addEventListener(RESYNC_CHANNEL, arrived);
  topics.watch(
    (name) => events.addEventListener(name, arrived),
    (name) => events.removeEventListener(name, arrived),
  );

  return {
    topics,
    publish(name, payload) {
      announceResync();
      events.dispatchEvent(new CustomEvent(name, { detail: payload }));
    },
    onResumed(listener) {
      resumeListeners.add(listener);
      return () => resumeListeners.delete(listener);
    },
    stats,
    async close() {
      closing = true;
      clearTimeout(resyncTimer);
      await Promise.all([closeRedis(publisher), closeRedis(subscriber)]);
    },
  };
}

/** `client` with some methods replaced; every other property is the client's own. */
function guarded(client: Redis, replaced: Record<string, (...args: never[]) => unknown>): Redis {
  return new Proxy(client, {
    get(target, property) {
      if (typeof property === 'string' && Object.hasOwn(replaced, property)) {
        return replaced[property];
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Runs a (un)subscribe only while connected, and never lets its failure go unhandled. */
async function whenReady(client: Redis, command: () => Promise<unknown>): Promise<void> {
  if (client.status !== 'ready') return;
  await command().catch(() => {});
}
