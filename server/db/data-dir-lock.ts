import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The embedded database is single-process: two PGlite instances on one directory corrupt it. */
export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
  readonly dataDir: string;
  readonly holderPid: number;

  constructor(dataDir: string, holderPid: number) {
    super(
      `The embedded database in ${dataDir} is in use by another Sonny process (pid ${holderPid}). ` +
        'Stop that process first, or set DATABASE_URL to share a Postgres server between processes.',
    );
    this.dataDir = dataDir;
    this.holderPid = holderPid;
  }
}

const LOCK_FILE = 'sonny.lock';

/**
 * Takes the data directory for one database handle. Any live holder, this process included,
 * keeps it. A lock left by a process that no longer runs is taken over, so a crash never locks
 * the user out. Returns the function that gives the lock back.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, LOCK_FILE);
  // pid and a random token: the pid says who holds it, the token which handle.
  const content = `${process.pid} ${randomBytes(8).toString('hex')}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createWithContent(lockPath, content)) {
      return () => {
        if (readLock(lockPath) === content) rmSync(lockPath, { force: true });
      };
    }
    const held = readLock(lockPath);
    if (held === null) continue;
    const holderPid = Number.parseInt(held, 10);
    if (isRunning(holderPid)) throw new DataDirInUseError(dataDir, holderPid);
    removeIfUnchanged(lockPath, held);
  }
  throw new Error(`Could not take the lock ${lockPath}; other processes keep taking it.`);
}

/** Creates `file` holding `content` in one step: nobody ever sees it empty. */
function createWithContent(file: string, content: string): boolean {
  const draft = `${file}.${randomBytes(6).toString('hex')}`;
  writeFileSync(draft, content);
  try {
    linkSync(draft, file);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(draft, { force: true });
  }
}

/**
 * Removes a stale lock only if it still holds what was read: moving it aside first means a
 * second process that also found it stale cannot delete a lock taken in between.
 */
function removeIfUnchanged(lockPath: string, staleContent: string): void {
  const aside = `${lockPath}.stale.${randomBytes(6).toString('hex')}`;
  try {
    renameSync(lockPath, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  const moved = readLock(aside);
  if (moved !== staleContent && moved !== null) {
    // Someone else's fresh lock: put it back unless yet another one has appeared.
    try {
      linkSync(aside, lockPath);
    } catch {}
  }
  rmSync(aside, { force: true });
}

function readLock(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function isRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errorCode(error) === 'EPERM';
  }
}

function errorCode(error: unknown): unknown {
  return error instanceof Error && 'code' in error ? error.code : undefined;
}
