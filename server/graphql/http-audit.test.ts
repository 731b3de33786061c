import { serverAudits } from 'graphql-http';
import { describe, expect, it } from 'vitest';
import { sharedTestServer } from '../test/harness.ts';

const server = sharedTestServer();

// The GraphQL-over-HTTP audit suite: every MUST audit has to pass on /graphql.
describe('GraphQL over HTTP conformance (graphql-http audits)', () => {
  const audits = serverAudits({ url: () => server.graphqlUrl, fetchFn: fetch });
  for (const audit of audits.filter((candidate) => candidate.name.startsWith('MUST'))) {
    it(audit.name, async () => {
      const result = await audit.fn();
      expect(result.status === 'ok' ? 'ok' : `${result.status}: ${result.reason}`).toBe('ok');
    });
  }
});
