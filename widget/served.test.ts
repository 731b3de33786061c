/**
 * How the server delivers the widget and the demo page: `/widget.js` as `npm run build` wrote
 * it, with its headers, validators and compression, and the demo dashboard whose buttons log
 * in (verified and not) and out, in real Chromium.
 */
import { readFile } from 'node:fs/promises';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorkspace, findDemoWorkspace } from '../server/access/demo.ts';
import { chooseEncoding } from '../server/web/widget.ts';
import { browserSuite } from '../test/browser/fixture.ts';
import { WIDGET_BUNDLE_PATH } from './build.ts';
import {
  expectNoPageErrors,
  newWidgetContext,
  storedFor,
  waitForReady,
  widget,
} from './test/host.ts';
import { serverTruth } from './test/server-truth.ts';

const suite = browserSuite();
let demoSiteId: string;
let demoWorkspaceId: string;

beforeAll(async () => {
  // The demo page belongs to the workspace of the demo agent, which `npm start` creates. On a
  // shared Postgres other suites' workspaces may come first, so it is made here if missing.
  const { db, secrets } = suite.server.app;
  const demo = (await findDemoWorkspace(db)) ?? (await createDemoWorkspace(db, secrets)).workspace;
  demoSiteId = demo.site_id;
  demoWorkspaceId = demo.id;
});

describe('GET /widget.js', () => {
  it('is JavaScript with an ETag, cache headers and CORS, and revalidates to a 304', async () => {
    const response = await fetch(`${suite.server.origin}/widget.js`, {
      headers: { 'accept-encoding': 'identity' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('vary')).toBe('Accept-Encoding');
    const etag = response.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(await readFile(WIDGET_BUNDLE_PATH));

    const again = await fetch(`${suite.server.origin}/widget.js`, {
      headers: { 'if-none-match': etag ?? '' },
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
  });

  it('is compressed with brotli or gzip as the client accepts', async () => {
    const original = await readFile(WIDGET_BUNDLE_PATH);
    for (const [accept, encoding, decode] of [
      ['gzip, deflate, br', 'br', brotliDecompressSync],
      ['gzip', 'gzip', gunzipSync],
    ] as const) {
      const response = await rawGet(`${suite.server.origin}/widget.js`, {
        'accept-encoding': accept,
      });
      expect(response.headers['content-encoding']).toBe(encoding);
      expect(decode(response.body)).toEqual(original);
      expect(response.body.length).toBeLessThan(original.length / 2);
    }
    expect(chooseEncoding('br;q=0, gzip')).toBe('gzip');
    expect(chooseEncoding('*')).toBe('br');
    expect(chooseEncoding(undefined)).toBeNull();
  });
});

describe('the demo page', () => {
  it('embeds the seed snippet with this server’s widget.js and the demo siteId', async () => {
    const html = await (await fetch(`${suite.server.origin}/`)).text();
    expect(html).toContain(`<!-- Sonny widget snippet -->
<script>
(function(){
var w=window,d=document,s=d.createElement('script');
w.sonny=w.sonny||function(){(w.sonny.q=w.sonny.q||[]).push(arguments)};
s.src='/widget.js';
s.async=true;d.head.appendChild(s);
})();
// Identify before init — identity is queued and sent on connect
sonny('identify', {
email: 'jane@example.com',
name: 'Jane Smith'
});
sonny('init', { siteId: '${demoSiteId}' });
</script>`);
    expect(html).toContain('href="/inbox"');
  });

  it('mints identity tokens only by POST', async () => {
    expect((await fetch(`${suite.server.origin}/demo/identity-token`)).status).toBe(405);
    const response = await fetch(`${suite.server.origin}/demo/identity-token`, { method: 'POST' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token: string; email: string };
    expect(body.email).toBe('jane@example.com');
    expect(body.token.split('.')).toHaveLength(3);
  });

  it('logs in as Jane (verified), as Sam (unverified) and out, through the widget', async () => {
    const context = await newWidgetContext(suite);
    const page = await context.newPage();
    const truth = serverTruth(suite.server.app.db, demoWorkspaceId);
    await page.goto(`${suite.server.origin}/`);
    await waitForReady(page);
    const status = page.getByRole('status').filter({ hasText: /Identified|Logged out|failed/ });

    await page.getByRole('button', { name: 'Log in as Jane (verified)' }).click();
    await status.filter({ hasText: 'Identified as jane@example.com' }).waitFor();
    const jane = await storedFor(page, demoSiteId);
    expect(jane.identityToken).toBeTruthy();
    expect((await truth.visitor(jane.visitorId ?? ''))?.identity_verified).toBe(true);

    await page.getByRole('button', { name: 'Log in as Sam (unverified)' }).click();
    await status.filter({ hasText: 'Identified as sam@example.com' }).waitFor();
    const sam = await storedFor(page, demoSiteId);
    expect(sam.visitorId).not.toBe(jane.visitorId);
    expect(sam.identityToken).toBeUndefined();
    expect((await truth.visitor(jane.visitorId ?? ''))?.ended_at).not.toBeNull();

    await page.getByRole('button', { name: 'Log out' }).click();
    await status.filter({ hasText: 'Logged out' }).waitFor();
    // Nothing of the person is left: a new visitorId, and the workspace's look (nobody's).
    const storedKeys = async () => Object.keys(await storedFor(page, demoSiteId)).sort();
    expect(await storedKeys()).toEqual(['look', 'visitorId']);

    // Logged out, the dashboard renders no identify: the visitor stays anonymous on reload.
    await page.reload();
    await waitForReady(page);
    expect(await page.getByText('Signed out').isVisible()).toBe(true);
    expect(await storedKeys()).toEqual(['look', 'visitorId']);
    expect(await widget(page).launcher.isVisible()).toBe(true);
    await expectNoPageErrors(page);
  });
});

function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    import('node:http').then(({ get }) => {
      get(url, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ headers: response.headers, body: Buffer.concat(chunks) }),
        );
        response.on('error', reject);
      }).on('error', reject);
    }, reject);
  });
}
