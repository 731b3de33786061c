import { describe, expect, it } from 'vitest';
import {
  createSite,
  newVisitorId,
  type Result,
  type Subscription,
  sharedTestServer,
  type TestSite,
  uniqueEmail,
} from '../test/harness.ts';
import { LogCapture } from '../test/log-capture.ts';

// At trace the server logs every SQL statement it runs: these tests count them.
const log = new LogCapture();
const server = sharedTestServer({}, { logger: log.logger('trace') });

const SEND = `mutation ($body: String!, $id: ID!) {
  sendMessage(input: { body: $body, clientMessageId: $id }) { id conversationId }
}`;
// Every field of a row that reads more than the row: each must cost one statement for the list.
const CONVERSATIONS = `{
  conversations(first: 50) {
    edges { node {
      id identityVerified unreadCount
      messages(last: 1) { body }
      lastMessage { body }
      visitor { id email conversations { id } }
      contact {
        email
        visitors(first: 5) { edges { node { id conversations { id } } } }
        conversations(first: 5) { edges { node { id messages { body } } } }
      }
    } }
  }
}`;
const INBOX = `subscription {
  inboxEvents {
    kind
    conversation {
      id status identityVerified unreadCount
      lastMessage { body }
      messages(last: 5) { body }
      contact { id email }
      visitor { id conversations { id } }
    }
    message { body }
    contact { email }
    visitor { id identityVerified }
  }
}`;

/** Whether a statement reads a workspace's inbox log (rather than what its events name). */
function readsInboxLog(sql: string): boolean {
  return sql.startsWith('select') && sql.includes('from "inbox_events"');
}

/** The SQL statements the server ran while `run` ran. */
async function statementsOf(run: () => Promise<unknown>): Promise<string[]> {
  const before = log.statements().length;
  await run();
  return log.statements().slice(before);
}

/** A workspace with `count` identified visitors, each with a conversation of two messages. */
async function siteWithConversations(count: number): Promise<TestSite> {
  const site = await createSite(server);
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const socket = await server.join({
        siteId: site.siteId,
        visitorId: newVisitorId(),
        email: uniqueEmail(`v${i}`),
      });
      for (const body of [`first ${i}`, `second ${i}`]) {
        const sent = await socket.execute(SEND, { body, id: body.replace(' ', '-') });
        expect(sent.errors).toBeUndefined();
      }
    }),
  );
  return site;
}

/** Runs the query as the site's API key; a request just before keeps its `lastUsedAt` write out. */
async function measuredQuery(site: TestSite, query: string) {
  await server.http('{ __typename }', {}, site.apiKey);
  let result: Result | undefined;
  const statements = await statementsOf(async () => {
    result = await server.http(query, {}, site.apiKey);
  });
  expect(result?.errors).toBeUndefined();
  return { statements, data: result?.data };
}

describe('a list costs the statements of one row', () => {
  it('conversations with their messages, visitors, contacts and the contacts’ lists', async () => {
    const one = await siteWithConversations(1);
    const many = await siteWithConversations(6);
    const ofOne = await measuredQuery(one, CONVERSATIONS);
    const ofMany = await measuredQuery(many, CONVERSATIONS);

    expect(ofMany.data?.conversations.edges).toHaveLength(6);
    for (const { node } of ofMany.data?.conversations.edges ?? []) {
      const i = /^second (\d+)$/.exec(node.lastMessage.body)?.[1];
      expect(node.messages).toEqual([{ body: `second ${i}` }]);
      expect(node.visitor.conversations).toEqual([{ id: node.id }]);
      expect(node.contact.visitors.edges).toEqual([
        { node: { id: node.visitor.id, conversations: [{ id: node.id }] } },
      ]);
      expect(node.contact.conversations.edges).toEqual([
        { node: { id: node.id, messages: [{ body: `first ${i}` }, { body: `second ${i}` }] } },
      ]);
    }
    expect(ofMany.statements).toHaveLength(ofOne.statements.length);
    // Each row's visitor joins and sends: seconds on a loaded machine.
  }, 60_000);
});

describe('what an inbox event names is read once for all its subscribers', () => {
  /** A workspace with `subscribers` inboxes open: its agent's, then another agent's, by turns. */
  async function watchedSite(subscribers: number) {
    const site = await createSite(server);
    const tokens =
      subscribers > 1
        ? [site.agentToken, (await server.createAgent(site.id)).token]
        : [site.agentToken];
    const inboxes: Subscription[] = [];
    for (let i = 0; i < subscribers; i++) {
      const socket = await server.connect(tokens[i % tokens.length] ?? site.agentToken);
      inboxes.push(socket.subscribe(INBOX));
      // Operations on one socket are handled in order: once this answers, the subscription listens.
      await socket.execute('{ __typename }');
    }
    const email = uniqueEmail();
    const visitor = await server.join({ siteId: site.siteId, visitorId: newVisitorId(), email });
    // Once every inbox has the identify at join, no subscription is still starting.
    for (const inbox of inboxes) {
      expect((await inbox.next()).data?.inboxEvents.kind).toBe('VISITOR_IDENTIFIED');
    }
    return { inboxes, visitor, email };
  }

  it('a visitor’s first message reaches 1 inbox, or 4 of two agents, for the same statements', async () => {
    const costs: number[] = [];
    for (const subscribers of [1, 4]) {
      const { inboxes, visitor, email } = await watchedSite(subscribers);
      const received: Result[] = [];
      const statements = await statementsOf(async () => {
        const sent = await visitor.execute(SEND, { body: 'Hello', id: 'hello' });
        expect(sent.errors).toBeUndefined();
        for (const inbox of inboxes) received.push(await inbox.next(), await inbox.next());
      });
      // Each subscription reads the log itself when woken (followLog); what an event names is
      // read once for all of them.
      costs.push(statements.filter((sql) => !readsInboxLog(sql)).length);
      for (const [i, result] of received.entries()) {
        expect(result.errors).toBeUndefined();
        const event = result.data?.inboxEvents;
        expect(event.kind).toBe(i % 2 === 0 ? 'CONVERSATION_CREATED' : 'MESSAGE_ADDED');
        expect(event.conversation).toMatchObject({
          status: 'OPEN',
          unreadCount: 1,
          lastMessage: { body: 'Hello' },
          messages: [{ body: 'Hello' }],
          contact: { email },
          visitor: { conversations: [{ id: event.conversation.id }] },
        });
        expect(event.contact).toEqual({ email });
      }
    }
    // Read state is per agent: each of the two events reads the second agent's unread count.
    // Nothing else grows with the subscribers.
    expect(costs[1]).toBe((costs[0] ?? 0) + 2);
    // Three agents' passwords are hashed (scrypt) on the way: seconds on a loaded machine.
  }, 60_000);
});
