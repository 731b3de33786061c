import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/database.ts';
import {
  newVisitorId,
  startTestServer,
  type TestServer,
  type TestWorkspace,
  uniqueEmail,
} from '../test/harness.ts';
import { mintIdentityToken } from '../test/identity-tokens.ts';

// Each test restarts servers on an embedded database of its own, on disk: what one start
// stored, the next reads.
const KEY = new Uint8Array(Buffer.alloc(32, 1));
const OTHER_KEY = new Uint8Array(Buffer.alloc(32, 2));
const ROTATE = `mutation ($grace: Int) {
  rotateIdentitySecret(input: { graceSeconds: $grace }) { kid secret }
}`;

const dataDirs: string[] = [];
const running = new Set<TestServer>();

afterEach(async () => {
  for (const server of running) await server.stop();
  running.clear();
  for (const dir of dataDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sonny-secrets-'));
  dataDirs.push(dir);
  return dir;
}

async function start(dir: string, secretKey: Uint8Array | null): Promise<TestServer> {
  const server = await startTestServer({ databaseUrl: null, dataDir: dir, secretKey });
  running.add(server);
  return server;
}

async function stop(server: TestServer): Promise<void> {
  running.delete(server);
  await server.stop();
}

async function storedSecrets(db: Db, workspaceId: string) {
  return db
    .selectFrom('identity_secrets')
    .select(['kid', 'secret'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .execute();
}

/** Whether a widget joining with a token signed by `secret` is verified. */
async function verifies(server: TestServer, site: TestWorkspace, secret = site.identitySecret) {
  const email = uniqueEmail();
  const identityToken = await mintIdentityToken(secret, { email });
  const socket = await server.join({
    siteId: site.siteId,
    visitorId: newVisitorId(),
    email,
    identityToken,
  });
  await socket.joined;
  const { data } = await socket.execute('{ visitor { identityVerified } }');
  await socket.dispose();
  return data?.visitor.identityVerified as boolean;
}

describe('identity secrets at rest', () => {
  it('are stored encrypted with SONNY_SECRET_KEY, and tokens signed with them verify', async () => {
    const server = await start(dataDir(), KEY);
    const site = await server.createWorkspace();
    const [stored] = await storedSecrets(server.app.db, site.id);
    expect(stored?.kid).toBe(site.identitySecret.kid);
    expect(stored?.secret).toMatch(/^enc:v1:/);
    expect(stored?.secret).not.toContain(site.identitySecret.secret);
    expect(await verifies(server, site)).toBe(true);

    const agent = await server.createAgent(site.id);
    const rotated = await server.http(ROTATE, { grace: 60 }, agent.token);
    const fresh = rotated.data?.rotateIdentitySecret as { kid: string; secret: string };
    const rows = await storedSecrets(server.app.db, site.id);
    expect(rows.map((row) => row.kid)).toEqual([site.identitySecret.kid, fresh.kid]);
    expect(rows.every((row) => /^enc:v1:/.test(row.secret))).toBe(true);
    expect(await verifies(server, site, fresh)).toBe(true);
  });

  it('stored in clear are encrypted at the next start with a key, which then cannot go or change', async () => {
    const dir = dataDir();
    const clear = await start(dir, null);
    const site = await clear.createWorkspace();
    expect(await storedSecrets(clear.app.db, site.id)).toEqual([site.identitySecret]);
    await stop(clear);

    const keyed = await start(dir, KEY);
    const [sealed] = await storedSecrets(keyed.app.db, site.id);
    expect(sealed?.secret).toMatch(/^enc:v1:/);
    expect(await verifies(keyed, site)).toBe(true);
    await stop(keyed);

    await expect(start(dir, null)).rejects.toThrow(/encrypted: set SONNY_SECRET_KEY/);
    await expect(start(dir, OTHER_KEY)).rejects.toThrow(/SONNY_SECRET_KEY does not decrypt/);
    const again = await start(dir, KEY);
    expect(await verifies(again, site)).toBe(true);
  });

  it('are deleted once their grace is over: by the next rotation or the next start', async () => {
    const dir = dataDir();
    const first = await start(dir, KEY);
    const site = await first.createWorkspace();
    const agent = await first.createAgent(site.id);
    const kids = async (server: TestServer) =>
      (await storedSecrets(server.app.db, site.id)).map((row) => row.kid);

    const second = (await first.http(ROTATE, { grace: 3600 }, agent.token)).data
      ?.rotateIdentitySecret as { kid: string };
    expect(await kids(first)).toEqual([site.identitySecret.kid, second.kid]);
    // A grace of 0 ends both older secrets now; they are gone at once.
    const third = (await first.http(ROTATE, { grace: 0 }, agent.token)).data
      ?.rotateIdentitySecret as { kid: string };
    expect(await kids(first)).toEqual([third.kid]);

    const fourth = (await first.http(ROTATE, { grace: 3600 }, agent.token)).data
      ?.rotateIdentitySecret as { kid: string };
    expect(await kids(first)).toEqual([third.kid, fourth.kid]);
    // The grace runs out while nothing happens; the next start finds it over.
    await sql`update identity_secrets set expires_at = now() - interval '1 second'
      where expires_at is not null`.execute(first.app.db);
    await stop(first);
    const restarted = await start(dir, KEY);
    expect(await kids(restarted)).toEqual([fourth.kid]);
  });
});
