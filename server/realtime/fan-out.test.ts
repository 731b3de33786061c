import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JoinCloseCode } from '../protocol.ts';
import { newVisitorId, startTestServer, type TestServer } from '../test/harness.ts';

// Two server instances share a Postgres database and a Redis; what happens on one must reach
// sockets on the other. Needs both services: CI always has them, so there it never skips.
const hasServices = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
if (process.env.CI && !hasServices) {
  throw new Error('CI must set DATABASE_URL and REDIS_URL: the fan-out suite cannot be skipped.');
}

const SEND = `mutation ($body: String!, $id: ID!) {
  sendMessage(input: { body: $body, clientMessageId: $id }) { id }
}`;
const EVENTS = `subscription ($after: ID) {
  visitorEvents(after: $after) { ... on VisitorMessageAdded { message { body } } }
}`;

describe.skipIf(!hasServices)('fan-out across instances through Redis', () => {
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    [first, second] = await Promise.all([startTestServer(), startTestServer()]);
  });
  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
  });

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
    expect((await onSecond.closed).code).toBe(JoinCloseCode.Forbidden);
  });
});
