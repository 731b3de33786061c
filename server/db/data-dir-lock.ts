import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
 * Takes the data directory for this process. A lock left by a process that no longer runs is
 * taken over, so a crash never locks the user out. Returns the function that gives it back.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      const holderPid = readHolderPid(lockPath);
      if (holderPid !== null && holderPid !== process.pid && isRunning(holderPid)) {
        throw new DataDirInUseError(dataDir, holderPid);
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${lockPath}; another process keeps replacing it.`);
}

function isAlreadyExists(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'EEXIST';
}

function readHolderPid(lockPath: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}
