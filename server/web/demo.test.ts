import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorkspace } from '../access/demo.ts';
import { IN_MEMORY_DATA_DIR } from '../config.ts';
import { startTestServer, type TestServer } from '../test/harness.ts';

// Private databases: the demo agent's email is unique across a shared Postgres.
let on: TestServer;
let off: TestServer;
beforeAll(async () => {
  const config = { databaseUrl: null, dataDir: IN_MEMORY_DATA_DIR };
  [on, off] = await Promise.all([
    startTestServer({ ...config, demo: true }),
    startTestServer({ ...config, demo: false }),
  ]);
  // Both databases hold the demo workspace: only SONNY_DEMO decides.
  await createDemoWorkspace(on.app.db, on.app.secrets);
  await createDemoWorkspace(off.app.db, off.app.secrets);
});
afterAll(async () => {
  await Promise.all([on?.stop(), off?.stop()]);
});

describe('SONNY_DEMO', () => {
  it('on: / is the demo page and the token endpoint mints', async () => {
    expect(await (await fetch(`${on.origin}/`)).text()).toContain("sonny('init'");
    const token = await fetch(`${on.origin}/demo/identity-token`, { method: 'POST' });
    expect(token.status).toBe(200);
  });

  it('off: / is a plain page without the demo, and the token endpoint does not exist', async () => {
    const home = await fetch(`${off.origin}/`);
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain('href="/inbox"');
    expect(html).not.toMatch(/sonny\(|site_|Jane|demo/i);
    const token = await fetch(`${off.origin}/demo/identity-token`, { method: 'POST' });
    expect(token.status).toBe(404);
    expect(await token.text()).not.toContain('eyJ');
  });
});
