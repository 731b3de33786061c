import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock.ts';

/**
 * Backups of the embedded database: its whole data directory as one gzipped tarball, made and
 * loaded by PGlite itself (`dumpDataDir`, `loadDataDir`). Both take the data directory's lock,
 * so they run only while no server uses it.
 */

/** A backup or restore that cannot be done as asked; the message says why and what to do. */
export class BackupError extends Error {
  override name = 'BackupError';
}

/** The lock file lives in the data directory, so it travels in the tarball: never restored. */
const LOCK_FILE = 'sonny.lock';

/** Writes a backup of the embedded database in `dataDir` to `file`; returns its size in bytes. */
export async function backupDataDir(dataDir: string, file: string): Promise<number> {
  if (!holdsDatabase(dataDir)) {
    throw new BackupError(`There is no embedded database in ${dataDir} (SONNY_DATA_DIR).`);
  }
  const unlock = lockDataDir(dataDir);
  try {
    const pglite = await PGlite.create({ dataDir });
    let tarball: Blob;
    try {
      tarball = await pglite.dumpDataDir('gzip');
    } finally {
      await pglite.close();
    }
    const bytes = Buffer.from(await tarball.arrayBuffer());
    // Written aside and renamed: an interrupted backup never leaves a truncated FILE.
    const draft = `${file}.${randomBytes(6).toString('hex')}.partial`;
    try {
      fs.writeFileSync(draft, bytes, { flag: 'wx' });
      fs.renameSync(draft, file);
    } finally {
      fs.rmSync(draft, { force: true });
    }
    return bytes.length;
  } finally {
    unlock();
  }
}

/**
 * Loads the backup in `file` into `dataDir`, which must not hold a database yet. The backup is
 * unpacked and started in a directory beside it first, so a bad file leaves `dataDir` empty.
 */
export async function restoreDataDir(file: string, dataDir: string): Promise<void> {
  let tarball: Blob;
  try {
    tarball = await fs.openAsBlob(file);
  } catch (error) {
    throw new BackupError(`Cannot read the backup ${file}: ${(error as Error).message}`);
  }
  const unlock = lockDataDir(dataDir);
  if (holdsAnything(dataDir)) {
    unlock();
    throw new BackupError(
      `SONNY_DATA_DIR (${dataDir}) is not empty. Restore into an empty directory, or move ` +
        'this one aside first.',
    );
  }
  const staging = path.join(
    path.dirname(dataDir),
    `.${path.basename(dataDir)}.restoring-${randomBytes(6).toString('hex')}`,
  );
  try {
    const pglite = await PGlite.create({ dataDir: staging, loadDataDir: tarball });
    try {
      // The database starts and answers: the backup is whole.
      await pglite.query('select 1');
    } finally {
      await pglite.close();
    }
    fs.rmSync(path.join(staging, LOCK_FILE), { force: true });
    for (const entry of fs.readdirSync(staging)) {
      fs.renameSync(path.join(staging, entry), path.join(dataDir, entry));
    }
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(
      `${file} is not a backup Sonny can restore: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    unlock();
  }
}

function holdsDatabase(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, 'PG_VERSION'));
}

/** Whether `dataDir` holds anything but (perhaps) a lock file. */
function holdsAnything(dataDir: string): boolean {
  let entries: string[];
  try {
    entries = fs.readdirSync(dataDir);
  } catch {
    return false;
  }
  return entries.some((entry) => entry !== LOCK_FILE);
}
