import { describe, expect, it } from 'vitest';
import {
  codeOf,
  createSite,
  newVisitorId,
  type Subscription,
  sharedTestServer,
  type TestSite,
  type WidgetSocket,
} from '../test/harness.ts';

const SEND = `mutation ($body: String!, $id: ID!) {
  sendMessage(input: { body: $body, clientMessageId: $id }) { id conversationId }
}`;
const REPLY = `mutation ($conversationId: ID!, $body: String!, $id: ID!) {
  replyToConversation(input: { conversationId: $conversationId, body: $body, clientMessageId: $id }) { id }
}`;
const MARK = `mutation ($id: ID!) { markConversationRead(conversationId: $id) { id unreadCount } }`;
const UNREAD = `query ($id: ID!) { conversation(id: $id) { unreadCount } inboxUnreadCount }`;
const UNREAD_BY_KEY = `query ($id: ID!) { conversation(id: $id) { unreadCount } }`;
const LIST = `{ conversations { edges { node { id unreadCount } } } }`;
const READS = `subscription { conversationsRead { id unreadCount } }`;
const INBOX = `subscription { inboxEvents { kind conversation { id unreadCount } } }`;

const server = sharedTestServer();

/** A visitor of the site that sent `bodies` into one conversation. */
async function chattingVisitor(site: TestSite, bodies: string[]) {
  const socket = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
  await socket.joined;
  let conversationId = '';
  for (const body of bodies) conversationId = await send(socket, body);
  return { socket, conversationId };
}

async function send(socket: WidgetSocket, body: string): Promise<string> {
  const sent = await socket.execute(SEND, { body, id: body });
  expect(sent.errors).toBeUndefined();
  return sent.data?.sendMessage.conversationId;
}

/** What the agent sees unread: in the conversation, and in all it has to answer. */
async function unreadOf(token: string, conversationId: string) {
  const result = await server.http(UNREAD, { id: conversationId }, token);
  expect(result.errors).toBeUndefined();
  return {
    conversation: result.data?.conversation.unreadCount,
    total: result.data?.inboxUnreadCount,
  };
}

/** A subscription started once the server has it (proved by a round trip on its socket). */
async function subscribed(token: string, query: string): Promise<Subscription> {
  const socket = await server.connect(token);
  const events = socket.subscribe(query);
  await socket.execute('{ __typename }');
  return events;
}

async function readRows(workspaceId: string): Promise<number> {
  const row = await server.app.db
    .selectFrom('conversation_reads')
    .innerJoin('agents', 'agents.id', 'conversation_reads.agent_id')
    .where('agents.workspace_id', '=', workspaceId)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('read marks', () => {
  it('clear the unread count of the agent that read, and of no other agent', async () => {
    const site = await createSite(server);
    const other = await server.createAgent(site.id);
    const chat = await chattingVisitor(site, ['one', 'two']);
    expect(await unreadOf(site.agentToken, chat.conversationId)).toEqual({
      conversation: 2,
      total: 2,
    });

    const marked = await server.http(MARK, { id: chat.conversationId }, site.agentToken);
    expect(marked.data?.markConversationRead).toEqual({ id: chat.conversationId, unreadCount: 0 });
    expect(await unreadOf(site.agentToken, chat.conversationId)).toEqual({
      conversation: 0,
      total: 0,
    });
    expect(await unreadOf(other.token, chat.conversationId)).toEqual({
      conversation: 2,
      total: 2,
    });

    // Only what came after the mark is unread again; an agent's reply reads nothing for it.
    await send(chat.socket, 'three');
    await server.http(
      REPLY,
      { conversationId: chat.conversationId, body: 'Hi', id: 'r' },
      other.token,
    );
    expect(await unreadOf(site.agentToken, chat.conversationId)).toEqual({
      conversation: 1,
      total: 1,
    });
    expect(await unreadOf(other.token, chat.conversationId)).toEqual({
      conversation: 3,
      total: 3,
    });
    // A list of many conversations counts each from its agent's own marks.
    const second = await chattingVisitor(site, ['elsewhere']);
    const list = await server.http(LIST, {}, site.agentToken);
    expect(list.data?.conversations.edges.map((edge: { node: unknown }) => edge.node)).toEqual([
      { id: second.conversationId, unreadCount: 1 },
      { id: chat.conversationId, unreadCount: 1 },
    ]);
  });

  it('leave an API key counting visitor messages since the last agent message, and are agents’ only', async () => {
    const site = await createSite(server);
    const chat = await chattingVisitor(site, ['one', 'two']);
    await server.http(MARK, { id: chat.conversationId }, site.agentToken);
    const byKey = () => server.http(UNREAD_BY_KEY, { id: chat.conversationId }, site.apiKey);
    expect((await byKey()).data?.conversation.unreadCount).toBe(2);
    await server.http(
      REPLY,
      { conversationId: chat.conversationId, body: 'Hi', id: 'r' },
      site.agentToken,
    );
    await send(chat.socket, 'three');
    expect((await byKey()).data?.conversation.unreadCount).toBe(1);

    expect(codeOf(await server.http(MARK, { id: chat.conversationId }, site.apiKey))).toBe(
      'FORBIDDEN',
    );
    expect(codeOf(await server.http('{ inboxUnreadCount }', {}, site.apiKey))).toBe('FORBIDDEN');
    expect(codeOf(await chat.socket.execute(MARK, { id: chat.conversationId }))).toBe('FORBIDDEN');
  });

  it('refuse another workspace’s or an unknown conversation with NOT_FOUND, writing nothing', async () => {
    const site = await createSite(server);
    const elsewhere = await createSite(server);
    const chat = await chattingVisitor(site, ['secret']);
    for (const id of [chat.conversationId, newVisitorId(), 'nope']) {
      expect(codeOf(await server.http(MARK, { id }, elsewhere.agentToken))).toBe('NOT_FOUND');
    }
    expect(await readRows(elsewhere.id)).toBe(0);
    expect((await unreadOf(site.agentToken, chat.conversationId)).conversation).toBe(1);
  });

  it('reach the agent’s other sessions live, and no other agent’s', async () => {
    const site = await createSite(server);
    const other = await server.createAgent(site.id);
    const chat = await chattingVisitor(site, ['one', 'two']);
    const mine = await subscribed(site.agentToken, READS);
    const theirs = await subscribed(other.token, READS);

    await server.http(MARK, { id: chat.conversationId }, site.agentToken);
    const read = await mine.next();
    expect(read.data?.conversationsRead).toEqual({ id: chat.conversationId, unreadCount: 0 });
    // Marking again with nothing new moves nothing and says nothing.
    await server.http(MARK, { id: chat.conversationId }, site.agentToken);
    await mine.expectSilence(200);
    await theirs.expectSilence(0);
    expect(await readRows(site.id)).toBe(1);
  });

  it('give each agent its own unread count in the inbox events it is sent', async () => {
    const site = await createSite(server);
    const other = await server.createAgent(site.id);
    const chat = await chattingVisitor(site, ['one']);
    await server.http(MARK, { id: chat.conversationId }, site.agentToken);
    const mine = await subscribed(site.agentToken, INBOX);
    const theirs = await subscribed(other.token, INBOX);

    await send(chat.socket, 'two');
    const conversation = { id: chat.conversationId };
    expect((await mine.next()).data?.inboxEvents).toEqual({
      kind: 'MESSAGE_ADDED',
      conversation: { ...conversation, unreadCount: 1 },
    });
    expect((await theirs.next()).data?.inboxEvents).toEqual({
      kind: 'MESSAGE_ADDED',
      conversation: { ...conversation, unreadCount: 2 },
    });
  });
});
