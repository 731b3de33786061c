import { PGlite, types } from '@electric-sql/pglite';
import { Kysely, type KyselyConfig, PGliteDialect, PostgresDialect } from 'kysely';
import { type Config, DATABASE_DEFAULTS, IN_MEMORY_DATA_DIR } from '../config.ts';
import { lockDataDir } from './data-dir-lock.ts';
import type { Database, Db } from './database.ts';
import { createPool, type PostgresSettings, waitForPostgres } from './postgres.ts';
import { type UnavailableReporter, unavailableReporter } from './unavailable.ts';

export interface DatabaseHandle {
  readonly db: Db;
  /** Which engine serves `db`: the embedded PGlite or a Postgres server. */
  readonly engine: 'pglite' | 'postgres';
  /**
   * Logs (rate-limited) that the database cannot be reached; the pool uses it for connections
   * that die idle, and whoever turns a failure into SERVICE_UNAVAILABLE should too.
   */
  readonly reportUnavailable: UnavailableReporter;
  /**
   * Connections checked out and operations waiting for one, right now. PGlite is one
   * connection, always in use: 1 and 0.
   */
  poolUsage(): { readonly inUse: number; readonly waiting: number };
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
  /**
   * Where warnings go: each failed attempt while waiting for Postgres, and that the database
   * became unavailable. Default: a line on stderr (the CLI's user reads it).
   */
  readonly warn?: (line: string) => void;
  /**
   * Told of every statement run, failed ones too: its parametrised text (never the
   * parameters) and how long it took. Default: nothing is told, and nothing is measured.
   */
  readonly onStatement?: (statement: Statement) => void;
}

/** A statement the database ran, as {@link ConnectOptions.onStatement} is told of it. */
export interface Statement {
  readonly sql: string;
  readonly durationMs: number;
}

/** Kysely's `log` option for `onStatement`, or none. */
function statementLog(onStatement: ConnectOptions['onStatement']): KyselyConfig['log'] {
  if (onStatement === undefined) return undefined;
  return (event) => onStatement({ sql: event.query.sql, durationMs: event.queryDurationMillis });
}

function warnOnStderr(line: string): void {
  process.stderr.write(`${line}\n`);
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
  const warn = options.warn ?? warnOnStderr;
  const reportUnavailable = unavailableReporter(warn);
  if (config.databaseUrl !== null) {
    const settings = postgresSettings(config);
    await waitForPostgres(config.databaseUrl, settings, warn);
    const pool = createPool(config.databaseUrl, settings, {
      statementTimeout: !options.withoutStatementTimeout,
      onUnavailable: reportUnavailable,
    });
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool }),
      log: statementLog(options.onStatement),
    });
    return {
      db,
      engine: 'postgres',
      reportUnavailable,
      poolUsage: () => ({
        inUse: pool.totalCount - pool.idleCount,
        waiting: pool.waitingCount,
      }),
      close: () => db.destroy(),
    };
  }

  const inMemory = config.dataDir === IN_MEMORY_DATA_DIR;
  const unlock = inMemory ? () => {} : lockDataDir(config.dataDir);
  try {
    const pglite = await PGlite.create({
      dataDir: config.dataDir,
      parsers: { [types.INT8]: (value: string) => value },
    });
    const db = new Kysely<Database>({
      dialect: new PGliteDialect({ pglite }),
      log: statementLog(options.onStatement),
    });
    return {
      db,
      engine: 'pglite',
      reportUnavailable,
      poolUsage: () => ({ inUse: 1, waiting: 0 }),
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
