import { getIntrospectionQuery } from 'graphql';
import { describe, expect, it } from 'vitest';
import { codeOf, newVisitorId, sharedTestServer, type TestServer } from '../test/harness.ts';

/** As a production server runs: NODE_ENV=production makes `agents` the default. */
const production = sharedTestServer({ introspection: 'agents' });
const development = sharedTestServer({ introspection: 'everyone' });

const SCHEMA = '{ __schema { queryType { name } } }';
const TYPE = '{ __type(name: "Contact") { fields { name } } }';

/** What a browser gets at /graphql. */
function openInBrowser(server: TestServer): Promise<Response> {
  return fetch(server.graphqlUrl, { headers: { accept: 'text/html' } });
}

describe('with GRAPHQL_INTROSPECTION=agents', () => {
  it('refuses introspection to anonymous callers and to visitors', async () => {
    for (const query of [SCHEMA, TYPE, getIntrospectionQuery()]) {
      const anonymous = await production.http(query);
      expect(codeOf(anonymous)).toBe('UNAUTHENTICATED');
      expect(anonymous.data ?? undefined).toBeUndefined();
    }
    const site = await production.createWorkspace();
    const visitor = await production.join({ siteId: site.siteId, visitorId: newVisitorId() });
    await visitor.joined;
    const asVisitor = await visitor.execute(`{ visitor { id } ${TYPE.slice(1, -1)} }`);
    expect(codeOf(asVisitor)).toBe('FORBIDDEN');
    expect(asVisitor.data ?? undefined).toBeUndefined();
    // Fragments hide nothing.
    const inFragment = await production.http(
      '{ ...schema } fragment schema on Query { __schema { types { name } } }',
    );
    expect(codeOf(inFragment)).toBe('UNAUTHENTICATED');
  });

  it('lets agents and API keys introspect', async () => {
    const site = await production.createWorkspace();
    const agent = await production.createAgent(site.id);
    for (const token of [agent.token, site.apiKey]) {
      const result = await production.http(getIntrospectionQuery(), {}, token);
      expect(result.errors).toBeUndefined();
      expect(result.data?.__schema.queryType.name).toBe('Query');
    }
    const socket = await production.connect(agent.token);
    expect((await socket.execute(TYPE)).data?.__type.fields).toContainEqual({ name: 'email' });
  });

  it('still answers __typename to anyone', async () => {
    expect((await production.http('{ __typename }')).data).toEqual({ __typename: 'Query' });
  });

  it('suggests no field names', async () => {
    const result = await production.http('{ conversatons { id } }');
    expect(result.errors?.[0]?.message).toBe('Cannot query field "conversatons" on type "Query".');
    const atHome = await development.http('{ conversatons { id } }');
    expect(atHome.errors?.[0]?.message).toContain('Did you mean "conversations"');
  });

  it('serves no GraphiQL', async () => {
    const response = await openInBrowser(production);
    expect(response.status).not.toBe(200);
    expect(response.headers.get('content-type') ?? '').not.toContain('text/html');
    expect(await response.text()).not.toContain('GraphiQL');
  });
});

describe('with GRAPHQL_INTROSPECTION=everyone', () => {
  it('lets anyone introspect and serves GraphiQL', async () => {
    expect((await development.http(SCHEMA)).data).toEqual({
      __schema: { queryType: { name: 'Query' } },
    });
    const response = await openInBrowser(development);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('GraphiQL');
  });
});
