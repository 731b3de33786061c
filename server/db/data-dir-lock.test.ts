import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killAll } from '../test/processes.ts';
import { DataDirInUseError, lockDataDir } from './data-dir-lock.ts';

const LOCK_FILE = 'sonny.lock';

const children = new Set<ChildProcess>();
const tempDirs: string[] = [];
const unlocks: Array<() => void> = [];

afterEach(async () => {
  for (const unlock of unlocks.splice(0)) unlock();
  await killAll(children);
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sonny-lock-'));
  tempDirs.push(dir);
  return dir;
}

function lock(dir: string): () => void {
  const unlock = lockDataDir(dir);
  unlocks.push(unlock);
  return unlock;
}

/** A live process that is not this one; killed after the test. */
async function otherLiveProcess(): Promise<number> {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  children.add(child);
  await once(child, 'spawn');
  if (child.pid === undefined) throw new Error('sleep has no pid');
  return child.pid;
}

/** The pid of a process that ran and exited (and was reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  children.add(child);
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
});
