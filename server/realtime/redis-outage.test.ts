import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VISITOR_MESSAGE_RATE } from '../access/rate-limit.ts';
import {
  codeOf,
  newVisitorId,
  type Result,
  type Subscription,
  startTestServer,
  type TestServer,
} from '../test/harness.ts';
import { canRunRedisServer, type RedisServer, redisServer } from '../test/redis-server.ts';

// Two instances on one Postgres database share a Redis this file starts, kills and starts
// again on the same port. CI has both services; there this suite never skips.
const hasPostgres = Boolean(process.env.DATABASE_URL);
if (process.env.CI && !hasPostgres) {
  throw new Error('CI must set DATABASE_URL: the Redis outage suite cannot be skipped.');
}
const canRunRedis = canRunRedisServer();

const SEND = `mutation ($body: String!, $id: ID!) {
  sendMessage(input: { body: $body, clientMessageId: $id }) { id conversationId }
}`;
const REPLY = `mutation ($conversationId: ID!, $body: String!, $id: ID!) {
  replyToConversation(input: { conversationId: $conversationId, body: $body, clientMessageId: $id }) { id }
}`;
const VISITOR_EVENTS = `subscription {
  visitorEvents { ... on VisitorMessageAdded { message { body } } }
}`;
const INBOX_EVENTS = `subscription {
  inboxEvents { kind message { body } }
}`;

/** How long delivery may take once Redis is back: reconnect backoff plus the resync retry. */
const RECOVERY_MS = 15_000;

/** The message bodies of the next `count` events, failing on an event without one. */
async function nextBodies(
  events: Subscription,
  count: number,
  field: 'visitorEvents' | 'inboxEvents',
): Promise<string[]> {
  const bodies: string[] = [];
  while (bodies.length < count) {
    const result = await events.next(RECOVERY_MS);
    expect(result.errors).toBeUndefined();
    const body = result.data?.[field]?.message?.body;
    if (typeof body !== 'string') throw new Error(`No message in ${JSON.stringify(result)}`);
    bodies.push(body);
  }
  return bodies;
}

function accepted(result: Result): void {
  expect(result.errors).toBeUndefined();
}

describe.skipIf(!hasPostgres || !canRunRedis)('a Redis outage', () => {
  let redis: RedisServer;
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    redis = await redisServer();
    await redis.start();
    // Instances share rate-limit counts only under one SONNY_SECRET_KEY, as in production.
    const shared = { redisUrl: redis.url, rateLimitKeySecret: randomBytes(32) };
    [first, second] = await Promise.all([startTestServer(shared), startTestServer(shared)]);
  });
  afterAll(async () => {
    // Redis must be up for the instances to close their connections politely.
    await Promise.all([first?.stop(), second?.stop()]);
    await redis?.kill();
  });

  it('keeps chat working on every instance, then delivers what subscribers missed, in order and once each', async () => {
    const site = await first.createWorkspace();
    const agent = await second.createAgent(site.id);
    const visitor = await first.join({ siteId: site.siteId, visitorId: newVisitorId() });
    const opening = await visitor.execute(SEND, { body: 'hello', id: 'hello' });
    accepted(opening);
    const conversationId = opening.data?.sendMessage.conversationId;
    const replyOnSecond = async (body: string) =>
      accepted(
        await second.http(REPLY, { conversationId, body, id: body.replace(' ', '-') }, agent.token),
      );

    const visitorEvents = visitor.subscribe(VISITOR_EVENTS);
    const inbox = await first.connect(agent.token);
    const inboxEvents = inbox.subscribe(INBOX_EVENTS);
    await inbox.execute('{ __typename }');
    await replyOnSecond('before');
    expect(await nextBodies(visitorEvents, 1, 'visitorEvents')).toEqual(['before']);
    expect(await nextBodies(inboxEvents, 1, 'inboxEvents')).toEqual(['before']);

    await redis.kill();
    // Chat goes on on both instances; what happens on this one reaches its subscribers live.
    accepted(await visitor.execute(SEND, { body: 'still here?', id: 'still' }));
    expect(await nextBodies(visitorEvents, 1, 'visitorEvents')).toEqual(['still here?']);
    expect(await nextBodies(inboxEvents, 1, 'inboxEvents')).toEqual(['still here?']);
    await replyOnSecond('during 1');
    await replyOnSecond('during 2');
    await visitorEvents.expectSilence(300);

    await redis.start();
    await replyOnSecond('after 1');
    const expected = ['during 1', 'during 2', 'after 1'];
    expect(await nextBodies(visitorEvents, 3, 'visitorEvents')).toEqual(expected);
    expect(await nextBodies(inboxEvents, 3, 'inboxEvents')).toEqual(expected);
    await replyOnSecond('after 2');
    expect(await nextBodies(visitorEvents, 1, 'visitorEvents')).toEqual(['after 2']);
    expect(await nextBodies(inboxEvents, 1, 'inboxEvents')).toEqual(['after 2']);
    await visitorEvents.expectSilence(500);
    await inboxEvents.expectSilence(0);
  }, 60_000);

  it(`counts a visitor’s messages on each instance alone while Redis is down, and across both once it is back`, async () => {
    const site = await first.createWorkspace();
    const visitorId = newVisitorId();
    const onFirst = await first.join({ siteId: site.siteId, visitorId });
    const onSecond = await second.join({ siteId: site.siteId, visitorId });
    await Promise.all([onFirst.joined, onSecond.joined]);

    await redis.kill();
    for (let index = 0; index < VISITOR_MESSAGE_RATE.limit; index++) {
      accepted(await onFirst.execute(SEND, { body: `m${index}`, id: `m${index}` }));
    }
    const refused = await onFirst.execute(SEND, { body: 'one too many', id: 'extra-1' });
    expect(codeOf(refused)).toBe('RATE_LIMITED');
    // The other instance counted none of them.
    accepted(await onSecond.execute(SEND, { body: 'elsewhere', id: 'elsewhere' }));

    await redis.start();
    // Back on the shared count, which starts empty (Redis lost its data): both count as one.
    const deadline = Date.now() + RECOVERY_MS;
    let shared = false;
    while (!shared && Date.now() < deadline) {
      // Once the limits use Redis again, a fresh visitor's attempts are counted across both.
      const probe = newVisitorId();
      const a = await first.join({ siteId: site.siteId, visitorId: probe });
      const b = await second.join({ siteId: site.siteId, visitorId: probe });
      let refusedAt = -1;
      for (let index = 0; index <= VISITOR_MESSAGE_RATE.limit && refusedAt < 0; index++) {
        const socket = index % 2 === 0 ? a : b;
        const result = await socket.execute(SEND, { body: `p${index}`, id: `p${index}` });
        if (codeOf(result) === 'RATE_LIMITED') refusedAt = index;
        else accepted(result);
      }
      await Promise.all([a.dispose(), b.dispose()]);
      shared = refusedAt === VISITOR_MESSAGE_RATE.limit;
      if (!shared) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(shared).toBe(true);
  }, 60_000);
});
