/**
 * `Message.clientMessageId`: every way a message reaches a client carries the id its author
 * sent it with, so the widget can tell its own echo from a same-text message of another device.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newVisitorId, sharedTestServer } from '../test/harness.ts';

const FIELDS = 'id conversationId body author clientMessageId';
const SEND = `mutation ($body: String!, $id: ID!) {
  sendMessage(input: { body: $body, clientMessageId: $id }) { ${FIELDS} }
}`;
const REPLY = `mutation ($input: ReplyToConversationInput!) { replyToConversation(input: $input) { ${FIELDS} } }`;
const EVENTS = `subscription ($after: ID) {
  visitorEvents(after: $after) { ... on VisitorMessageAdded { message { ${FIELDS} } } }
}`;
const VISITOR = `{ visitor { conversations { messages { ${FIELDS} } } } }`;

const server = sharedTestServer();

describe('Message.clientMessageId', () => {
  it('comes back on sendMessage, its repeat, visitorEvents live and replayed, and the visitor query', async () => {
    const site = await server.createWorkspace();
    const visitorId = newVisitorId();
    const socket = await server.join({ siteId: site.siteId, visitorId });
    const opening = await socket.execute(SEND, { body: 'opening', id: 'c-opening' });
    expect(opening.data?.sendMessage).toMatchObject({ clientMessageId: 'c-opening' });
    const events = socket.subscribe(EVENTS, { after: opening.data?.sendMessage.id });

    // Two messages with one body: only the clientMessageId tells them apart.
    const first = await socket.execute(SEND, { body: 'Same text', id: 'c-first' });
    const second = await socket.execute(SEND, { body: 'Same text', id: 'c-second' });
    expect(first.data?.sendMessage).toMatchObject({ clientMessageId: 'c-first' });
    expect(second.data?.sendMessage).toMatchObject({ clientMessageId: 'c-second' });
    const repeated = await socket.execute(SEND, { body: 'Same text', id: 'c-first' });
    expect(repeated.data?.sendMessage).toEqual(first.data?.sendMessage);
    expect((await events.next()).data?.visitorEvents.message).toEqual(first.data?.sendMessage);
    expect((await events.next()).data?.visitorEvents.message).toEqual(second.data?.sendMessage);

    const back = await server.join({ siteId: site.siteId, visitorId });
    const replay = back.subscribe(EVENTS, { after: opening.data?.sendMessage.id });
    expect((await replay.next()).data?.visitorEvents.message.clientMessageId).toBe('c-first');
    expect((await replay.next()).data?.visitorEvents.message.clientMessageId).toBe('c-second');
    const { data } = await back.execute(VISITOR);
    expect(
      data?.visitor.conversations[0].messages.map(
        (message: { clientMessageId: string }) => message.clientMessageId,
      ),
    ).toEqual(['c-opening', 'c-first', 'c-second']);
  });

  it('comes back on an agent’s reply and its delivery to the visitor', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    const socket = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
    const opening = await socket.execute(SEND, { body: 'Hello?', id: 'c-hello' });
    const events = socket.subscribe(EVENTS, { after: opening.data?.sendMessage.id });
    const clientMessageId = randomUUID();
    const reply = await server.http(
      REPLY,
      {
        input: {
          conversationId: opening.data?.sendMessage.conversationId ?? '',
          body: 'Hi!',
          clientMessageId,
        },
      },
      agent.token,
    );
    expect(reply.errors).toBeUndefined();
    expect(reply.data?.replyToConversation).toMatchObject({ author: 'AGENT', clientMessageId });
    expect((await events.next()).data?.visitorEvents.message).toEqual(
      reply.data?.replyToConversation,
    );
  });
});
