import { describe, expect, it } from 'vitest';
import { VISITOR_MESSAGE_RATE } from '../access/rate-limit.ts';
import { newVisitorId, sharedTestServer, uniqueEmail } from '../test/harness.ts';

const SEND = `mutation ($body: String!, $id: ID!) {
  sendMessage(input: { body: $body, clientMessageId: $id }) { id body author conversationId createdAt }
}`;
const EVENTS = `subscription ($after: ID) {
  visitorEvents(after: $after) {
    __typename
    ... on VisitorMessageAdded { message { id body author createdAt } }
  }
}`;
const VISITOR = '{ visitor { conversations { id status messages { id body author } } } }';

const server = sharedTestServer();

async function joinedVisitor(email?: string) {
  const site = await server.createWorkspace();
  const visitorId = newVisitorId();
  const socket = await server.join({ siteId: site.siteId, visitorId, ...(email ? { email } : {}) });
  await socket.joined;
  return { site, visitorId, socket };
}

async function messageCount(workspaceId: string): Promise<number> {
  const row = await server.app.db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('conversations.workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('sendMessage', () => {
  it('opens a conversation for the first message and keeps writing into it', async () => {
    const { socket } = await joinedVisitor();
    const first = await socket.execute(SEND, { body: 'Hello', id: 'c1' });
    const second = await socket.execute(SEND, { body: 'Anyone?', id: 'c2' });
    expect(first.data?.sendMessage).toMatchObject({ body: 'Hello', author: 'VISITOR' });
    expect(second.data?.sendMessage.conversationId).toBe(first.data?.sendMessage.conversationId);
    const { data } = await socket.execute(VISITOR);
    expect(data?.visitor.conversations).toEqual([
      {
        id: first.data?.sendMessage.conversationId,
        status: 'OPEN',
        messages: [
          { id: first.data?.sendMessage.id, body: 'Hello', author: 'VISITOR' },
          { id: second.data?.sendMessage.id, body: 'Anyone?', author: 'VISITOR' },
        ],
      },
    ]);
  });

  it('gives a new conversation the contact of an identified visitor', async () => {
    const email = uniqueEmail();
    const { site, socket } = await joinedVisitor(email);
    const sent = await socket.execute(SEND, { body: 'Hi', id: 'c1' });
    const conversation = await server.app.db
      .selectFrom('conversations')
      .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
      .select('contacts.email')
      .where('conversations.id', '=', sent.data?.sendMessage.conversationId)
      .where('conversations.workspace_id', '=', site.id)
      .executeTakeFirst();
    expect(conversation?.email).toBe(email);
  });

  it('stores a repeated clientMessageId once and returns the same message both times', async () => {
    const { site, socket } = await joinedVisitor();
    const first = await socket.execute(SEND, { body: 'Only once', id: 'dup' });
    const again = await socket.execute(SEND, { body: 'Only once', id: 'dup' });
    expect(again.data?.sendMessage).toEqual(first.data?.sendMessage);
    expect(await messageCount(site.id)).toBe(1);
  });

  it('stores one message when the same clientMessageId races in from two tabs', async () => {
    const { site, visitorId, socket } = await joinedVisitor();
    const tab2 = await server.join({ siteId: site.siteId, visitorId });
    const [a, b] = await Promise.all([
      socket.execute(SEND, { body: 'race', id: 'r1' }),
      tab2.execute(SEND, { body: 'race', id: 'r1' }),
    ]);
    expect(a.errors ?? b.errors).toBeUndefined();
    expect(a.data?.sendMessage.id).toBe(b.data?.sendMessage.id);
    expect(await messageCount(site.id)).toBe(1);
  });

  it.each([
    ['an empty body', '', 'ok-id', 'input.body'],
    ['a blank body', ' \n\t ', 'ok-id', 'input.body'],
    ['a body over 10,000 characters', 'x'.repeat(10_001), 'ok-id', 'input.body'],
    ['a NUL in the body', 'a\u0000b', 'ok-id', 'input.body'],
    ['an empty clientMessageId', 'hello', '', 'input.clientMessageId'],
    ['a clientMessageId over 100 characters', 'hello', 'i'.repeat(101), 'input.clientMessageId'],
  ])(
    'refuses %s with BAD_USER_INPUT on its field and writes nothing',
    async (_case, body, id, field) => {
      const { site, socket } = await joinedVisitor();
      const { data, errors } = await socket.execute(SEND, { body, id });
      expect(data).toBeNull();
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(await messageCount(site.id)).toBe(0);
      const conversations = await server.app.db
        .selectFrom('conversations')
        .select('id')
        .where('workspace_id', '=', site.id)
        .execute();
      expect(conversations).toEqual([]);
    },
  );

  it('accepts a body of exactly 10,000 characters', async () => {
    const { socket } = await joinedVisitor();
    const { data } = await socket.execute(SEND, { body: 'y'.repeat(10_000), id: 'max' });
    expect(data?.sendMessage.body).toHaveLength(10_000);
  });
});

describe('message rate limit', () => {
  it(`refuses the ${VISITOR_MESSAGE_RATE.limit + 1}th message within the window with RATE_LIMITED, storing none of the excess`, async () => {
    const { site, socket } = await joinedVisitor();
    for (let index = 0; index < VISITOR_MESSAGE_RATE.limit; index++) {
      const { errors } = await socket.execute(SEND, { body: `m${index}`, id: `m${index}` });
      expect(errors).toBeUndefined();
    }
    const { data, errors } = await socket.execute(SEND, { body: 'one too many', id: 'extra' });
    expect(data).toBeNull();
    expect(errors?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: expect.any(Number),
    });
    expect(await messageCount(site.id)).toBe(VISITOR_MESSAGE_RATE.limit);

    // Another visitor is not held back by the first one's burst.
    const other = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
    expect((await other.execute(SEND, { body: 'hello', id: 'o' })).errors).toBeUndefined();
  });
});

describe('visitorEvents', () => {
  it('delivers new messages live, each once', async () => {
    const { socket } = await joinedVisitor();
    const opening = await socket.execute(SEND, { body: 'opening', id: 'v0' });
    // Subscribing after a known message leaves no gap between subscribing and going live.
    const events = socket.subscribe(EVENTS, { after: opening.data?.sendMessage.id });
    const sent = await socket.execute(SEND, { body: 'from visitor', id: 'v1' });
    const first = await events.next();
    expect(first.data?.visitorEvents).toMatchObject({
      __typename: 'VisitorMessageAdded',
      message: { id: sent.data?.sendMessage.id, body: 'from visitor', author: 'VISITOR' },
    });
    await events.expectSilence(200);
  });

  it('replays every message after `after`, not that one, then goes live', async () => {
    const { site, visitorId, socket } = await joinedVisitor();
    const m1 = await socket.execute(SEND, { body: 'one', id: '1' });
    await socket.execute(SEND, { body: 'two', id: '2' });
    await socket.execute(SEND, { body: 'three', id: '3' });
    await socket.dispose();

    // The widget reconnects having seen only "one".
    const back = await server.join({ siteId: site.siteId, visitorId });
    const events = back.subscribe(EVENTS, { after: m1.data?.sendMessage.id });
    expect((await events.next()).data?.visitorEvents.message.body).toBe('two');
    expect((await events.next()).data?.visitorEvents.message.body).toBe('three');
    await back.execute(SEND, { body: 'four', id: '4' });
    expect((await events.next()).data?.visitorEvents.message.body).toBe('four');
    await events.expectSilence(200);
  });

  it('refuses a cursor that is not a message id with BAD_USER_INPUT', async () => {
    const { socket } = await joinedVisitor();
    const events = socket.subscribe(EVENTS, { after: 'not-a-uuid' });
    const refused = await events.next();
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'after',
    });
  });

  it('does not deliver another visitor’s messages', async () => {
    const { site, socket } = await joinedVisitor();
    const other = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
    const opening = await socket.execute(SEND, { body: 'mine', id: 'm0' });
    const events = socket.subscribe(EVENTS, { after: opening.data?.sendMessage.id });
    await other.execute(SEND, { body: 'not for you', id: 'o1' });
    await socket.execute(SEND, { body: 'mine again', id: 'm1' });
    expect((await events.next()).data?.visitorEvents.message.body).toBe('mine again');
    await events.expectSilence(200);
  });
});
