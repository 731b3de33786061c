import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { childProcesses, NODE, ROOT } from '../test/processes.ts';
import { DataDirInUseError, lockDataDir } from './data-dir-lock.ts';

const LOCK_FILE = 'sonny.lock';

const processes = childProcesses();
const unlocks: Array<() => void> = [];

afterEach(() => {
  for (const unlock of unlocks.splice(0)) unlock();
});

function tempDir(): string {
  return processes.tempDir('sonny-lock-');
}

function lock(dir: string): () => void {
  const unlock = lockDataDir(dir);
  unlocks.push(unlock);
  return unlock;
}

/** A live process that is not this one; killed after the test. */
async function otherLiveProcess(): Promise<number> {
  const child = processes.spawn('sleep', ['30'], { stdio: 'ignore' });
  await once(child, 'spawn');
  if (child.pid === undefined) throw new Error('sleep has no pid');
  return child.pid;
}

/** The pid of a process that ran and exited (and was reaped). */
async function deadPid(): Promise<number> {
  const child = processes.spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid;
  await once(child, 'exit');
  if (pid === undefined) throw new Error('the short process has no pid');
  return pid;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('lockDataDir', () => {
  it('creates sonny.lock holding this pid, and the returned unlock removes it', () => {
    const dir = tempDir();
    const lockPath = path.join(dir, LOCK_FILE);

    const unlock = lock(dir);

    expect(typeof unlock).toBe('function');
    expect(fs.readFileSync(lockPath, 'utf8').split(' ')[0]).toBe(String(process.pid));

    unlock();

    expect(fs.existsSync(lockPath)).toBe(false);
  });

  it('creates the data directory when it does not exist yet', () => {
    const dir = path.join(tempDir(), 'nested', 'data');

    lock(dir);

    expect(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8').split(' ')[0]).toBe(
      String(process.pid),
    );
  });

  it('throws DataDirInUseError naming the dir and pid while another live process holds it', async () => {
    const dir = tempDir();
    const lockPath = path.join(dir, LOCK_FILE);
    const holderPid = await otherLiveProcess();
    expect(holderPid).not.toBe(process.pid);
    fs.writeFileSync(lockPath, String(holderPid));

    let thrown: unknown;
    try {
      lock(dir);
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(DataDirInUseError);
    const error = thrown as DataDirInUseError;
    expect(error.name).toBe('DataDirInUseError');
    expect(error.dataDir).toBe(dir);
    expect(error.holderPid).toBe(holderPid);
    expect(error.message).toContain(dir);
    expect(error.message).toContain(`pid ${holderPid}`);
    // The holder's lock is left exactly as it was.
    expect(fs.readFileSync(lockPath, 'utf8')).toBe(String(holderPid));
  });

  it('respects a lock held by pid 1, which always runs (EPERM for another user)', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, LOCK_FILE), '1');

    expect(() => lock(dir)).toThrow(DataDirInUseError);
    expect(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')).toBe('1');
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    const dir = tempDir();
    const lockPath = path.join(dir, LOCK_FILE);
    const pid = await deadPid();
    expect(isRunning(pid)).toBe(false);
    fs.writeFileSync(lockPath, String(pid));

    const unlock = lock(dir);

    expect(fs.readFileSync(lockPath, 'utf8').split(' ')[0]).toBe(String(process.pid));
    unlock();
    expect(fs.existsSync(lockPath)).toBe(false);
  });

  it('can be taken again once given back', () => {
    const dir = tempDir();

    lock(dir)();
    lock(dir);

    expect(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8').split(' ')[0]).toBe(
      String(process.pid),
    );
  });

  it('keeps the lock against a second handle in the same process', () => {
    const dir = tempDir();
    lock(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
  });

  it('gives back only its own lock: an unlock after a takeover leaves the new holder’s lock', async () => {
    const dir = tempDir();
    const lockPath = path.join(dir, LOCK_FILE);
    const unlockFirst = lockDataDir(dir);
    // Another process took the directory over (say, after this one was presumed dead).
    const otherPid = await otherLiveProcess();
    fs.writeFileSync(lockPath, String(otherPid));
    unlockFirst();
    expect(fs.readFileSync(lockPath, 'utf8')).toBe(String(otherPid));
  });

  it('takes over a lock holding this very pid that this process never wrote (a restarted container)', () => {
    const dir = tempDir();
    const lockPath = path.join(dir, LOCK_FILE);
    // What a server that ran as this pid and was killed leaves behind, in both formats.
    for (const leftover of [`${process.pid} 0123456789abcdef 42`, String(process.pid)]) {
      fs.writeFileSync(lockPath, leftover);

      const unlock = lock(dir);

      const held = fs.readFileSync(lockPath, 'utf8');
      expect(held).not.toBe(leftover);
      expect(held.split(' ')[0]).toBe(String(process.pid));
      unlock();
      expect(fs.existsSync(lockPath)).toBe(false);
    }
  });

  it.skipIf(!fs.existsSync('/proc/self/stat'))(
    'takes over a lock whose pid now belongs to a process that started later',
    async () => {
      const dir = tempDir();
      const lockPath = path.join(dir, LOCK_FILE);
      const pid = await otherLiveProcess();
      // Written by a process with this pid that started at tick 1 of the boot: not `sleep`.
      fs.writeFileSync(lockPath, `${pid} 0123456789abcdef 1`);

      lock(dir);

      expect(fs.readFileSync(lockPath, 'utf8').split(' ')[0]).toBe(String(process.pid));
    },
  );

  it('refuses while another Sonny process holds the lock it wrote', async () => {
    const dir = tempDir();
    const holder = processes.watch(
      NODE,
      [
        '--input-type=module',
        '-e',
        `import { lockDataDir } from ${JSON.stringify(path.join(ROOT, 'server/db/data-dir-lock.ts'))};
         lockDataDir(${JSON.stringify(dir)}); console.log('locked'); setInterval(() => {}, 1000);`,
      ],
      { cwd: ROOT },
    );
    // The holder's own ready line: it prints it once it holds the lock.
    await holder.waitFor(/^locked$/m, 10_000);

    let thrown: unknown;
    try {
      lock(dir);
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(DataDirInUseError);
    expect((thrown as DataDirInUseError).holderPid).toBe(holder.child.pid);
  });
});

/** Whether this machine lets us start a process as pid 1 of a new pid namespace (root, Linux). */
const canRunAsPid1 =
  spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true'], { stdio: 'ignore' }).status ===
  0;

describe.skipIf(!canRunAsPid1)('a server restarted after a crash in a container', () => {
  /** `node server/index.ts` as pid 1 of its own pid namespace, as in a container. */
  function startAsPid1(dataDir: string) {
    const env: NodeJS.ProcessEnv = { ...process.env, SONNY_DATA_DIR: dataDir, PORT: '0' };
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'PUBLIC_URL']) delete env[name];
    return processes.server(
      { ...env, HOST: '127.0.0.1' },
      // --kill-child: when unshare is killed, so is the server, as when a container dies.
      { wrapper: ['unshare', '--pid', '--fork', '--kill-child', '--mount-proc'] },
    );
  }

  it('starts again on the same data directory with the same pid after SIGKILL', async () => {
    const dataDir = tempDir();
    const lockPath = path.join(dataDir, LOCK_FILE);
    const first = startAsPid1(dataDir);
    await first.ready();
    expect(fs.readFileSync(lockPath, 'utf8').split(' ')[0]).toBe('1');

    first.child.kill('SIGKILL');
    await first.closed;
    // The crash left the lock behind, naming pid 1: the pid the next server will have.
    expect(fs.readFileSync(lockPath, 'utf8').split(' ')[0]).toBe('1');

    const second = startAsPid1(dataDir);
    await second.ready();
    expect(second.output()).not.toContain('in use by another Sonny process');
  }, 150_000);
});
