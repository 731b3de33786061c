import { PGlite, types } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type Config, IN_MEMORY_DATA_DIR } from '../config.ts';
import { lockDataDir } from './data-dir-lock.ts';
import type { Database, Db } from './database.ts';

export interface DatabaseHandle {
  readonly db: Db;
  /** Which engine serves `db`: the embedded PGlite or a Postgres server. */
  readonly engine: 'pglite' | 'postgres';
  close(): Promise<void>;
}

/**
 * Opens Postgres through `pg` when `databaseUrl` is set, otherwise the embedded PGlite in
 * `dataDir`. Both return bigint columns as decimal strings and timestamps as Dates.
 */
export async function connectDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
): Promise<DatabaseHandle> {
  if (config.databaseUrl !== null) {
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 10 });
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
