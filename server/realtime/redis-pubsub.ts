import type { Redis } from 'ioredis';
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
 */
export async function connectRedisPubSub(
  redisUrl: string,
  topics: LocalTopics,
): Promise<Transport> {
  const publisher = await connectRedis(redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: PUBLISH_TIMEOUT_MS,
  });
  let subscriber: Redis;
  try {
    // Subscriptions are restored by hand below, after which this instance catches up.
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
  let held: Array<[string, string]> | null = null;
  const receive = (name: string, raw: string) => {
    if (name === RESYNC_CHANNEL) return resume();
    let payload: unknown;
    try {
      payload = JSON.parse(raw);
    } catch {
      console.error(`Dropped a payload on ${name} that is not JSON.`);
      return;
    }
    topics.deliver(name, payload);
  };
  subscriber.on('message', (name: string, raw: string) => {
    if (held) held.push([name, raw]);
    else receive(name, raw);
  });
  topics.watch(
    (name) => {
      // While the connection is down, the resubscription after it returns covers this name.
      if (subscriber.status === 'ready') subscriber.subscribe(name).catch(() => {});
    },
    (name) => {
      if (subscriber.status === 'ready') subscriber.unsubscribe(name).catch(() => {});
    },
  );
  let subscriptionLost = false;
  subscriber.on('close', () => {
    if (closing || subscriptionLost) return;
    subscriptionLost = true;
    stats.lostSubscriptions++;
    console.warn(
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
        console.warn('The Redis pub/sub connection is back: subscribers catch up.');
        const waiting = held ?? [];
        held = null;
        resume();
        for (const [name, raw] of waiting) receive(name, raw);
      })
      .catch((error: unknown) => {
        // Lost again before the subscription was confirmed: the next 'ready' tries again.
        if (subscriber.status === 'ready') {
          console.error('Could not subscribe to Redis channels again:', error);
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
          console.warn('Publishing to Redis again: other instances catch up.');
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
  const publishFailed = (name: string, payload: unknown, error: unknown) => {
    stats.failedPublishes++;
    // This instance's own subscribers need no Redis to hear of its writes.
    topics.deliver(name, payload);
    if (publishesLost) return;
    publishesLost = true;
    console.warn(
      `Redis did not take a publish (${(error as Error).message}): until it does, events ` +
        'reach this instance’s subscribers only; the others catch up once Redis is back.',
    );
    retryResync();
  };
  publisher.on('ready', announceResync);

  return {
    topics,
    publish(name, payload) {
      announceResync();
      if (publisher.status !== 'ready') {
        publishFailed(name, payload, new Error(`connection ${publisher.status}`));
        return;
      }
      publisher
        .publish(name, JSON.stringify(payload))
        .catch((error: unknown) => publishFailed(name, payload, error));
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
