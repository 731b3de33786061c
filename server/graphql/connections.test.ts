import { describe, expect, it } from 'vitest';
import {
  codeOf,
  createSite,
  fieldOf,
  newVisitorId,
  type Result,
  sharedTestServer,
  type TestSite,
  uniqueEmail,
} from '../test/harness.ts';

// Every connection pages by Relay's cursor connections spec: forward with first/after,
// backward with last/before, edges always in the list's own order.
const connectionQuery = (field: 'contacts' | 'conversations') => `
  query ($first: Int, $after: String, $last: Int, $before: String) {
    ${field}(first: $first, after: $after, last: $last, before: $before) {
      edges { cursor node { id } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }`;
const SEND = `mutation ($body: String!, $id: ID!) {
  sendMessage(input: { body: $body, clientMessageId: $id }) { conversationId }
}`;

const server = sharedTestServer();

interface Page {
  readonly edges: ReadonlyArray<{ readonly cursor: string; readonly node: { id: string } }>;
  readonly pageInfo: {
    readonly hasNextPage: boolean;
    readonly hasPreviousPage: boolean;
    readonly startCursor: string | null;
    readonly endCursor: string | null;
  };
}

/** Five contacts of a new workspace; their ids newest first, as `contacts` lists them. */
async function siteWithFiveContacts(): Promise<{ site: TestSite; ids: string[] }> {
  const site = await createSite(server);
  for (const i of [0, 1, 2, 3, 4]) {
    const email = uniqueEmail(`c${i}`);
    await server.app.db
      .insertInto('contacts')
      .values({ workspace_id: site.id, email, email_normalized: email, name: null })
      .execute();
  }
  const rows = await server.app.db
    .selectFrom('contacts')
    .select('id')
    .where('workspace_id', '=', site.id)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return { site, ids: rows.map((row) => row.id) };
}

async function page(
  field: 'contacts' | 'conversations',
  site: TestSite,
  variables: Record<string, unknown>,
): Promise<Page> {
  const result = await server.http(connectionQuery(field), variables, site.apiKey);
  expect(result.errors).toBeUndefined();
  return result.data?.[field];
}

const contacts = (site: TestSite, variables: Record<string, unknown>) =>
  page('contacts', site, variables);
const idsOf = (connection: Page) => connection.edges.map((edge) => edge.node.id);

describe('contacts', () => {
  it('pages forward: hasPreviousPage stays false, startCursor is the first edge’s', async () => {
    const { site, ids } = await siteWithFiveContacts();
    const page1 = await contacts(site, { first: 2 });
    expect(idsOf(page1)).toEqual(ids.slice(0, 2));
    expect(page1.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: page1.edges[0]?.cursor,
      endCursor: page1.edges[1]?.cursor,
    });
    const page2 = await contacts(site, { first: 2, after: page1.pageInfo.endCursor });
    expect(idsOf(page2)).toEqual(ids.slice(2, 4));
    expect(page2.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(page2.pageInfo.startCursor).toBe(page2.edges[0]?.cursor);
    const page3 = await contacts(site, { first: 2, after: page2.pageInfo.endCursor });
    expect(idsOf(page3)).toEqual(ids.slice(4));
    expect(page3.pageInfo.hasNextPage).toBe(false);
    const beyond = await contacts(site, { first: 2, after: page3.pageInfo.endCursor });
    expect(beyond).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });

  it('pages backward from the end with last and before, edges still newest first', async () => {
    const { site, ids } = await siteWithFiveContacts();
    const last = await contacts(site, { last: 2 });
    expect(idsOf(last)).toEqual(ids.slice(3));
    expect(last.pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: true,
      startCursor: last.edges[0]?.cursor,
      endCursor: last.edges[1]?.cursor,
    });
    const middle = await contacts(site, { last: 2, before: last.pageInfo.startCursor });
    expect(idsOf(middle)).toEqual(ids.slice(1, 3));
    expect(middle.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const start = await contacts(site, { last: 2, before: middle.pageInfo.startCursor });
    expect(idsOf(start)).toEqual(ids.slice(0, 1));
    expect(start.pageInfo).toMatchObject({ hasPreviousPage: false });
    expect(start.pageInfo.startCursor).toBe(start.edges[0]?.cursor);

    // Between two cursors: first and last count from either side of what lies between.
    const between = { after: start.pageInfo.endCursor, before: last.pageInfo.endCursor };
    expect(idsOf(await contacts(site, { ...between, first: 2 }))).toEqual(ids.slice(1, 3));
    expect(idsOf(await contacts(site, { ...between, last: 2 }))).toEqual(ids.slice(2, 4));
    const all = await contacts(site, { ...between, first: 3 });
    expect(idsOf(all)).toEqual(ids.slice(1, 4));
    expect(all.pageInfo.hasNextPage).toBe(false);
  });

  it('refuses first with last, a bad last and a bad before with BAD_USER_INPUT', async () => {
    const { site } = await siteWithFiveContacts();
    const cursor = (await contacts(site, { first: 1 })).pageInfo.endCursor;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ first: 1, last: 1 }, 'last'],
      [{ last: 0 }, 'last'],
      [{ last: 101 }, 'last'],
      [{ last: 1, before: 'nope' }, 'before'],
      [{ before: `${cursor}x` }, 'before'],
    ];
    for (const [variables, field] of cases) {
      const result: Result = await server.http(
        connectionQuery('contacts'),
        variables,
        site.agentToken,
      );
      expect([codeOf(result), fieldOf(result)]).toEqual(['BAD_USER_INPUT', field]);
    }
  });
});

describe('conversations', () => {
  it('pages backward by latest activity', async () => {
    const site = await createSite(server);
    const ids: string[] = [];
    for (const body of ['one', 'two', 'three']) {
      const socket = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
      await socket.joined;
      const sent = await socket.execute(SEND, { body, id: body });
      ids.unshift(sent.data?.sendMessage.conversationId);
    }
    const oldest = await page('conversations', site, { last: 2 });
    expect(idsOf(oldest)).toEqual(ids.slice(1));
    expect(oldest.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const newest = await page('conversations', site, {
      last: 2,
      before: oldest.pageInfo.startCursor,
    });
    expect(idsOf(newest)).toEqual(ids.slice(0, 1));
    expect(newest.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: false });
  });
});
