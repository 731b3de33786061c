import { afterAll, describe, expect, it } from 'vitest';
import { LogCapture } from '../test/log-capture.ts';
import { canRunRedisServer, type RedisServer, redisServer } from '../test/redis-server.ts';
import { channel, createPubSub, type PubSub } from './pubsub.ts';

async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!canRunRedisServer())('pub/sub stats over a Redis that goes away', () => {
  let redis: RedisServer | undefined;
  let pubsub: PubSub | undefined;
  afterAll(async () => {
    await pubsub?.close().catch(() => {});
    await redis?.kill();
  });

  it('count the publishes Redis did not take and the subscription lost, once per outage, for the metrics', async () => {
    redis = await redisServer();
    await redis.start();
    const log = new LogCapture();
    pubsub = await createPubSub(redis.url, log.logger('warn'));
    const pings = channel<{ n: number }>('test:pings');
    const received: number[] = [];
    pubsub.listen(pings, ({ n }) => received.push(n));
    // Redis has the subscription once a publish comes back.
    await eventually(() => {
      pubsub?.publish(pings, { n: 0 });
      return received.length > 0;
    }, 'the first delivery');
    expect(pubsub.stats).toMatchObject({ failedPublishes: 0, lostSubscriptions: 0 });

    await redis.kill();
    await eventually(() => (pubsub?.stats.lostSubscriptions ?? 0) >= 1, 'a lost subscription');
    pubsub.publish(pings, { n: 1 });
    pubsub.publish(pings, { n: 2 });
    await eventually(() => (pubsub?.stats.failedPublishes ?? 0) >= 2, 'two failed publishes');
    // Reconnect attempts keep failing for a while: still one lost subscription.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(pubsub.stats.lostSubscriptions).toBe(1);

    await redis.start();
    const before = received.length;
    await eventually(() => {
      pubsub?.publish(pings, { n: 3 });
      return received.length > before;
    }, 'a delivery after Redis returned');
    expect(pubsub.stats.lostSubscriptions).toBe(1);
    // The outage is in the log through the logger given, once each way.
    const messages = log.lines().map((line) => String(line.msg));
    expect(
      messages.filter((msg) => msg.startsWith('Lost the Redis pub/sub connection')),
    ).toHaveLength(1);
    expect(messages.filter((msg) => msg.startsWith('Redis did not take a publish'))).toHaveLength(
      1,
    );
  });
});
