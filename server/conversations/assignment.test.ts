import { describe, expect, it } from 'vitest';
import {
  codeOf,
  createSite,
  fieldOf,
  newVisitorId,
  type Subscription,
  sharedTestServer,
  type TestSite,
} from '../test/harness.ts';
import { countWorkspaceRows } from '../test/rows.ts';

const SEND = `mutation ($body: String!, $id: ID!) {
  sendMessage(input: { body: $body, clientMessageId: $id }) { id conversationId }
}`;
const ASSIGN = `mutation ($conversationId: ID!, $agentId: ID) {
  assignConversation(input: { conversationId: $conversationId, agentId: $agentId }) {
    id assignee { id name }
  }
}`;
const ASSIGNEE = `query ($id: ID!) { conversation(id: $id) { assignee { id } } }`;
const LIST = `query ($assignee: ConversationAssignee, $status: ConversationStatus, $first: Int, $after: String) {
  conversations(assignee: $assignee, status: $status, first: $first, after: $after) {
    edges { node { id } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const INBOX = `subscription { inboxEvents { kind conversation { id assignee { id } } } }`;
const AGENTS = `{ agents { edges { node { id name } } } }`;
const CLOSE = 'mutation ($id: ID!) { closeConversation(id: $id) { id } }';

const server = sharedTestServer();

/** A visitor's new conversation with one message; returns its id. */
async function newConversation(site: TestSite, body = 'Hello'): Promise<string> {
  const socket = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
  const sent = await socket.execute(SEND, { body, id: 'm' });
  expect(sent.errors).toBeUndefined();
  return sent.data?.sendMessage.conversationId;
}

async function inbox(token: string): Promise<Subscription> {
  const socket = await server.connect(token);
  const events = socket.subscribe(INBOX);
  await socket.execute('{ __typename }');
  return events;
}

async function agentIdOf(token: string): Promise<string> {
  return (await server.http('{ me { id } }', {}, token)).data?.me.id;
}

async function assigneeOf(site: TestSite, conversationId: string): Promise<unknown> {
  const result = await server.http(ASSIGNEE, { id: conversationId }, site.apiKey);
  return result.data?.conversation.assignee?.id ?? null;
}

/** The ids of every conversation of the list, walked a page of `first` at a time. */
async function walk(token: string, variables: Record<string, unknown>, first = 2) {
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await server.http(LIST, { ...variables, first, after }, token);
    expect(page.errors).toBeUndefined();
    const { edges, pageInfo } = page.data?.conversations ?? {};
    ids.push(...edges.map((edge: { node: { id: string } }) => edge.node.id));
    if (!pageInfo.hasNextPage) return ids;
    after = pageInfo.endCursor;
  }
}

describe('assignConversation', () => {
  it('assigns to me, to another agent and to no one, live in every agent’s inbox', async () => {
    const site = await createSite(server);
    const me = await agentIdOf(site.agentToken);
    const other = await server.createAgent(site.id);
    const conversationId = await newConversation(site);
    const theirs = await inbox(other.token);

    const toMe = await server.http(ASSIGN, { conversationId, agentId: me }, site.agentToken);
    expect(toMe.data?.assignConversation).toEqual({
      id: conversationId,
      assignee: { id: me, name: 'Alex Agent' },
    });
    expect((await theirs.next()).data?.inboxEvents).toEqual({
      kind: 'CONVERSATION_ASSIGNED',
      conversation: { id: conversationId, assignee: { id: me } },
    });

    // An API key assigns too; assigning to whoever has it already is no news.
    await server.http(ASSIGN, { conversationId, agentId: other.id }, site.apiKey);
    expect((await theirs.next()).data?.inboxEvents.conversation.assignee).toEqual({ id: other.id });
    await server.http(ASSIGN, { conversationId, agentId: other.id }, site.agentToken);
    const unassigned = await server.http(ASSIGN, { conversationId }, site.agentToken);
    expect(unassigned.data?.assignConversation.assignee).toBeNull();
    expect((await theirs.next()).data?.inboxEvents).toEqual({
      kind: 'CONVERSATION_ASSIGNED',
      conversation: { id: conversationId, assignee: null },
    });
    await theirs.expectSilence(200);
  });

  it('refuses another workspace’s or an unknown agent or conversation with NOT_FOUND, changing nothing', async () => {
    const site = await createSite(server);
    const elsewhere = await createSite(server);
    const stranger = { id: await agentIdOf(elsewhere.agentToken) };
    const colleague = await server.createAgent(site.id);
    const conversationId = await newConversation(site);
    await server.http(ASSIGN, { conversationId, agentId: colleague.id }, site.agentToken);
    const events = await countWorkspaceRows(server.app.db, 'inbox_events', site.id);

    for (const agentId of [stranger.id, newVisitorId(), 'nope']) {
      const refused = await server.http(ASSIGN, { conversationId, agentId }, site.agentToken);
      expect(codeOf(refused)).toBe('NOT_FOUND');
    }
    for (const token of [elsewhere.agentToken, elsewhere.apiKey]) {
      expect(
        codeOf(await server.http(ASSIGN, { conversationId, agentId: stranger.id }, token)),
      ).toBe('NOT_FOUND');
      expect(codeOf(await server.http(ASSIGN, { conversationId }, token))).toBe('NOT_FOUND');
    }
    expect(codeOf(await server.http(ASSIGN, { conversationId: 'nope' }, site.agentToken))).toBe(
      'NOT_FOUND',
    );
    expect(await assigneeOf(site, conversationId)).toBe(colleague.id);
    expect(await countWorkspaceRows(server.app.db, 'inbox_events', site.id)).toBe(events);

    const visitor = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
    expect(codeOf(await visitor.execute(ASSIGN, { conversationId }))).toBe('FORBIDDEN');
    expect(codeOf(await server.http(ASSIGN, { conversationId }))).toBe('UNAUTHENTICATED');
  });
});

describe('conversations(assignee)', () => {
  it('keeps mine, the unassigned or all, each once across pages, open or closed', async () => {
    const site = await createSite(server);
    const me = await agentIdOf(site.agentToken);
    const other = await server.createAgent(site.id);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await newConversation(site, `c${i}`));
    const newestFirst = [...ids].reverse();
    const mine = newestFirst.filter((_, i) => i % 3 === 0);
    const theirs = newestFirst.filter((_, i) => i % 3 === 1);
    for (const conversationId of mine) {
      await server.http(ASSIGN, { conversationId, agentId: me }, site.agentToken);
    }
    for (const conversationId of theirs) {
      await server.http(ASSIGN, { conversationId, agentId: other.id }, site.agentToken);
    }

    expect(await walk(site.agentToken, { assignee: 'ME' })).toEqual(mine);
    expect(await walk(other.token, { assignee: 'ME' })).toEqual(theirs);
    expect(await walk(site.agentToken, { assignee: 'UNASSIGNED' })).toEqual(
      newestFirst.filter((id) => !mine.includes(id) && !theirs.includes(id)),
    );
    expect(await walk(site.agentToken, { assignee: 'ALL' })).toEqual(newestFirst);
    expect(await walk(site.apiKey, {})).toEqual(newestFirst);

    const closed = mine[0];
    await server.http(CLOSE, { id: closed }, site.agentToken);
    expect(await walk(site.agentToken, { assignee: 'ME', status: 'OPEN' })).toEqual(mine.slice(1));
    expect(await walk(site.agentToken, { assignee: 'ME', status: 'CLOSED' })).toEqual([closed]);

    // An API key is no one: it has no conversations of its own.
    const refused = await server.http(LIST, { assignee: 'ME' }, site.apiKey);
    expect([codeOf(refused), fieldOf(refused)]).toEqual(['BAD_USER_INPUT', 'assignee']);
  });

  it('counts only open conversations of mine or of no one in the tab total', async () => {
    const site = await createSite(server);
    const other = await server.createAgent(site.id);
    await newConversation(site);
    const theirs = await newConversation(site);
    const closed = await newConversation(site);
    await server.http(ASSIGN, { conversationId: theirs, agentId: other.id }, site.agentToken);
    await server.http(CLOSE, { id: closed }, site.agentToken);
    const total = async (token: string) =>
      (await server.http('{ inboxUnreadCount }', {}, token)).data?.inboxUnreadCount;
    expect(await total(site.agentToken)).toBe(1);
    expect(await total(other.token)).toBe(2);
  });
});

describe('agents', () => {
  it('lists the workspace’s agents, newest first, and no other workspace’s', async () => {
    const site = await createSite(server);
    const elsewhere = await createSite(server);
    const second = await server.createAgent(site.id);
    const me = await agentIdOf(site.agentToken);
    for (const token of [site.agentToken, site.apiKey]) {
      const agents = await server.http(AGENTS, {}, token);
      expect(
        agents.data?.agents.edges.map((edge: { node: { id: string } }) => edge.node.id),
      ).toEqual([second.id, me]);
    }
    const theirs = await server.http(AGENTS, {}, elsewhere.agentToken);
    expect(theirs.data?.agents.edges).toHaveLength(1);
  });
});
