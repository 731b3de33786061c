import { getIntrospectionQuery } from 'graphql';
import { describe, expect, it } from 'vitest';
import { VISITOR_QUERY } from '../../widget/operations.ts';
import { newVisitorId, type Result, sharedTestServer, type WidgetSocket } from '../test/harness.ts';
import { QUERY_LIMITS } from './limits.ts';

const server = sharedTestServer();

/** A fresh visitor's socket, joined. */
async function visitorSocket(): Promise<WidgetSocket> {
  const site = await server.createWorkspace();
  const socket = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
  await socket.joined;
  return socket;
}

/** An agent's socket and session token, in a fresh workspace. */
async function agent(): Promise<{ socket: WidgetSocket; token: string }> {
  const site = await server.createWorkspace();
  const { token } = await server.createAgent(site.id);
  const socket = await server.connect(token);
  await socket.joined;
  return { socket, token };
}

/** What a socket answers: the result, or the errors of an `error` message. */
function answer(socket: WidgetSocket, query: string, variables?: Record<string, unknown>) {
  return socket.execute(query, variables).catch((errors: unknown) => ({ errors }) as Result);
}

/** Asserts a refusal over `limit`, with nothing of the operation answered. */
function expectRefused(result: Result, limit: string, max: number): void {
  expect(result.data ?? undefined).toBeUndefined();
  expect(result.errors).toHaveLength(1);
  expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit, max });
}

/** `{ __type … }` wrapped to be exactly `depth` levels deep. */
function nestedQuery(depth: number): string {
  // __type.ofType nests without limit in the introspection schema: a cheap way to go deep.
  let selection = 'name';
  for (let level = 2; level < depth; level++) selection = `ofType { ${selection} }`;
  return `{ __type(name: "Query") { ${selection} } }`;
}

/** `count` aliases of the widget's own `visitor` selection. */
function aliasedVisitorQueries(count: number): string {
  const selection = VISITOR_QUERY.slice(
    VISITOR_QUERY.indexOf('visitor {'),
    VISITOR_QUERY.lastIndexOf('}'),
  );
  return `{ ${Array.from({ length: count }, (_, index) => `v${index}: ${selection}`).join('\n')} }`;
}

describe('depth', () => {
  it(`answers a query nested exactly ${QUERY_LIMITS.depth} levels deep`, async () => {
    const result = await server.http(nestedQuery(QUERY_LIMITS.depth));
    expect(result.errors).toBeUndefined();
  });

  it('refuses a deeper query, over HTTP and WebSocket alike', async () => {
    const tooDeep = nestedQuery(QUERY_LIMITS.depth + 1);
    expectRefused(await server.http(tooDeep), 'depth', QUERY_LIMITS.depth);
    expectRefused(await answer(await visitorSocket(), tooDeep), 'depth', QUERY_LIMITS.depth);
  });

  it('follows fragments when measuring depth', async () => {
    const levels = QUERY_LIMITS.depth;
    const result = await server.http(
      `{ __type(name: "Query") { ...deep } } fragment deep on __Type { ${'ofType { '.repeat(levels)}name${' }'.repeat(levels)} }`,
    );
    expectRefused(result, 'depth', QUERY_LIMITS.depth);
  });
});

describe('aliases, directives and tokens', () => {
  it(`answers ${QUERY_LIMITS.aliases} aliases and refuses one more`, async () => {
    const socket = await visitorSocket();
    const aliases = (count: number) =>
      `{ visitor { ${Array.from({ length: count }, (_, index) => `a${index}: id`).join(' ')} } }`;
    const allowed = await answer(socket, aliases(QUERY_LIMITS.aliases));
    expect(allowed.errors).toBeUndefined();
    expect(Object.keys(allowed.data?.visitor)).toHaveLength(QUERY_LIMITS.aliases);
    expectRefused(
      await answer(socket, aliases(QUERY_LIMITS.aliases + 1)),
      'aliases',
      QUERY_LIMITS.aliases,
    );
  });

  it(`answers ${QUERY_LIMITS.directives} directives and refuses one more`, async () => {
    const directives = (count: number) =>
      `{ visitor { ${'... @include(if: true) { id } '.repeat(count)}} }`;
    const socket = await visitorSocket();
    expect((await answer(socket, directives(QUERY_LIMITS.directives))).errors).toBeUndefined();
    expectRefused(
      await answer(socket, directives(QUERY_LIMITS.directives + 1)),
      'directives',
      QUERY_LIMITS.directives,
    );
  });

  it(`refuses a document of more than ${QUERY_LIMITS.tokens} tokens while parsing it`, async () => {
    // `{ visitor { … } }` is 5 tokens; `... { id }` 4 more. Repeating one field 1000 times
    // would trip graphql-js's own budget for comparing fields instead.
    const tokens = (count: number) =>
      `{ visitor { ${'... { id } '.repeat(Math.floor((count - 5) / 4))}${'id '.repeat((count - 5) % 4)}} }`;
    const socket = await visitorSocket();
    expect((await answer(socket, tokens(QUERY_LIMITS.tokens))).errors).toBeUndefined();
    const tooMany = tokens(QUERY_LIMITS.tokens + 1);
    expectRefused(await answer(socket, tooMany), 'tokens', QUERY_LIMITS.tokens);
    expectRefused(await server.http(tooMany), 'tokens', QUERY_LIMITS.tokens);
  });
});

describe('cost', () => {
  it('refuses the 300-alias visitor query that used to answer megabytes', async () => {
    const socket = await visitorSocket();
    await answer(
      socket,
      'mutation { sendMessage(input: { body: "hi", clientMessageId: "m1" }) { id } }',
    );
    const attack = `{ ${Array.from({ length: 300 }, (_, index) => `a${index}: visitor { conversations { messages { body } } }`).join(' ')} }`;
    const result = await answer(socket, attack);
    expect(result.data ?? undefined).toBeUndefined();
    expect(result.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(JSON.stringify(result).length).toBeLessThan(1000);
  });

  it("holds a visitor to a few times the widget's heaviest document", async () => {
    const socket = await visitorSocket();
    // Three copies of the widget's `visitor` query fit under the visitor's ceiling; four do not,
    // though they are within every other limit.
    const three = await answer(socket, aliasedVisitorQueries(3));
    expect(three.errors).toBeUndefined();
    expect(three.data?.v2.conversations).toEqual([]);
    expectRefused(await answer(socket, aliasedVisitorQueries(4)), 'cost', QUERY_LIMITS.visitorCost);
  });

  it("gives agents the higher ceiling: introspection runs for an agent, not on a visitor's socket", async () => {
    const { socket } = await agent();
    const introspection = await answer(socket, getIntrospectionQuery());
    expect(introspection.errors).toBeUndefined();
    expect(introspection.data?.__schema.queryType.name).toBe('Query');
    expectRefused(
      await answer(await visitorSocket(), getIntrospectionQuery()),
      'cost',
      QUERY_LIMITS.visitorCost,
    );
  });

  it('scales with `first`, given literally or as a variable', async () => {
    const { socket, token } = await agent();
    // Per alias: 1 + first × (edges, node, 200 messages × 3 fields).
    const query = (first: string) =>
      `query ${first === '$first' ? '($first: Int)' : ''} { ${['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((alias) => `${alias}: conversations(first: ${first}) { edges { node { messages { id body } } } }`).join(' ')} }`;
    expect((await answer(socket, query('10'))).errors).toBeUndefined();
    expectRefused(await answer(socket, query('100')), 'cost', QUERY_LIMITS.cost);
    // The estimate reads each request's variables: one document, three answers.
    expectRefused(
      await server.http(query('$first'), { first: 100 }, token),
      'cost',
      QUERY_LIMITS.cost,
    );
    expect((await server.http(query('$first'), { first: 10 }, token)).errors).toBeUndefined();
    expectRefused(
      await server.http(query('$first'), { first: 100 }, token),
      'cost',
      QUERY_LIMITS.cost,
    );
    // Without a value, `first` counts at its default of 20.
    expect((await server.http(query('$first'), {}, token)).errors).toBeUndefined();
  });

  it('refuses an expensive subscription before it starts', async () => {
    const { socket } = await agent();
    // 20 visitors × 20 conversations × 200 messages.
    const subscription = socket.subscribe(
      'subscription { inboxEvents { contact { visitors { edges { node { conversations { messages { id body author createdAt } } } } } } } }',
    );
    expectRefused(await subscription.next(), 'cost', QUERY_LIMITS.cost);
  });
});
