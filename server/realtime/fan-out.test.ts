import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../protocol/index.ts';
import { LOGIN_ATTEMPT_RATE, VISITOR_MESSAGE_RATE } from '../access/rate-limit.ts';
import { codeOf, newVisitorId, sharedTestServer } from '../test/harness.ts';

// Two server instances share a Postgres database and a Redis; what happens on one must reach
// sockets on the other, and a rate limit counts the attempts made on both. Needs both
// services: CI always has them, so there it never skips.
const hasServices = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
if (process.env.CI && !hasServices) {
  throw new Error('CI must set DATABASE_URL and REDIS_URL: the fan-out suite cannot be skipped.');
}

const SEND = `mutation ($body: String!, $id: ID!) {
  sendMessage(input: { body: $body, clientMessageId: $id }) { id }
}`;
const LOGIN = `mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { token } }`;
const EVENTS = `subscription ($after: ID) {
  visitorEvents(after: $after) { ... on VisitorMessageAdded { message { body } } }
}`;

describe.skipIf(!hasServices)('fan-out and rate limits across instances through Redis', () => {
  // Instances share rate-limit counts only under one SONNY_SECRET_KEY, as in production.
  const shared = { rateLimitKeySecret: randomBytes(32) };
  const first = sharedTestServer(shared);
  const second = sharedTestServer(shared);

  it('delivers a message sent through one instance to a subscription on the other', async () => {
    const site = await first.createWorkspace();
    const visitorId = newVisitorId();
    const onFirst = await first.join({ siteId: site.siteId, visitorId });
    const onSecond = await second.join({ siteId: site.siteId, visitorId });
    const opening = await onFirst.execute(SEND, { body: 'opening', id: 'o' });
    const events = onFirst.subscribe(EVENTS, { after: opening.data?.sendMessage.id });
    await onSecond.execute(SEND, { body: 'via the other instance', id: 'x' });
    expect((await events.next()).data?.visitorEvents.message.body).toBe('via the other instance');
  });

  it('closes the visitor’s sockets on every instance when it resets', async () => {
    const site = await first.createWorkspace();
    const visitorId = newVisitorId();
    const onFirst = await first.join({ siteId: site.siteId, visitorId });
    const onSecond = await second.join({ siteId: site.siteId, visitorId });
    await Promise.all([onFirst.joined, onSecond.joined]);
    await onFirst.execute('mutation { resetVisitor { endedVisitorId } }');
    expect((await onSecond.closed).code).toBe(CloseCode.Forbidden);
  });

  it(`refuses logins of an email on either instance once ${LOGIN_ATTEMPT_RATE.limit} failed across both`, async () => {
    const site = await first.createWorkspace();
    const agent = await first.createAgent(site.id);
    for (let attempt = 0; attempt < LOGIN_ATTEMPT_RATE.limit; attempt++) {
      const instance = attempt % 2 === 0 ? first : second;
      const failed = await instance.http(LOGIN, { email: agent.email, password: 'wrong-pw-1234' });
      expect(codeOf(failed)).toBe('UNAUTHENTICATED');
    }
    for (const instance of [first, second]) {
      const limited = await instance.http(LOGIN, { email: agent.email, password: agent.password });
      expect(codeOf(limited)).toBe('RATE_LIMITED');
      expect(limited.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    }
  });

  it(`refuses a visitor’s messages on either instance once ${VISITOR_MESSAGE_RATE.limit} went through both`, async () => {
    const site = await first.createWorkspace();
    const visitorId = newVisitorId();
    const onFirst = await first.join({ siteId: site.siteId, visitorId });
    const onSecond = await second.join({ siteId: site.siteId, visitorId });
    for (let index = 0; index < VISITOR_MESSAGE_RATE.limit; index++) {
      const socket = index % 2 === 0 ? onFirst : onSecond;
      const { errors } = await socket.execute(SEND, { body: `m${index}`, id: `m${index}` });
      expect(errors).toBeUndefined();
    }
    for (const socket of [onFirst, onSecond]) {
      const { errors } = await socket.execute(SEND, { body: 'one too many', id: 'extra' });
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    }
  });
});
