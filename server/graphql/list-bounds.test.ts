import { describe, expect, it } from 'vitest';
import { VISITOR_QUERY } from '../../widget/operations.ts';
import {
  codeOf,
  createSite,
  fieldOf,
  newVisitorId,
  sharedTestServer,
  type TestSite,
  uniqueEmail,
} from '../test/harness.ts';

const SEND = `mutation ($body: String!, $id: ID!) {
  sendMessage(input: { body: $body, clientMessageId: $id }) { id conversationId }
}`;
const CLOSE = 'mutation ($id: ID!) { closeConversation(id: $id) { id } }';
const MESSAGES = `query ($id: ID!, $last: Int, $before: ID) {
  conversation(id: $id) { messages(last: $last, before: $before) { id body } }
}`;
const CONTACT_LISTS = `query ($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  contact(id: $id) {
    conversations(first: $first, after: $after, last: $last, before: $before) {
      edges { cursor node { id } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
    visitors(first: $first, after: $after, last: $last, before: $before) {
      edges { node { id } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

const server = sharedTestServer();

describe('Conversation.messages', () => {
  it('without last gives the newest 200 of 205, oldest first, to the widget and to agents', async () => {
    const site = await createSite(server);
    const visitor = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
    const sent = await visitor.execute(SEND, { body: 'm1', id: 'm1' });
    const conversationId: string = sent.data?.sendMessage.conversationId;
    // More than a visitor may send in a test's time: stored as the server would, in order.
    await server.app.db
      .insertInto('messages')
      .values(
        Array.from({ length: 204 }, (_, i) => ({
          conversation_id: conversationId,
          author: 'agent' as const,
          author_visitor_id: null,
          author_agent_id: null,
          client_message_id: null,
          body: `m${i + 2}`,
        })),
      )
      .execute();
    const newest200 = Array.from({ length: 200 }, (_, i) => `m${i + 6}`);

    const history = await visitor.execute(VISITOR_QUERY);
    expect(history.errors).toBeUndefined();
    const [conversation] = history.data?.visitor.conversations ?? [];
    expect(conversation.messages.map((message: { body: string }) => message.body)).toEqual(
      newest200,
    );

    const read = await server.http(MESSAGES, { id: conversationId }, site.agentToken);
    const messages: Array<{ id: string; body: string }> = read.data?.conversation.messages;
    expect(messages.map((message) => message.body)).toEqual(newest200);
    // The five older ones stay reachable, page by page.
    const older = await server.http(
      MESSAGES,
      { id: conversationId, last: 200, before: messages[0]?.id },
      site.agentToken,
    );
    expect(
      older.data?.conversation.messages.map((message: { body: string }) => message.body),
    ).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);

    const tooMany = await server.http(MESSAGES, { id: conversationId, last: 201 }, site.agentToken);
    expect([codeOf(tooMany), fieldOf(tooMany)]).toEqual(['BAD_USER_INPUT', 'last']);
  });
});

describe('Contact.conversations and Contact.visitors', () => {
  /** A contact with five conversations (one open) and three visitors; their ids newest first. */
  async function busyContact(site: TestSite) {
    const email = uniqueEmail();
    const visitorIds: string[] = [];
    const conversationIds: string[] = [];
    for (const device of [1, 2, 3]) {
      const socket = await server.join({ siteId: site.siteId, visitorId: newVisitorId(), email });
      const own = await socket.execute('{ visitor { id } }');
      visitorIds.unshift(own.data?.visitor.id);
      // Two conversations from the first devices, one from the last: a closed one is followed
      // by a new one at the next message.
      for (const turn of device === 3 ? [1] : [1, 2]) {
        const sent = await socket.execute(SEND, { body: 'Hi', id: `${device}-${turn}` });
        const conversationId: string = sent.data?.sendMessage.conversationId;
        conversationIds.unshift(conversationId);
        if (turn === 1 && device !== 3) {
          expect(
            (await server.http(CLOSE, { id: conversationId }, site.agentToken)).errors,
          ).toBeUndefined();
        }
      }
    }
    const { id } = await server.app.db
      .selectFrom('contacts')
      .select('id')
      .where('workspace_id', '=', site.id)
      .executeTakeFirstOrThrow();
    return { contactId: id, visitorIds, conversationIds };
  }

  it('page forward and backward by cursor, newest first', async () => {
    const site = await createSite(server);
    const { contactId, visitorIds, conversationIds } = await busyContact(site);
    const page = async (variables: Record<string, unknown>) => {
      const result = await server.http(CONTACT_LISTS, { id: contactId, ...variables }, site.apiKey);
      expect(result.errors).toBeUndefined();
      return result.data?.contact;
    };
    const ids = (connection: { edges: Array<{ node: { id: string } }> }) =>
      connection.edges.map((edge) => edge.node.id);

    const first = await page({ first: 2 });
    expect(ids(first.conversations)).toEqual(conversationIds.slice(0, 2));
    expect(first.conversations.pageInfo).toMatchObject({ hasNextPage: true });
    expect(ids(first.visitors)).toEqual(visitorIds.slice(0, 2));
    expect(first.visitors.pageInfo.hasNextPage).toBe(true);

    const second = await page({ first: 2, after: first.conversations.pageInfo.endCursor });
    expect(ids(second.conversations)).toEqual(conversationIds.slice(2, 4));
    const third = await page({ first: 2, after: second.conversations.pageInfo.endCursor });
    expect(ids(third.conversations)).toEqual(conversationIds.slice(4));
    expect(third.conversations.pageInfo.hasNextPage).toBe(false);
    const visitorsAfter = await page({ first: 2, after: first.visitors.pageInfo.endCursor });
    expect(ids(visitorsAfter.visitors)).toEqual(visitorIds.slice(2));
    expect(visitorsAfter.visitors.pageInfo.hasNextPage).toBe(false);

    const oldest = await page({ last: 2 });
    expect(ids(oldest.conversations)).toEqual(conversationIds.slice(3));
    expect(oldest.conversations.pageInfo).toMatchObject({ hasPreviousPage: true });
    const before = await page({ last: 2, before: oldest.conversations.pageInfo.startCursor });
    expect(ids(before.conversations)).toEqual(conversationIds.slice(1, 3));

    // Without first or last, a page holds the default 20.
    expect(ids((await page({})).conversations)).toEqual(conversationIds);
  });

  it('answer pages of different sizes for many contacts at once, and refuse bad arguments', async () => {
    const site = await createSite(server);
    const a = await busyContact(site);
    const other = await createSite(server);
    const b = await busyContact(other);
    const both = await server.http(
      `query ($a: ID!) {
        contact(id: $a) {
          one: conversations(first: 1) { edges { node { id } } }
          three: conversations(first: 3) { edges { node { id } } }
        }
        contacts { edges { node { id conversations(first: 2) { edges { node { id } } } } } }
      }`,
      { a: a.contactId },
      site.apiKey,
    );
    expect(both.errors).toBeUndefined();
    const ids = (connection: { edges: Array<{ node: { id: string } }> }) =>
      connection.edges.map((edge) => edge.node.id);
    expect(ids(both.data?.contact.one)).toEqual(a.conversationIds.slice(0, 1));
    expect(ids(both.data?.contact.three)).toEqual(a.conversationIds.slice(0, 3));
    // Another workspace's contact stays out of this workspace's lists.
    expect(both.data?.contacts.edges).toEqual([
      {
        node: {
          id: a.contactId,
          conversations: { edges: a.conversationIds.slice(0, 2).map((id) => ({ node: { id } })) },
        },
      },
    ]);
    expect(b.contactId).not.toBe(a.contactId);

    for (const [variables, field] of [
      [{ first: 101 }, 'first'],
      [{ after: 'not-a-cursor' }, 'after'],
      [{ first: 1, last: 1 }, 'last'],
    ] as const) {
      const refused = await server.http(
        CONTACT_LISTS,
        { id: a.contactId, ...variables },
        site.apiKey,
      );
      expect([codeOf(refused), fieldOf(refused)]).toEqual(['BAD_USER_INPUT', field]);
    }
    // Two workspaces of three devices each: seconds on a loaded machine.
  }, 60_000);
});
