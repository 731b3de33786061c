import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { newVisitorId, openWidgetSocket, TEST_SECRET_KEY, uniqueEmail } from './test/harness.ts';
import { mintIdentityToken } from './test/identity-tokens.ts';
import { childProcesses, ownEnv, type StartedServer } from './test/processes.ts';

/**
 * `npm start` from the operator's side: the port is taken before anything else, so a start on
 * a taken port creates nothing and says so in one line; and every start prints demo
 * credentials that work, so a failed first start loses nothing.
 */

// Each start boots the embedded PGlite (seconds of CPU, more on a loaded runner).
vi.setConfig({ testTimeout: 300_000 });

const processes = childProcesses();

/** Sockets holding a port for a test, closed after it. */
const holders: net.Server[] = [];
afterEach(async () => {
  await Promise.all(
    holders.splice(0).map((holder) => new Promise((resolve) => holder.close(resolve))),
  );
});

/** A port of 127.0.0.1 another socket holds until the test ends (or `release`). */
async function heldPort(): Promise<{ port: number; release(): Promise<void> }> {
  const holder = net.createServer();
  holders.push(holder);
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  return {
    port: (holder.address() as net.AddressInfo).port,
    release: () =>
      new Promise((resolve) => {
        holders.splice(holders.indexOf(holder), 1);
        holder.close(() => resolve());
      }),
  };
}

/** The environment of a server on a free port of 127.0.0.1, with `settings` on top. */
function serverEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  return ownEnv({ PORT: '0', HOST: '127.0.0.1', ...settings });
}

/** What the banner says to try the demo with. */
interface DemoCredentials {
  readonly siteId: string;
  readonly apiKey: string;
  readonly identitySecret: { readonly kid: string; readonly secret: string };
}

function demoCredentials(banner: string): DemoCredentials {
  const siteId = /Demo workspace siteId: +(\S+)\n/.exec(banner)?.[1];
  const apiKey = /Demo workspace API key: +(\S+) /.exec(banner)?.[1];
  const identity = /Demo identity secret: +(\S+) +\(kid (\S+)\)\n/.exec(banner);
  if (!siteId || !apiKey || !identity?.[1] || !identity[2]) {
    throw new Error(`The banner lacks the demo's credentials:\n${banner}`);
  }
  return { siteId, apiKey, identitySecret: { secret: identity[1], kid: identity[2] } };
}

/** The siteId of the workspace `apiKey` opens, or the error code the server answers. */
async function workspaceOf(server: StartedServer, apiKey: string): Promise<string> {
  const response = await fetch(server.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query: '{ workspace { siteId } }' }),
  });
  const result = (await response.json()) as {
    data?: { workspace: { siteId: string } | null };
    errors?: Array<{ extensions?: { code?: string } }>;
  };
  return result.data?.workspace?.siteId ?? result.errors?.[0]?.extensions?.code ?? 'nothing';
}

/** Whether a visitor joining with a token signed by the demo's identity secret is verified. */
async function verifiesWith(server: StartedServer, demo: DemoCredentials): Promise<boolean> {
  const email = uniqueEmail();
  const identityToken = await mintIdentityToken(demo.identitySecret, { email });
  const socket = openWidgetSocket(server.graphqlUrl.replace(/^http/, 'ws'), {
    siteId: demo.siteId,
    visitorId: newVisitorId(),
    email,
    identityToken,
  });
  try {
    await socket.joined;
    const result = await socket.execute('{ visitor { identityVerified } }');
    return (result.data as { visitor: { identityVerified: boolean } }).visitor.identityVerified;
  } finally {
    await socket.dispose();
  }
}

describe('npm start on a taken PORT', () => {
  it('exits 1 with one line naming PORT, before it creates anything; the next start shows a key that works', async () => {
    const dataDir = path.join(processes.tempDir('sonny-start-'), 'data');
    const held = await heldPort();

    const refused = processes.server(
      serverEnv({ PORT: String(held.port), SONNY_DATA_DIR: dataDir }),
    );
    const { code } = await refused.closed;

    expect(code).toBe(1);
    expect(refused.stderr()).toBe(
      `PORT ${held.port} is already in use on 127.0.0.1; set PORT to a free port (PORT=0 picks one).\n`,
    );
    expect(refused.stdout()).not.toMatch(/Sonny is running|Ready:/);
    // The embedded database was never opened: its directory was not even made.
    expect(fs.existsSync(dataDir)).toBe(false);

    await held.release();
    const server = await processes.startServer(serverEnv({ SONNY_DATA_DIR: dataDir }));
    const demo = demoCredentials(server.stdout());
    expect(await workspaceOf(server, demo.apiKey)).toBe(demo.siteId);
    expect(await server.stop()).toBe(0);
  });

  it('with SONNY_WORKERS, says so once and exits 1 before the primary touches the database', async () => {
    const held = await heldPort();
    const refused = processes.server(
      serverEnv({
        PORT: String(held.port),
        SONNY_WORKERS: '2',
        // Nothing listens there: had the start gone to the database first, it would say so.
        DATABASE_URL: 'postgres://postgres@127.0.0.1:1/sonny',
        DATABASE_CONNECT_TIMEOUT: '1',
        REDIS_URL: 'redis://127.0.0.1:1',
      }),
    );
    const { code } = await refused.closed;

    expect(code).toBe(1);
    expect(refused.stderr()).toBe(
      `PORT ${held.port} is already in use on 127.0.0.1; set PORT to a free port (PORT=0 picks one).\n`,
    );
    expect(refused.stdout()).not.toMatch(/Postgres|Ready:/);
  });
});

describe('the demo credentials of every start', () => {
  it('are a new API key that replaces the last start’s, and the identity secret, all working', async () => {
    const dataDir = processes.tempDir('sonny-start-');
    const first = await processes.startServer(serverEnv({ SONNY_DATA_DIR: dataDir }));
    const before = demoCredentials(first.stdout());
    expect(await workspaceOf(first, before.apiKey)).toBe(before.siteId);
    expect(await verifiesWith(first, before)).toBe(true);
    expect(await first.stop()).toBe(0);

    // A key the operator made for the demo workspace is theirs: starts leave it alone.
    const made = await processes.sonny(
      serverEnv({ SONNY_DATA_DIR: dataDir }),
      ...['apikey', 'create', '--site-id', before.siteId, '--json'],
    );
    expect(made.code).toBe(0);
    const { apiKey: operatorKey } = JSON.parse(made.stdout) as { apiKey: string };

    // With SONNY_SECRET_KEY the identity secret is now stored encrypted, and still shown.
    const secretKey = Buffer.from(TEST_SECRET_KEY).toString('base64');
    const second = await processes.startServer(
      serverEnv({ SONNY_DATA_DIR: dataDir, SONNY_SECRET_KEY: secretKey }),
    );
    const after = demoCredentials(second.stdout());
    expect(after.siteId).toBe(before.siteId);
    expect(after.apiKey).not.toBe(before.apiKey);
    expect(await workspaceOf(second, after.apiKey)).toBe(after.siteId);
    expect(await workspaceOf(second, before.apiKey)).toBe('UNAUTHENTICATED');
    expect(await workspaceOf(second, operatorKey)).toBe(after.siteId);
    expect(after.identitySecret).toEqual(before.identitySecret);
    expect(await verifiesWith(second, after)).toBe(true);
    expect(await second.stop()).toBe(0);
  });
});
