import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { verifyPassword } from './access/passwords.ts';
import { secretDigest } from './access/secrets.ts';
import { connectDatabase } from './db/connect.ts';
import type { Db } from './db/database.ts';
import { readyLine } from './ops/ready-line.ts';
import { childProcesses, NODE, ownEnv, ROOT } from './test/processes.ts';

/**
 * End-to-end tests of the `sonny` CLI: every command runs as a real Node 24 process on its own
 * embedded database, exactly as an operator runs it, and the database is then read back.
 */

const LOCK_FILE = 'sonny.lock';

// Every CLI run boots its own PGlite (several seconds of CPU); a test runs several of them, and
// on a loaded two-core runner one run has taken 30 s.
vi.setConfig({ testTimeout: 300_000 });

const processes = childProcesses();

function tempDataDir(): string {
  return processes.tempDir('sonny-cli-');
}

/** The environment of a process on the embedded database in `dataDir`, whatever the runner's. */
function embeddedEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return ownEnv({ SONNY_DATA_DIR: dataDir, ...extra });
}

/** Runs `sonny ...args` on `dataDir` to completion. */
function sonny(dataDir: string, ...args: string[]) {
  return sonnyWith({}, dataDir, ...args);
}

/** {@link sonny} with more environment variables. */
function sonnyWith(extraEnv: Record<string, string>, dataDir: string, ...args: string[]) {
  return processes.sonny(embeddedEnv(dataDir, extraEnv), ...args);
}

/** The environment of `npm start`'s server on `dataDir`, on a free port of 127.0.0.1. */
function serverEnv(dataDir: string, extra: Record<string, string> = {}) {
  return embeddedEnv(dataDir, { PORT: '0', HOST: '127.0.0.1', ...extra });
}

/** Starts `npm start`'s server on `dataDir`. */
function startServer(dataDir: string, extra: Record<string, string> = {}) {
  return processes.startServer(serverEnv(dataDir, extra));
}

/** Opens the embedded database in `dataDir` in this process, reads it, and closes it. */
async function readDatabase<T>(dataDir: string, read: (db: Db) => Promise<T>): Promise<T> {
  const database = await connectDatabase({ databaseUrl: null, dataDir });
  try {
    return await read(database.db);
  } finally {
    await database.close();
  }
}

function migrationNames(): string[] {
  return fs
    .readdirSync(path.join(ROOT, 'migrations'))
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => file.replace(/\.ts$/, ''))
    .sort();
}

describe('sonny workspace create', () => {
  it('with --json prints one JSON line and stores only a digest of the API key', async () => {
    const dataDir = tempDataDir();

    const result = await sonny(dataDir, 'workspace', 'create', '--name', 'Acme', '--json');

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines).toHaveLength(2); // one line, then the final newline
    expect(lines[1]).toBe('');
    const printed = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(Object.keys(printed).sort()).toEqual([
      'apiKey',
      'identitySecret',
      'identitySecretKid',
      'siteId',
      'workspaceId',
    ]);
    expect(printed.identitySecretKid).toMatch(/^kid_./);
    const { workspaceId, siteId, apiKey } = printed;
    expect(workspaceId).toEqual(expect.any(String));
    expect(siteId).toEqual(expect.any(String));
    expect(apiKey).toMatch(/^sonny_sk_./);
    const key = apiKey as string;

    // The CLI gave the data directory back when it exited.
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);

    await readDatabase(dataDir, async (db) => {
      const workspaces = await db.selectFrom('workspaces').selectAll().execute();
      expect(workspaces).toEqual([
        expect.objectContaining({ id: workspaceId, name: 'Acme', site_id: siteId }),
      ]);

      const keys = await db.selectFrom('api_keys').selectAll().execute();
      expect(keys).toHaveLength(1);
      expect(keys[0]?.workspace_id).toBe(workspaceId);
      expect(keys[0]?.secret_hash).toBe(secretDigest(key));
      const prefix = keys[0]?.display_prefix ?? '';
      expect(key.startsWith(prefix) && prefix.length < key.length).toBe(true);

      const inClear = await db
        .selectFrom('api_keys')
        .select('id')
        .where((eb) => eb.or([eb('secret_hash', '=', key), eb('display_prefix', '=', key)]))
        .execute();
      expect(inClear).toEqual([]);
    });
  });

  it('without --json names the siteId and the key and says the key is shown once', async () => {
    const dataDir = tempDataDir();

    const result = await sonny(dataDir, 'workspace', 'create', '--name', 'Acme');

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const siteId = /siteId:\s+(site_\S+)/.exec(result.stdout)?.[1];
    const apiKey = /(sonny_sk_\S+)/.exec(result.stdout)?.[1];
    expect(siteId).toBeDefined();
    expect(apiKey).toBeDefined();
    expect(result.stdout).toContain('Acme');
    expect(result.stdout).toMatch(/shown once/);

    await readDatabase(dataDir, async (db) => {
      const workspace = await db
        .selectFrom('workspaces')
        .selectAll()
        .where('site_id', '=', siteId ?? '')
        .executeTakeFirst();
      expect(workspace?.name).toBe('Acme');
      const key = await db
        .selectFrom('api_keys')
        .select('workspace_id')
        .where('secret_hash', '=', secretDigest(apiKey ?? ''))
        .executeTakeFirst();
      expect(key?.workspace_id).toBe(workspace?.id);
    });
  });

  it('without --name exits 2 with the usage on stderr and touches no database', async () => {
    const dataDir = tempDataDir();

    const result = await sonny(dataDir, 'workspace', 'create');

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('--name');
    expect(result.stderr).toContain('Usage: sonny <command>');
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });
});

describe('sonny apikey create and agent create', () => {
  it('creates a key and an agent that work against the server on the same data dir', async () => {
    const dataDir = tempDataDir();
    const created = await sonny(dataDir, 'workspace', 'create', '--name', 'Acme', '--json');
    const { siteId, workspaceId } = JSON.parse(created.stdout) as Record<string, string>;

    const keyRun = await sonny(dataDir, 'apikey', 'create', '--site-id', siteId ?? '', '--json');
    expect(keyRun.stderr).toBe('');
    expect(keyRun.code).toBe(0);
    const { apiKey } = JSON.parse(keyRun.stdout) as { apiKey: string };
    expect(apiKey).toMatch(/^sonny_sk_./);

    const agentArgs = ['--site-id', siteId ?? '', '--email', 'Ann@Example.com', '--name', 'Ann'];
    const agentRun = await sonnyWith(
      { SONNY_PASSWORD: 'correct horse battery' },
      dataDir,
      'agent',
      'create',
      ...agentArgs,
      '--json',
    );
    expect(agentRun.stderr).toBe('');
    expect(agentRun.code).toBe(0);
    expect(JSON.parse(agentRun.stdout)).toMatchObject({ email: 'Ann@Example.com', name: 'Ann' });

    const again = await sonnyWith(
      { SONNY_PASSWORD: 'x'.repeat(12) },
      dataDir,
      'agent',
      'create',
      ...agentArgs,
    );
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--email: An agent with this email already exists.');

    const server = await startServer(dataDir);
    const post = async (query: string, token?: string) => {
      const response = await fetch(server.graphqlUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query }),
      });
      return (await response.json()) as { data?: Record<string, Record<string, unknown>> };
    };
    const workspace = await post('{ workspace { id siteId } }', apiKey);
    expect(workspace.data?.workspace).toEqual({ id: workspaceId, siteId });
    const login = await post(
      'mutation { login(email: "ann@example.com", password: "correct horse battery") { token agent { name } } }',
    );
    expect(login.data?.login?.agent).toEqual({ name: 'Ann' });
    const me = await post('{ me { email } }', login.data?.login?.token as string);
    expect(me.data?.me).toEqual({ email: 'Ann@Example.com' });
  }, 90_000);

  it('names an unknown siteId and a short password, and writes nothing', async () => {
    const dataDir = tempDataDir();
    const unknown = await sonny(dataDir, 'apikey', 'create', '--site-id', 'site_nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no workspace has siteId site_nope');

    const created = await sonny(dataDir, 'workspace', 'create', '--name', 'Acme', '--json');
    const { siteId } = JSON.parse(created.stdout) as Record<string, string>;
    const short = await sonnyWith(
      { SONNY_PASSWORD: 'short' },
      dataDir,
      ...['agent', 'create', '--site-id', siteId ?? '', '--email', 'a@example.com'],
      ...['--name', 'A'],
    );
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('the password: Password must be 10 to 200 characters long.');
    await readDatabase(dataDir, async (db) => {
      expect(await db.selectFrom('agents').selectAll().execute()).toEqual([]);
    });
  }, 90_000);
});

describe('npm start', () => {
  it('prints the demo page, the inbox, a ready login and the ready line, with a new password at every start', async () => {
    const dataDir = tempDataDir();
    const logins: Array<{ email: string; password: string }> = [];
    for (let start = 0; start < 2; start++) {
      const server = await startServer(dataDir);
      const printed = server.stdout();
      const { origin } = server;
      // Without SONNY_SECRET_KEY (development), one warning at start.
      expect(server.output().match(/SONNY_SECRET_KEY is not set/g)).toHaveLength(1);
      expect(printed).toContain(`Demo page:                    ${origin}/\n`);
      expect(printed).toContain(`Agent inbox:                  ${origin}/inbox\n`);
      // The ready line comes last, so whoever waits for it has the whole banner.
      expect(printed.endsWith(`\n${readyLine(origin)}\n`)).toBe(true);
      const match = /Inbox login: +(\S+) \/ (\S+)/.exec(printed);
      expect(match).not.toBeNull();
      const login = { email: match?.[1] ?? '', password: match?.[2] ?? '' };
      logins.push(login);
      const response = await fetch(server.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query:
            'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { agent { name } } }',
          variables: { e: login.email, p: login.password },
        }),
      });
      expect(await response.json()).toEqual({ data: { login: { agent: { name: 'Demo Agent' } } } });
      await server.stop();
    }
    expect(logins[1]?.email).toBe(logins[0]?.email);
    expect(logins[1]?.password).not.toBe(logins[0]?.password);
  });

  it('with SONNY_DEMO=off creates no demo, prints no login, and serves no demo page or token', async () => {
    const dataDir = tempDataDir();
    const server = await startServer(dataDir, { SONNY_DEMO: 'off' });
    const printed = server.stdout();
    expect(printed).toContain('Agent inbox:');
    expect(printed).not.toMatch(/Demo page|Demo workspace|Inbox login/);
    expect(printed).toContain('Demo:                         off (SONNY_DEMO)');
    const home = await fetch(`${server.origin}/`);
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain('href="/inbox"');
    expect(html).not.toMatch(/sonny\(|site_|Jane/);
    const token = await fetch(`${server.origin}/demo/identity-token`, { method: 'POST' });
    expect(token.status).toBe(404);
    expect(await server.stop()).toBe(0);
    const counts = await readDatabase(dataDir, async (db) => ({
      workspaces: (await db.selectFrom('workspaces').select('id').execute()).length,
      agents: (await db.selectFrom('agents').select('id').execute()).length,
    }));
    expect(counts).toEqual({ workspaces: 0, agents: 0 });
  });

  it('refuses to start in production without SONNY_SECRET_KEY, naming it', async () => {
    const server = processes.server(serverEnv(tempDataDir(), { NODE_ENV: 'production' }));
    const { code } = await server.closed;
    expect(code).toBe(1);
    expect(server.output()).toContain('SONNY_SECRET_KEY is required when NODE_ENV=production');
  });
});

describe('sonny agent create: the password', () => {
  /** A data dir with one workspace; returns the args naming it and a new agent. */
  async function workspaceArgs(dataDir: string): Promise<string[]> {
    const created = await sonny(dataDir, 'workspace', 'create', '--name', 'Acme', '--json');
    const { siteId } = JSON.parse(created.stdout) as Record<string, string>;
    return ['agent', 'create', '--site-id', siteId ?? '', '--email', 'ann@example.com'];
  }

  async function storedHashes(dataDir: string): Promise<string[]> {
    const agents = await readDatabase(dataDir, (db) =>
      db.selectFrom('agents').select('password_hash').orderBy('created_at').execute(),
    );
    return agents.map((agent) => agent.password_hash);
  }

  it('is never taken from the command line, and the refusal says why', async () => {
    const dataDir = tempDataDir();
    const args = await workspaceArgs(dataDir);
    for (const option of [
      ['--password', 'correct horse battery'],
      ['--password=correct horse battery'],
    ]) {
      const refused = await sonny(dataDir, ...args, '--name', 'Ann', ...option);
      expect(refused.code).toBe(2);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toContain('--password is refused');
      expect(refused.stderr).toContain('visible to other users');
      expect(refused.stderr).toContain('--password-file');
      expect(refused.stderr).toContain('SONNY_PASSWORD');
      expect(refused.stderr).not.toContain('correct horse');
    }
    expect(await storedHashes(dataDir)).toEqual([]);
  });

  it('reads --password-file (without its final line break) or SONNY_PASSWORD', async () => {
    const dataDir = tempDataDir();
    const args = await workspaceArgs(dataDir);
    const file = path.join(tempDataDir(), 'password');
    fs.writeFileSync(file, 'from the file, 12+\n', { mode: 0o600 });
    const fromFile = await sonny(dataDir, ...args, '--name', 'Ann', '--password-file', file);
    expect(fromFile.stderr).toBe('');
    expect(fromFile.code).toBe(0);
    const fromEnv = await sonnyWith(
      { SONNY_PASSWORD: 'from the environment' },
      dataDir,
      ...args.slice(0, -1),
      'bob@example.com',
      '--name',
      'Bob',
    );
    expect(fromEnv.code).toBe(0);
    const [ann, bob] = await storedHashes(dataDir);
    expect(await verifyPassword('from the file, 12+', ann ?? '')).toBe(true);
    expect(await verifyPassword('from the environment', bob ?? '')).toBe(true);
  });

  it('without a terminal, a file or SONNY_PASSWORD, says how to give one and writes nothing', async () => {
    const dataDir = tempDataDir();
    const args = await workspaceArgs(dataDir);
    const none = await sonny(dataDir, ...args, '--name', 'Ann');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no terminal to prompt on');
    const missing = await sonny(dataDir, ...args, '--name', 'Ann', '--password-file', '/nope');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--password-file: cannot read /nope (ENOENT)');
    expect(await storedHashes(dataDir)).toEqual([]);
  });

  it.skipIf(spawnSync('script', ['--version'], { stdio: 'ignore' }).status !== 0)(
    'on a terminal, prompts twice and echoes nothing typed',
    async () => {
      const dataDir = tempDataDir();
      const args = await workspaceArgs(dataDir);
      const cli = path.join(ROOT, 'server/cli.ts');
      const command = [NODE, cli, ...args, '--name', 'Ann']
        .map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`)
        .join(' ');
      // `script` runs the CLI on a pseudo-terminal and passes what we write as keystrokes.
      const terminal = processes.watch('script', ['-qec', command, '/dev/null'], {
        cwd: ROOT,
        env: embeddedEnv(dataDir),
        stdin: 'pipe',
      });
      await terminal.waitFor(/Password: /, 90_000);
      terminal.child.stdin?.write('typed secret 123\r');
      await terminal.waitFor(/Repeat the password: /, 90_000);
      terminal.child.stdin?.write('typed secret 123\r');
      await terminal.waitFor(/Created agent Ann/, 90_000);
      expect(terminal.output()).not.toContain('typed secret');
      terminal.child.stdin?.end();
      await terminal.closed;
      const [hash] = await storedHashes(dataDir);
      expect(await verifyPassword('typed secret 123', hash ?? '')).toBe(true);
    },
  );
});

describe('sonny (usage)', () => {
  it('exits 2 with the usage on stderr for an unknown command', async () => {
    const dataDir = tempDataDir();

    const result = await sonny(dataDir, 'frobnicate');

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Unknown command: frobnicate');
    expect(result.stderr).toContain('Usage: sonny <command>');
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });
});

describe('sonny migrate', () => {
  it('applies every migration on a fresh data dir, then finds the database up to date', async () => {
    const dataDir = tempDataDir();
    const migrations = migrationNames();
    expect(migrations.length).toBeGreaterThan(0);

    const first = await sonny(dataDir, 'migrate');

    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Applied ${migrations.length} migration(s):`);
    for (const name of migrations) expect(first.stdout).toContain(name);

    const second = await sonny(dataDir, 'migrate');

    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('Database is up to date.\n');
  });
});

describe('sonny on a data dir a running server holds', () => {
  it('refuses with the cause, leaves the server and the data intact, and works once it stops', async () => {
    const dataDir = tempDataDir();
    const server = await startServer(dataDir);
    const serverPid = server.child.pid;
    expect(serverPid).toEqual(expect.any(Number));
    const serverLock = fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8');
    expect(serverLock.split(' ')[0]).toBe(String(serverPid));

    const refused = await sonny(dataDir, 'workspace', 'create', '--name', 'X', '--json');

    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('in use by another Sonny process');
    expect(refused.stderr).toContain(`pid ${serverPid}`);
    // The refused command did not take or drop the server's lock.
    expect(fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')).toBe(serverLock);

    // The server still serves.
    const response = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
      signal: AbortSignal.timeout(5_000),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });

    expect(await server.stop()).toBe(0);
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);

    const created = await sonny(dataDir, 'workspace', 'create', '--name', 'Y', '--json');

    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ apiKey: expect.stringMatching(/^sonny_/) });

    // Every workspace with its keys: the server's demo one and Y, nothing of X, nothing partial.
    const keysPerWorkspace = await readDatabase(dataDir, (db) =>
      db
        .selectFrom('workspaces')
        .leftJoin('api_keys', 'api_keys.workspace_id', 'workspaces.id')
        .select(['workspaces.name', (eb) => eb.fn.count<string>('api_keys.id').as('keys')])
        .groupBy('workspaces.name')
        .orderBy('workspaces.name')
        .execute(),
    );
    expect(keysPerWorkspace.map(({ name, keys }) => [name, Number(keys)])).toEqual([
      ['Demo', 1],
      ['Y', 1],
    ]);
  }, 90_000);
});

describe('sonny reached through a symlinked directory', () => {
  it('still runs (the entry check follows links)', async () => {
    const linkDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sonny cli link '));
    const link = path.join(linkDir, 'checkout');
    fs.symlinkSync(ROOT, link);
    try {
      const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
        execFile(NODE, [path.join(link, 'server/cli.ts'), 'help'], (error, stdout) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout }),
        );
      });
      expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: sonny') });
    } finally {
      fs.rmSync(linkDir, { recursive: true, force: true });
    }
  });
});
