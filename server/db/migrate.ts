import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileMigrationProvider, Migrator } from 'kysely/migration';
import type { Db } from './database.ts';

const migrationFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

export class MigrationError extends Error {
  override name = 'MigrationError';
}

function migratorOf(db: Db): Migrator {
  return new Migrator({ db, provider: new FileMigrationProvider({ fs, path, migrationFolder }) });
}

/** Applies every pending migration in `migrations/`; returns the names it applied. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = migratorOf(db);
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((result) => result.status === 'Error');
  if (error !== undefined || failed !== undefined) {
    const which = failed ? ` in ${failed.migrationName}` : '';
    throw new MigrationError(`Migration failed${which}: ${describe(error)}`, { cause: error });
  }
  return results.map((result) => result.migrationName);
}

/**
 * The migrations of `migrations/` the database has not run, by name, oldest first. Reads only:
 * a database never migrated has them all pending.
 */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const migrations = await migratorOf(db).getMigrations();
  return migrations.filter((migration) => migration.executedAt === undefined).map((m) => m.name);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
