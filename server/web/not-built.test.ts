import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { sharedTestServer } from '../test/harness.ts';

// The server pointed at a build directory `npm run build` never wrote to (the real dist/ is
// left alone: other suites serve it meanwhile).
const emptyDist = mkdtempSync(join(tmpdir(), 'sonny-dist-'));
const server = sharedTestServer({ distDir: emptyDist });
afterAll(() => rmSync(emptyDist, { recursive: true, force: true }));

it('answers 503 naming `npm run build` for the widget and the inbox, and builds nothing', async () => {
  for (const path of ['/widget.js', '/inbox', '/inbox/', '/inbox/conversations/42']) {
    const response = await fetch(`${server.origin}${path}`);
    expect(response.status, path).toBe(503);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toMatch(/^The (widget|inbox) is not built\. Run `npm run build`/);
  }
  expect(readdirSync(emptyDist)).toEqual([]);
});

it('still answers GraphQL and the readiness probe without a build', async () => {
  expect(await server.http('{ __typename }')).toEqual({ data: { __typename: 'Query' } });
  expect((await fetch(`${server.origin}/readyz`)).status).toBe(200);
});
