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

/** Every lock this process wrote and has not given back, by content. */
const heldHere = new Set<string>();

/**
 * Takes the data directory for one database handle. Any live holder, this process included,
 * keeps it. A lock left by a process that no longer runs is taken over, so a crash never locks
 * the user out; so is one whose pid now belongs to another process, this one included (a
 * container restarted after a crash runs the server as pid 1 again). Returns the function
 * that gives the lock back.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, LOCK_FILE);
  // "pid token start": the pid says who holds it, the token which handle, and the process's
  // start time (Linux) tells the holder from a later process that got the same pid.
  const content = `${process.pid} ${randomBytes(8).toString('hex')} ${startTimeOf(process.pid) ?? '-'}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createWithContent(lockPath, content)) {
      heldHere.add(content);
      return () => {
        heldHere.delete(content);
        if (readLock(lockPath) === content) rmSync(lockPath, { force: true });
      };
    }
    const held = readLock(lockPath);
    if (held === null) continue;
    const holderPid = Number.parseInt(held, 10);
    if (isHeld(held, holderPid)) throw new DataDirInUseError(dataDir, holderPid);
    removeIfUnchanged(lockPath, held);
  }
  throw new Error(`Could not take the lock ${lockPath}; other processes keep taking it.`);
}

/** Whether the lock `content` still belongs to a running process. */
function isHeld(content: string, holderPid: number): boolean {
  // Our own pid on a lock we did not write: an earlier process with our pid left it.
  if (holderPid === process.pid) return heldHere.has(content);
  if (!isRunning(holderPid)) return false;
  const recordedStart = content.trim().split(/\s+/)[2];
  if (recordedStart === undefined || recordedStart === '-') return true;
  const start = startTimeOf(holderPid);
  // Unknown (no /proc, another user's process): assume the holder still runs.
  return start === null || start === recordedStart;
}

/**
 * When process `pid` started, in clock ticks since boot (field 22 of /proc/<pid>/stat), or
 * null where /proc does not say.
 */
function startTimeOf(pid: number): string | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: count from the last ")".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const start = fields[19];
  return start !== undefined && /^\d+$/.test(start) ? start : null;
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
