import { PGlite, types } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import { type Config, DATABASE_DEFAULTS, IN_MEMORY_DATA_DIR } from '../config.ts';
import { lockDataDir } from './data-dir-lock.ts';
import type { Database, Db } from './database.ts';
import { createPool, type PostgresSettings, waitForPostgres } from './postgres.ts';

export interface DatabaseHandle {
  readonly db: Db;
  /** Which engine serves `db`: the embedded PGlite or a Postgres server. */
  readonly engine: 'pglite' | 'postgres';
  close(): Promise<void>;
}

/** Where the database is, and (Postgres only, defaults otherwise) its pool's limits. */
export type DatabaseSettings = Pick<Config, 'databaseUrl' | 'dataDir'> & Partial<PostgresSettings>;

export interface ConnectOptions {
  /**
   * Leaves statements unbounded by `databaseStatementTimeoutMs`: for the CLI, whose
   * migrations may rightly run for minutes on a large database.
   */
  readonly withoutStatementTimeout?: boolean;
}

/**
 * Opens Postgres through `pg` when `databaseUrl` is set, otherwise the embedded PGlite in
 * `dataDir`. Both return bigint columns as decimal strings and timestamps as Dates. Postgres
 * is waited for (see {@link waitForPostgres}) before this resolves.
 */
export async function connectDatabase(
  config: DatabaseSettings,
  options: ConnectOptions = {},
): Promise<DatabaseHandle> {
  if (config.databaseUrl !== null) {
    const settings = postgresSettings(config);
    await waitForPostgres(config.databaseUrl, settings);
    const pool = createPool(config.databaseUrl, settings, {
      statementTimeout: !options.withoutStatementTimeout,
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, engine: 'postgres', close: () => db.destroy() };
  }

  const inMemory = config.dataDir === IN_MEMORY_DATA_DIR;
  const unlock = inMemory ? () => {} : lockDataDir(config.dataDir);
  try {
    const pglite = await PGlite.create({
      dataDir: config.dataDir,
      parsers: { [types.INT8]: (value: string) => value },
    });
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
    return {
      db,
      engine: 'pglite',
      async close() {
        try {
          await db.destroy();
        } finally {
          unlock();
        }
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}

/** The Postgres settings `config` gives, with the defaults for those it leaves out. */
function postgresSettings(config: Partial<PostgresSettings>): PostgresSettings {
  const defaults = DATABASE_DEFAULTS;
  return {
    databasePoolSize: config.databasePoolSize ?? defaults.databasePoolSize,
    databaseConnectTimeoutMs: config.databaseConnectTimeoutMs ?? defaults.databaseConnectTimeoutMs,
    databaseAcquireTimeoutMs: config.databaseAcquireTimeoutMs ?? defaults.databaseAcquireTimeoutMs,
    databaseStatementTimeoutMs:
      config.databaseStatementTimeoutMs ?? defaults.databaseStatementTimeoutMs,
  };
}
