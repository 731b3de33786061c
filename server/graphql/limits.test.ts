import { expect, it } from 'vitest';
import { newVisitorId, sharedTestServer } from '../test/harness.ts';
import { MAX_QUERY_DEPTH } from './limits.ts';

const server = sharedTestServer();

/** `{ __typename … }` wrapped in `depth` levels of `__schema { types { fields { type … } } }`-like nesting. */
function nestedQuery(depth: number): string {
  // __type.ofType nests without limit in the introspection schema: a cheap way to go deep.
  let selection = 'name';
  for (let level = 2; level < depth; level++) selection = `ofType { ${selection} }`;
  return `{ __type(name: "Query") { ${selection} } }`;
}

it(`answers a query nested exactly ${MAX_QUERY_DEPTH} levels deep`, async () => {
  const result = await server.http(nestedQuery(MAX_QUERY_DEPTH));
  expect(result.errors).toBeUndefined();
});

it('refuses a deeper query with QUERY_TOO_COMPLEX, over HTTP and WebSocket alike', async () => {
  const tooDeep = nestedQuery(MAX_QUERY_DEPTH + 1);
  const overHttp = await server.http(tooDeep);
  expect(overHttp.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');

  const site = await server.createWorkspace();
  const socket = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
  const overWebSocket = await socket.execute(tooDeep).catch((errors: unknown) => errors);
  expect(overWebSocket).toMatchObject([{ extensions: { code: 'QUERY_TOO_COMPLEX' } }]);
});

it('follows fragments when measuring depth', async () => {
  const result = await server.http(
    `{ __type(name: "Query") { ...deep } } fragment deep on __Type { ${'ofType { '.repeat(MAX_QUERY_DEPTH)}name${' }'.repeat(MAX_QUERY_DEPTH)} }`,
  );
  expect(result.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
});
