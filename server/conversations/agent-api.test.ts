import { describe, expect, it } from 'vitest';
import {
  codeOf,
  createSite,
  fieldOf,
  newVisitorId,
  type Result,
  sharedTestServer,
  type TestWorkspace,
  uniqueEmail,
  type WidgetSocket,
} from '../test/harness.ts';
import { countWorkspaceRows } from '../test/rows.ts';

const CONTACTS = `query ($search: String, $first: Int, $after: String) {
  contacts(search: $search, first: $first, after: $after) {
    edges { cursor node { id email name } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const CONTACT = `query ($id: ID!) {
  contact(id: $id) {
    id email name verified createdAt lastSeenAt
    visitors { edges { node { id email identified } } }
    conversations { edges { node { id status } } }
  }
}`;
const CONVERSATIONS = `query ($status: ConversationStatus, $first: Int, $after: String) {
  conversations(status: $status, first: $first, after: $after) {
    edges { cursor node { id status lastActivityAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const CONVERSATION = `query ($id: ID!, $last: Int, $before: ID) {
  conversation(id: $id) {
    id status identityVerified unreadCount
    contact { email name }
    visitor { id email name identified }
    lastMessage { body author }
    messages(last: $last, before: $before) { id body author }
  }
}`;
const REPLY = `mutation ($conversationId: ID!, $body: String!, $id: ID!) {
  replyToConversation(input: { conversationId: $conversationId, body: $body, clientMessageId: $id }) {
    id conversationId author body
  }
}`;
const CLOSE = 'mutation ($id: ID!) { closeConversation(id: $id) { id status } }';
const REOPEN = 'mutation ($id: ID!) { reopenConversation(id: $id) { id status } }';
const SEND = `mutation ($body: String!, $id: ID!) {
  sendMessage(input: { body: $body, clientMessageId: $id }) { id conversationId }
}`;
const VISITOR_EVENTS = `subscription {
  visitorEvents { ... on VisitorMessageAdded { message { id body author } } }
}`;

const server = sharedTestServer();

/** A visitor that joined (identified when `email` is given) and sent `bodies` in order. */
async function chattingVisitor(
  workspace: TestWorkspace,
  bodies: string[],
  identity: { email?: string; name?: string } = {},
): Promise<{ socket: WidgetSocket; conversationId: string; messageIds: string[] }> {
  const socket = await server.join({
    siteId: workspace.siteId,
    visitorId: newVisitorId(),
    ...identity,
  });
  await socket.joined;
  const messageIds: string[] = [];
  let conversationId = '';
  for (const [index, body] of bodies.entries()) {
    const sent = await socket.execute(SEND, { body, id: `m${index}` });
    expect(sent.errors).toBeUndefined();
    messageIds.push(sent.data?.sendMessage.id);
    conversationId = sent.data?.sendMessage.conversationId;
  }
  return { socket, conversationId, messageIds };
}

async function insertContacts(
  workspaceId: string,
  contacts: Array<{ email: string; name: string | null }>,
): Promise<void> {
  await server.app.db
    .insertInto('contacts')
    .values(
      contacts.map(({ email, name }) => ({
        workspace_id: workspaceId,
        email,
        email_normalized: email.toLowerCase(),
        name,
      })),
    )
    .execute();
}

async function countRows(table: 'messages' | 'inbox_events', workspaceId: string) {
  const db = server.app.db;
  if (table === 'inbox_events') return countWorkspaceRows(db, table, workspaceId);
  // Messages carry no workspace_id: they belong to it through their conversation.
  const row = await db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .where('conversations.workspace_id', '=', workspaceId)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('contacts', () => {
  it('walks every contact exactly once, newest first, across pages', async () => {
    const a = await createSite(server);
    const b = await createSite(server);
    // One statement: all 45 share a created_at, so only the id tie-break orders them.
    await insertContacts(
      a.id,
      Array.from({ length: 45 }, (_, i) => ({ email: uniqueEmail(`p${i}`), name: null })),
    );
    await insertContacts(b.id, [{ email: uniqueEmail('other'), name: 'Other' }]);
    const later = uniqueEmail('later');
    await insertContacts(a.id, [{ email: later, name: null }]);

    const seen: string[] = [];
    const pageSizes: number[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Result = await server.http(CONTACTS, { first: 7, after }, a.agentToken);
      expect(page.errors).toBeUndefined();
      const { edges, pageInfo } = page.data?.contacts ?? {};
      pageSizes.push(edges.length);
      seen.push(...edges.map((edge: { node: { id: string } }) => edge.node.id));
      if (!pageInfo.hasNextPage) {
        expect(pageInfo.endCursor).toBe(edges.at(-1)?.cursor ?? null);
        break;
      }
      after = pageInfo.endCursor;
    }
    expect(pageSizes).toEqual([7, 7, 7, 7, 7, 7, 4]);
    const expected = await server.app.db
      .selectFrom('contacts')
      .select('id')
      .where('workspace_id', '=', a.id)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    expect(seen).toEqual(expected.map((row) => row.id));
    expect(new Set(seen).size).toBe(46);

    const first = await server.http(CONTACTS, { first: 1 }, a.apiKey);
    expect(first.data?.contacts.edges[0].node.email).toBe(later);
  });

  it('searches by email or name prefix, ignoring case, with LIKE characters taken literally', async () => {
    const a = await createSite(server);
    const tag = newVisitorId().slice(0, 6);
    await insertContacts(a.id, [
      { email: `ann_${tag}@example.com`, name: 'Zed' },
      { email: `annx${tag}@example.com`, name: null },
      { email: `100%${tag}@example.com`, name: null },
      { email: `zz${tag}@example.com`, name: `Jane ${tag} Smith` },
      { email: `yy${tag}@example.com`, name: `Smith ${tag}` },
      { email: `back\\slash${tag}@example.com`, name: null },
    ]);
    const emails = async (search: string) => {
      const result = await server.http(CONTACTS, { search, first: 100 }, a.agentToken);
      expect(result.errors).toBeUndefined();
      return result.data?.contacts.edges
        .map((edge: { node: { email: string } }) => edge.node.email)
        .sort();
    };
    expect(await emails(`ANN_${tag}`)).toEqual([`ann_${tag}@example.com`]);
    expect(await emails('ann_')).toEqual([`ann_${tag}@example.com`]);
    expect(await emails(`ann`)).toEqual([`ann_${tag}@example.com`, `annx${tag}@example.com`]);
    expect(await emails('100%')).toEqual([`100%${tag}@example.com`]);
    expect(await emails('%')).toEqual([]);
    expect(await emails('_')).toEqual([]);
    expect(await emails('back\\')).toEqual([`back\\slash${tag}@example.com`]);
    expect(await emails(`jane ${tag.toUpperCase()}`)).toEqual([`zz${tag}@example.com`]);
    expect(await emails(`smith ${tag}`)).toEqual([`yy${tag}@example.com`]);
    // A prefix, not a substring.
    expect(await emails(`${tag}@example.com`)).toEqual([]);
    expect((await emails('  ')).length).toBe(6);
  });

  it('refuses a bad first or cursor with BAD_USER_INPUT', async () => {
    const a = await createSite(server);
    for (const first of [0, 101, -1]) {
      const result = await server.http(CONTACTS, { first }, a.agentToken);
      expect([codeOf(result), fieldOf(result)]).toEqual(['BAD_USER_INPUT', 'first']);
    }
    for (const after of ['nope', '', Buffer.from('12:not-a-uuid').toString('base64url')]) {
      const result = await server.http(CONTACTS, { after }, a.agentToken);
      expect([codeOf(result), fieldOf(result)]).toEqual(['BAD_USER_INPUT', 'after']);
    }
    const long = await server.http(CONTACTS, { search: 'x'.repeat(255) }, a.agentToken);
    expect([codeOf(long), fieldOf(long)]).toEqual(['BAD_USER_INPUT', 'search']);
  });

  it('shows a contact with its visitors and conversations to its workspace only', async () => {
    const a = await createSite(server);
    const b = await createSite(server);
    const email = uniqueEmail();
    const { conversationId } = await chattingVisitor(a, ['Hi'], { email, name: 'Jane Smith' });
    const contactId = (
      await server.app.db
        .selectFrom('contacts')
        .select('id')
        .where('workspace_id', '=', a.id)
        .executeTakeFirstOrThrow()
    ).id;

    for (const token of [a.agentToken, a.apiKey]) {
      const result = await server.http(CONTACT, { id: contactId }, token);
      expect(result.errors).toBeUndefined();
      expect(result.data?.contact).toMatchObject({
        id: contactId,
        email,
        name: 'Jane Smith',
        verified: false,
        createdAt: expect.any(String),
        lastSeenAt: expect.any(String),
        visitors: { edges: [{ node: { email, identified: true } }] },
        conversations: { edges: [{ node: { id: conversationId, status: 'OPEN' } }] },
      });
    }
    for (const token of [b.agentToken, b.apiKey]) {
      const result = await server.http(CONTACT, { id: contactId }, token);
      expect(result).toEqual({ data: { contact: null } });
      const list = await server.http(CONTACTS, { search: email }, token);
      expect(list.data?.contacts.edges).toEqual([]);
    }
    expect((await server.http(CONTACT, { id: 'not-a-uuid' }, a.agentToken)).data).toEqual({
      contact: null,
    });
    expect(codeOf(await server.http(CONTACT, { id: contactId }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await server.http(CONTACTS, {}))).toBe('UNAUTHENTICATED');
  });

  it('never leads a visitor from its own contact to other visitors or conversations', async () => {
    const a = await createSite(server);
    const email = uniqueEmail();
    await chattingVisitor(a, ['first device'], { email });
    const socket = await server.join({ siteId: a.siteId, visitorId: newVisitorId() });
    // The contact a visitor is given has no such fields at all: the operation is invalid.
    await expect(
      socket.execute(
        `mutation ($email: String!) {
          identifyVisitor(input: { email: $email }) { contact { id email visitors { id } conversations { id } } }
        }`,
        { email },
      ),
    ).rejects.toEqual([
      expect.objectContaining({
        message: 'Cannot query field "visitors" on type "IdentifiedContact".',
      }),
      expect.objectContaining({
        message: 'Cannot query field "conversations" on type "IdentifiedContact".',
      }),
    ]);
    const plain = await socket.execute(
      'mutation ($email: String!) { identifyVisitor(input: { email: $email }) { contact { email } } }',
      { email },
    );
    expect(plain.data?.identifyVisitor.contact.email).toBe(email);
    expect(codeOf(await socket.execute('{ contacts { edges { cursor } } }'))).toBe('FORBIDDEN');
  });
});

describe('conversations', () => {
  it('lists the workspace’s conversations by latest activity, filtered by status, in pages', async () => {
    const a = await createSite(server);
    const b = await createSite(server);
    const first = await chattingVisitor(a, ['one']);
    const second = await chattingVisitor(a, ['two']);
    const third = await chattingVisitor(a, ['three']);
    await chattingVisitor(b, ['elsewhere']);
    await first.socket.execute(SEND, { body: 'one again', id: 'again' });
    await server.http(CLOSE, { id: second.conversationId }, a.agentToken);

    const ids = (result: Result) =>
      result.data?.conversations.edges.map((edge: { node: { id: string } }) => edge.node.id);
    const all = await server.http(CONVERSATIONS, {}, a.apiKey);
    expect(ids(all)).toEqual([first.conversationId, third.conversationId, second.conversationId]);
    const open = await server.http(CONVERSATIONS, { status: 'OPEN' }, a.agentToken);
    expect(ids(open)).toEqual([first.conversationId, third.conversationId]);
    const closed = await server.http(CONVERSATIONS, { status: 'CLOSED' }, a.agentToken);
    expect(ids(closed)).toEqual([second.conversationId]);

    const page1 = await server.http(CONVERSATIONS, { first: 2 }, a.agentToken);
    expect(ids(page1)).toEqual([first.conversationId, third.conversationId]);
    expect(page1.data?.conversations.pageInfo.hasNextPage).toBe(true);
    const page2 = await server.http(
      CONVERSATIONS,
      { first: 2, after: page1.data?.conversations.pageInfo.endCursor },
      a.agentToken,
    );
    expect(ids(page2)).toEqual([second.conversationId]);
    expect(page2.data?.conversations.pageInfo).toEqual({
      hasNextPage: false,
      endCursor: page2.data?.conversations.edges[0].cursor,
    });
    const bad = await server.http(CONVERSATIONS, { first: 101 }, a.agentToken);
    expect([codeOf(bad), fieldOf(bad)]).toEqual(['BAD_USER_INPUT', 'first']);
  });

  it('shows a conversation with contact, visitor, last message, unread count and paged messages', async () => {
    const a = await createSite(server);
    const email = uniqueEmail();
    const chat = await chattingVisitor(a, ['m1', 'm2', 'm3'], { email, name: 'Jane' });
    const read = (variables: Record<string, unknown> = {}) =>
      server.http(CONVERSATION, { id: chat.conversationId, ...variables }, a.agentToken);

    const before = await read();
    expect(before.errors).toBeUndefined();
    expect(before.data?.conversation).toMatchObject({
      id: chat.conversationId,
      status: 'OPEN',
      identityVerified: false,
      unreadCount: 3,
      contact: { email, name: 'Jane' },
      visitor: { email, name: 'Jane', identified: true },
      lastMessage: { body: 'm3', author: 'VISITOR' },
    });
    expect(before.data?.conversation.messages.map((m: { body: string }) => m.body)).toEqual([
      'm1',
      'm2',
      'm3',
    ]);

    await server.http(
      REPLY,
      { conversationId: chat.conversationId, body: 'r1', id: 'r1' },
      a.agentToken,
    );
    await chat.socket.execute(SEND, { body: 'm4', id: 'm4' });
    const after = await read({ last: 2 });
    // The agent never marked it read: a reply reads nothing (read-marks.test.ts).
    expect(after.data?.conversation).toMatchObject({
      unreadCount: 4,
      lastMessage: { body: 'm4', author: 'VISITOR' },
    });
    expect(after.data?.conversation.messages.map((m: { body: string }) => m.body)).toEqual([
      'r1',
      'm4',
    ]);
    const back = await read({ last: 2, before: after.data?.conversation.messages[0].id });
    expect(back.data?.conversation.messages.map((m: { body: string }) => m.body)).toEqual([
      'm2',
      'm3',
    ]);

    for (const last of [0, 201]) {
      const bad = await read({ last });
      expect([codeOf(bad), fieldOf(bad)]).toEqual(['BAD_USER_INPUT', 'last']);
    }
    const other = await chattingVisitor(a, ['elsewhere']);
    for (const beforeId of [other.messageIds[0], 'nope']) {
      const bad = await read({ before: beforeId });
      expect([codeOf(bad), fieldOf(bad)]).toEqual(['BAD_USER_INPUT', 'before']);
    }
  });

  it('answers another workspace’s or an unknown conversation with null, over HTTP and WebSocket', async () => {
    const a = await createSite(server);
    const b = await createSite(server);
    const chat = await chattingVisitor(a, ['secret']);
    for (const token of [b.agentToken, b.apiKey]) {
      expect(await server.http(CONVERSATION, { id: chat.conversationId }, token)).toEqual({
        data: { conversation: null },
      });
      const socket = await server.connect(token);
      expect(await socket.execute(CONVERSATION, { id: chat.conversationId })).toEqual({
        data: { conversation: null },
      });
      const list = await socket.execute(CONVERSATIONS, {});
      expect(list.data?.conversations.edges).toEqual([]);
    }
    expect((await server.http(CONVERSATION, { id: newVisitorId() }, a.agentToken)).data).toEqual({
      conversation: null,
    });
    expect(codeOf(await server.http(CONVERSATION, { id: chat.conversationId }))).toBe(
      'UNAUTHENTICATED',
    );
    // A visitor reads its own conversations through `visitor`, never the agent fields.
    const fields = await chat.socket.execute('{ visitor { conversations { unreadCount } } }');
    expect(codeOf(fields)).toBe('FORBIDDEN');
    expect(codeOf(await chat.socket.execute(CONVERSATIONS, {}))).toBe('FORBIDDEN');
  });
});

describe('replyToConversation', () => {
  it('delivers the reply live to the visitor’s visitorEvents', async () => {
    const a = await createSite(server);
    const chat = await chattingVisitor(a, ['Hello?']);
    const events = chat.socket.subscribe(VISITOR_EVENTS);
    await events.expectSilence(100);
    const agent = await server.connect(a.agentToken);
    const reply = await agent.execute(REPLY, {
      conversationId: chat.conversationId,
      body: 'Hi, how can I help?',
      id: 'reply-1',
    });
    expect(reply.errors).toBeUndefined();
    expect(reply.data?.replyToConversation).toMatchObject({
      conversationId: chat.conversationId,
      author: 'AGENT',
      body: 'Hi, how can I help?',
    });
    expect((await events.next()).data?.visitorEvents.message).toEqual({
      id: reply.data?.replyToConversation.id,
      body: 'Hi, how can I help?',
      author: 'AGENT',
    });
    const history = await chat.socket.execute(
      '{ visitor { conversations { messages { body author } } } }',
    );
    expect(history.data?.visitor.conversations[0].messages).toEqual([
      { body: 'Hello?', author: 'VISITOR' },
      { body: 'Hi, how can I help?', author: 'AGENT' },
    ]);
  });

  it('stores a repeated clientMessageId once, returns the same message and delivers it once', async () => {
    const a = await createSite(server);
    const chat = await chattingVisitor(a, ['Hello?']);
    const events = chat.socket.subscribe(VISITOR_EVENTS);
    await events.expectSilence(100);
    const variables = { conversationId: chat.conversationId, body: 'Once', id: 'same' };
    const first = await server.http(REPLY, variables, a.agentToken);
    const again = await server.http(REPLY, { ...variables, body: 'Twice?' }, a.agentToken);
    expect(again.data?.replyToConversation).toEqual(first.data?.replyToConversation);
    expect((await events.next()).data?.visitorEvents.message.body).toBe('Once');
    await events.expectSilence(200);
    expect(await countRows('messages', a.id)).toBe(2);
    expect(await countRows('inbox_events', a.id)).toBe(3);
  });

  it('stores concurrent replies with one clientMessageId once', async () => {
    const a = await createSite(server);
    const chat = await chattingVisitor(a, ['Hello?']);
    const variables = { conversationId: chat.conversationId, body: 'Racing', id: 'race' };
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => server.http(REPLY, variables, a.agentToken)),
    );
    const ids = new Set(replies.map((reply) => reply.data?.replyToConversation.id));
    expect(replies.map((reply) => reply.errors)).toEqual(Array(5).fill(undefined));
    expect(ids.size).toBe(1);
    expect(await countRows('messages', a.id)).toBe(2);
  });

  it('bumps the conversation’s activity', async () => {
    const a = await createSite(server);
    const chat = await chattingVisitor(a, ['old']);
    await chattingVisitor(a, ['newer']);
    await server.http(
      REPLY,
      { conversationId: chat.conversationId, body: 'up', id: 'u' },
      a.agentToken,
    );
    const list = await server.http(CONVERSATIONS, { first: 1 }, a.agentToken);
    expect(list.data?.conversations.edges[0].node.id).toBe(chat.conversationId);
  });

  it('refuses bad input, a closed conversation, keys, strangers and other workspaces, writing nothing', async () => {
    const a = await createSite(server);
    const b = await createSite(server);
    const chat = await chattingVisitor(a, ['Hello?']);
    const reply = (token: string | undefined, variables: Record<string, unknown> = {}) =>
      server.http(
        REPLY,
        { conversationId: chat.conversationId, body: 'x', id: 'r', ...variables },
        token,
      );
    const messages = await countRows('messages', a.id);
    const events = await countRows('inbox_events', a.id);

    const blank = await reply(a.agentToken, { body: ' \u200b ' });
    expect([codeOf(blank), fieldOf(blank)]).toEqual(['BAD_USER_INPUT', 'input.body']);
    const spaced = await reply(a.agentToken, { id: 'has space' });
    expect([codeOf(spaced), fieldOf(spaced)]).toEqual(['BAD_USER_INPUT', 'input.clientMessageId']);
    expect(codeOf(await reply(a.apiKey))).toBe('FORBIDDEN');
    expect(codeOf(await reply(undefined))).toBe('UNAUTHENTICATED');
    expect(codeOf(await reply(b.agentToken))).toBe('NOT_FOUND');
    expect(codeOf(await reply(a.agentToken, { conversationId: 'nope' }))).toBe('NOT_FOUND');
    expect(codeOf(await reply(a.agentToken, { conversationId: newVisitorId() }))).toBe('NOT_FOUND');
    const bSocket = await server.connect(b.agentToken);
    expect(
      codeOf(
        await bSocket.execute(REPLY, { conversationId: chat.conversationId, body: 'x', id: 'w' }),
      ),
    ).toBe('NOT_FOUND');
    const keySocket = await server.connect(a.apiKey);
    expect(
      codeOf(
        await keySocket.execute(REPLY, { conversationId: chat.conversationId, body: 'x', id: 'k' }),
      ),
    ).toBe('FORBIDDEN');
    expect(
      codeOf(
        await chat.socket.execute(REPLY, {
          conversationId: chat.conversationId,
          body: 'x',
          id: 'v',
        }),
      ),
    ).toBe('FORBIDDEN');

    await server.http(CLOSE, { id: chat.conversationId }, a.agentToken);
    const closed = await reply(a.agentToken);
    expect([codeOf(closed), fieldOf(closed)]).toEqual(['BAD_USER_INPUT', 'input.conversationId']);
    expect(await countRows('messages', a.id)).toBe(messages);
    expect(await countRows('inbox_events', a.id)).toBe(events + 1); // the close
  });
});

describe('closeConversation and reopenConversation', () => {
  it('close and reopen; the visitor’s next message after a close opens a new conversation', async () => {
    const a = await createSite(server);
    const chat = await chattingVisitor(a, ['Hello']);
    const closed = await server.http(CLOSE, { id: chat.conversationId }, a.agentToken);
    expect(closed.data?.closeConversation).toEqual({ id: chat.conversationId, status: 'CLOSED' });
    const twice = await server.http(CLOSE, { id: chat.conversationId }, a.agentToken);
    expect(twice.data?.closeConversation.status).toBe('CLOSED');
    const reopened = await server.http(REOPEN, { id: chat.conversationId }, a.agentToken);
    expect(reopened.data?.reopenConversation).toEqual({ id: chat.conversationId, status: 'OPEN' });
    const sent = await chat.socket.execute(SEND, { body: 'Back', id: 'back' });
    expect(sent.data?.sendMessage.conversationId).toBe(chat.conversationId);

    await server.http(CLOSE, { id: chat.conversationId }, a.agentToken);
    const next = await chat.socket.execute(SEND, { body: 'New topic', id: 'new' });
    expect(next.data?.sendMessage.conversationId).not.toBe(chat.conversationId);
    const conflict = await server.http(REOPEN, { id: chat.conversationId }, a.agentToken);
    expect([codeOf(conflict), fieldOf(conflict)]).toEqual(['BAD_USER_INPUT', 'id']);
    expect(conflict.errors?.[0]?.extensions?.openConversationId).toBe(
      next.data?.sendMessage.conversationId,
    );
    const still = await server.http(CONVERSATION, { id: chat.conversationId }, a.agentToken);
    expect(still.data?.conversation.status).toBe('CLOSED');
  });

  it('refuses keys, strangers and other workspaces, changing nothing', async () => {
    const a = await createSite(server);
    const b = await createSite(server);
    const chat = await chattingVisitor(a, ['Hello']);
    const events = await countRows('inbox_events', a.id);
    for (const mutation of [CLOSE, REOPEN]) {
      expect(codeOf(await server.http(mutation, { id: chat.conversationId }, b.agentToken))).toBe(
        'NOT_FOUND',
      );
      expect(codeOf(await server.http(mutation, { id: chat.conversationId }, b.apiKey))).toBe(
        'FORBIDDEN',
      );
      expect(codeOf(await server.http(mutation, { id: chat.conversationId }, a.apiKey))).toBe(
        'FORBIDDEN',
      );
      expect(codeOf(await server.http(mutation, { id: chat.conversationId }))).toBe(
        'UNAUTHENTICATED',
      );
      expect(codeOf(await server.http(mutation, { id: 'nope' }, a.agentToken))).toBe('NOT_FOUND');
      const socket = await server.connect(b.agentToken);
      expect(codeOf(await socket.execute(mutation, { id: chat.conversationId }))).toBe('NOT_FOUND');
    }
    const status = await server.http(CONVERSATION, { id: chat.conversationId }, a.agentToken);
    expect(status.data?.conversation.status).toBe('OPEN');
    expect(await countRows('inbox_events', a.id)).toBe(events);
  });
});
