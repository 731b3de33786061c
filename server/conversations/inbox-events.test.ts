import { describe, expect, it } from 'vitest';
import {
  codeOf,
  createSite,
  newVisitorId,
  type Subscription,
  sharedTestServer,
  uniqueEmail,
} from '../test/harness.ts';
import { countWorkspaceRows } from '../test/rows.ts';

const INBOX = `subscription ($after: ID) {
  inboxEvents(after: $after) {
    id kind createdAt
    conversation { id status }
    message { id body author }
    contact { id email name }
    visitor { id email name identified }
  }
}`;
const SEND = `mutation ($body: String!, $id: ID!) {
  sendMessage(input: { body: $body, clientMessageId: $id }) { id conversationId }
}`;
const REPLY = `mutation ($conversationId: ID!, $body: String!, $id: ID!) {
  replyToConversation(input: { conversationId: $conversationId, body: $body, clientMessageId: $id }) { id }
}`;
const IDENTIFY = `mutation ($email: String!, $name: String) {
  identifyVisitor(input: { email: $email, name: $name }) { contact { id } visitor { id } }
}`;

const server = sharedTestServer();

/** An agent's inbox subscription, started once the server has it (proved by a round trip). */
async function inbox(token: string, after?: string): Promise<Subscription> {
  const socket = await server.connect(token);
  const events = socket.subscribe(INBOX, after === undefined ? {} : { after });
  // Operations on one socket are handled in order: once this answers, the subscription listens.
  await socket.execute('{ __typename }');
  return events;
}

async function nextEvent(events: Subscription) {
  const result = await events.next();
  expect(result.errors).toBeUndefined();
  return result.data?.inboxEvents;
}

function eventCount(workspaceId: string): Promise<number> {
  return countWorkspaceRows(server.app.db, 'inbox_events', workspaceId);
}

describe('inboxEvents', () => {
  it('shows a visitor identified at join with the contact’s email and name in one event', async () => {
    const a = await createSite(server);
    const events = await inbox(a.agentToken);
    const email = uniqueEmail();
    const visitorId = newVisitorId();
    const socket = await server.join({ siteId: a.siteId, visitorId, email, name: 'Jane Smith' });
    await socket.joined;
    const event = await nextEvent(events);
    expect(event).toMatchObject({
      kind: 'VISITOR_IDENTIFIED',
      conversation: null,
      message: null,
      contact: { email, name: 'Jane Smith' },
      visitor: { email, name: 'Jane Smith', identified: true },
    });
    // The widget sends its stored identity at every join: a rejoin is no news.
    const again = await server.join({ siteId: a.siteId, visitorId, email, name: 'Jane Smith' });
    await again.joined;
    await events.expectSilence(200);
    expect(await eventCount(a.id)).toBe(1);
  });

  it('shows an identifyVisitor with the contact’s email and name in one event', async () => {
    const a = await createSite(server);
    const events = await inbox(a.agentToken);
    const socket = await server.join({ siteId: a.siteId, visitorId: newVisitorId() });
    const email = uniqueEmail();
    const identified = await socket.execute(IDENTIFY, { email, name: 'Ann Lee' });
    expect(identified.errors).toBeUndefined();
    expect(await nextEvent(events)).toMatchObject({
      kind: 'VISITOR_IDENTIFIED',
      contact: { id: identified.data?.identifyVisitor.contact.id, email, name: 'Ann Lee' },
      visitor: { id: identified.data?.identifyVisitor.visitor.id, email, name: 'Ann Lee' },
    });
    // A refused identify records nothing.
    const conflict = await socket.execute(IDENTIFY, { email: uniqueEmail() });
    expect(codeOf(conflict)).toBe('IDENTITY_CONFLICT');
    await events.expectSilence(200);
    expect(await eventCount(a.id)).toBe(1);
  });

  it('follows a conversation: created, messages from both sides, closed, reopened', async () => {
    const a = await createSite(server);
    const events = await inbox(a.agentToken);
    const email = uniqueEmail();
    const socket = await server.join({ siteId: a.siteId, visitorId: newVisitorId(), email });
    await nextEvent(events); // identified

    const sent = await socket.execute(SEND, { body: 'Hello', id: 'h' });
    const conversationId = sent.data?.sendMessage.conversationId;
    expect(await nextEvent(events)).toMatchObject({
      kind: 'CONVERSATION_CREATED',
      conversation: { id: conversationId, status: 'OPEN' },
      message: null,
      contact: { email },
    });
    expect(await nextEvent(events)).toMatchObject({
      kind: 'MESSAGE_ADDED',
      conversation: { id: conversationId },
      message: { id: sent.data?.sendMessage.id, body: 'Hello', author: 'VISITOR' },
      contact: { email },
      visitor: { email },
    });
    const resent = await socket.execute(SEND, { body: 'Hello', id: 'h' });
    expect(resent.data?.sendMessage.id).toBe(sent.data?.sendMessage.id);

    const reply = await server.http(REPLY, { conversationId, body: 'Hi!', id: 'r' }, a.agentToken);
    expect(await nextEvent(events)).toMatchObject({
      kind: 'MESSAGE_ADDED',
      message: { id: reply.data?.replyToConversation.id, body: 'Hi!', author: 'AGENT' },
    });
    await server.http(REPLY, { conversationId, body: 'Hi!', id: 'r' }, a.agentToken);

    const close = 'mutation ($id: ID!) { closeConversation(id: $id) { id } }';
    await server.http(close, { id: conversationId }, a.agentToken);
    expect(await nextEvent(events)).toMatchObject({
      kind: 'CONVERSATION_CLOSED',
      conversation: { id: conversationId, status: 'CLOSED' },
    });
    await server.http(close, { id: conversationId }, a.agentToken);
    await server.http(
      'mutation ($id: ID!) { reopenConversation(id: $id) { id } }',
      { id: conversationId },
      a.agentToken,
    );
    expect(await nextEvent(events)).toMatchObject({
      kind: 'CONVERSATION_REOPENED',
      conversation: { id: conversationId, status: 'OPEN' },
    });
    // Repeats (resent message, repeated reply, second close) recorded nothing.
    await events.expectSilence(200);
    expect(await eventCount(a.id)).toBe(6);
  });

  it('replays the events after `after` in order, then goes live', async () => {
    const a = await createSite(server);
    const live = await inbox(a.agentToken);
    const socket = await server.join({ siteId: a.siteId, visitorId: newVisitorId() });
    await socket.execute(SEND, { body: 'one', id: '1' });
    const created = await nextEvent(live);
    const first = await nextEvent(live);
    expect([created.kind, first.kind]).toEqual(['CONVERSATION_CREATED', 'MESSAGE_ADDED']);
    for (const body of ['two', 'three']) await socket.execute(SEND, { body, id: body });

    const replayed = await inbox(a.agentToken, first.id);
    const bodies = [
      (await nextEvent(replayed)).message.body,
      (await nextEvent(replayed)).message.body,
    ];
    expect(bodies).toEqual(['two', 'three']);
    await replayed.expectSilence(100);
    await socket.execute(SEND, { body: 'four', id: 'four' });
    expect((await nextEvent(replayed)).message.body).toBe('four');
    await replayed.expectSilence(200);

    const fromStart = await inbox(a.agentToken, created.id);
    const kinds = [];
    for (let i = 0; i < 4; i++) kinds.push((await nextEvent(fromStart)).message.body);
    expect(kinds).toEqual(['one', 'two', 'three', 'four']);
  });

  it('keeps each workspace’s events to its own agents', async () => {
    const a = await createSite(server);
    const b = await createSite(server);
    const aEvents = await inbox(a.agentToken);
    const bEvents = await inbox(b.agentToken);
    const socket = await server.join({ siteId: a.siteId, visitorId: newVisitorId() });
    await socket.execute(SEND, { body: 'for a only', id: 'x' });
    const event = await nextEvent(aEvents);
    await bEvents.expectSilence(300);

    // Another workspace's event id is answered like an unknown one.
    for (const after of [event.id, newVisitorId(), 'nope']) {
      const replay = await server.connect(b.agentToken);
      const refused = await replay.subscribe(INBOX, { after }).next();
      expect(codeOf(refused)).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0]?.extensions?.field).toBe('after');
    }
  });

  it('is for agents: a key is FORBIDDEN, a visitor is FORBIDDEN, no credential is UNAUTHENTICATED', async () => {
    const a = await createSite(server);
    const key = await server.connect(a.apiKey);
    expect(codeOf(await key.subscribe(INBOX).next())).toBe('FORBIDDEN');
    const visitor = await server.join({ siteId: a.siteId, visitorId: newVisitorId() });
    expect(codeOf(await visitor.subscribe(INBOX).next())).toBe('FORBIDDEN');
    expect(codeOf(await server.http(INBOX, {}))).toBe('UNAUTHENTICATED');
    expect(codeOf(await server.http(INBOX, {}, a.apiKey))).toBe('FORBIDDEN');
  });
});
