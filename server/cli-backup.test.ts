import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectDatabase } from './db/connect.ts';
import { childProcesses, NODE, ROOT } from './test/processes.ts';

/**
 * `sonny backup FILE` and `sonny restore FILE` as an operator runs them: real processes on
 * embedded databases in temporary directories, read back afterwards.
 */

const LOCK_FILE = 'sonny.lock';

const processes = childProcesses();

function tempDir(): string {
  return processes.tempDir('sonny-backup-');
}

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'SONNY_DATA_DIR']) delete base[name];
  return { ...base, ...extra };
}

/** Runs `sonny ...args` with `extraEnv` to completion; its exit code and everything it printed. */
function sonny(extraEnv: Record<string, string>, ...args: string[]) {
  return processes.sonny(env(extraEnv), ...args);
}

async function workspacesIn(dataDir: string) {
  const database = await connectDatabase({ databaseUrl: null, dataDir });
  try {
    return await database.db.selectFrom('workspaces').select(['name', 'site_id']).execute();
  } finally {
    await database.close();
  }
}

describe('sonny backup and restore', () => {
  it('round-trips the embedded database into a fresh directory', async () => {
    const original = path.join(tempDir(), 'data');
    const file = path.join(tempDir(), 'sonny.tgz');
    const created = await sonny(
      { SONNY_DATA_DIR: original },
      'workspace',
      'create',
      '--name',
      'Acme',
      '--json',
    );
    expect(created.code).toBe(0);
    const { siteId } = JSON.parse(created.output) as { siteId: string };

    const backedUp = await sonny({ SONNY_DATA_DIR: original }, 'backup', file);

    expect(backedUp.code).toBe(0);
    expect(backedUp.output).toContain(`to ${file}`);
    expect(fs.statSync(file).size).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(original, LOCK_FILE))).toBe(false);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['sonny.tgz']);

    const restoredDir = path.join(tempDir(), 'restored', 'data');
    const restored = await sonny({ SONNY_DATA_DIR: restoredDir }, 'restore', file);

    expect(restored.code).toBe(0);
    expect(restored.output).toContain(`into ${restoredDir}`);
    // The backup's own lock did not come along, and no staging directory stayed behind.
    expect(fs.existsSync(path.join(restoredDir, LOCK_FILE))).toBe(false);
    expect(fs.readdirSync(path.dirname(restoredDir))).toEqual(['data']);
    expect(await workspacesIn(restoredDir)).toEqual([{ name: 'Acme', site_id: siteId }]);
  }, 120_000);

  it('refuses to restore over a directory that holds a database, and changes nothing', async () => {
    const dataDir = path.join(tempDir(), 'data');
    // Refused before the file is even opened as a backup.
    const file = path.join(tempDir(), 'sonny.tgz');
    fs.writeFileSync(file, 'not read');
    expect((await sonny({ SONNY_DATA_DIR: dataDir }, 'migrate')).code).toBe(0);
    const before = fs.readdirSync(dataDir).sort();

    const refused = await sonny({ SONNY_DATA_DIR: dataDir }, 'restore', file);

    expect(refused.code).toBe(1);
    expect(refused.output).toContain(`SONNY_DATA_DIR (${dataDir}) is not empty`);
    expect(fs.readdirSync(dataDir).sort()).toEqual(before);
  }, 120_000);

  it('refuses to back up while another process holds the data directory', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const file = path.join(tempDir(), 'sonny.tgz');
    expect((await sonny({ SONNY_DATA_DIR: dataDir }, 'migrate')).code).toBe(0);
    const holder = processes.watch(
      NODE,
      [
        '--input-type=module',
        '-e',
        `import { lockDataDir } from ${JSON.stringify(path.join(ROOT, 'server/db/data-dir-lock.ts'))};
         lockDataDir(${JSON.stringify(dataDir)}); console.log('locked'); setInterval(() => {}, 1000);`,
      ],
      { cwd: ROOT },
    );
    // The holder's own ready line: it prints it once it holds the lock.
    await holder.waitFor(/^locked$/m, 10_000);

    const refused = await sonny({ SONNY_DATA_DIR: dataDir }, 'backup', file);

    expect(refused.code).toBe(1);
    expect(refused.output).toContain(`in use by another Sonny process (pid ${holder.child.pid})`);
    expect(fs.existsSync(file)).toBe(false);
  }, 60_000);

  it('refuses a file that is not a backup and leaves the directory empty', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const file = path.join(tempDir(), 'not-a-backup.tgz');
    fs.writeFileSync(file, 'hello');

    const refused = await sonny({ SONNY_DATA_DIR: dataDir }, 'restore', file);

    expect(refused.code).toBe(1);
    expect(refused.output).toContain(`${file} is not a backup Sonny can restore`);
    expect(fs.readdirSync(dataDir)).toEqual([]);
    expect(fs.readdirSync(path.dirname(dataDir))).toEqual(['data']);
  }, 60_000);

  it.each([
    [['backup'], {}, 2, 'backup needs exactly one argument: FILE'],
    [['restore', 'a.tgz', 'b.tgz'], {}, 2, 'restore needs exactly one argument: FILE'],
    [['backup', 'x.tgz'], { SONNY_DATA_DIR: 'memory://' }, 1, 'not memory://'],
    [
      ['backup', 'x.tgz'],
      { DATABASE_URL: 'postgres://localhost/sonny' },
      1,
      'use pg_dump and pg_restore',
    ],
    [['backup', 'x.tgz'], { SONNY_DATA_DIR: '/nonexistent/sonny' }, 1, 'no embedded database'],
  ])('sonny %j with %j exits %i: %s', async (args, extraEnv, code, message) => {
    const dir = tempDir();
    const inDir = args.map((arg) => (arg.endsWith('.tgz') ? path.join(dir, arg) : arg));
    const result = await sonny(extraEnv as Record<string, string>, ...inDir);

    expect(result.code).toBe(code);
    expect(result.output).toContain(message);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
