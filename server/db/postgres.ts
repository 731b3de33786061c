import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Config } from '../config.ts';
import { preparedStatementName } from './prepared.ts';
import { describeError, isDatabaseUnavailable, type UnavailableReporter } from './unavailable.ts';

/** The Postgres settings of {@link Config}, all in milliseconds but the pool size. */
export type PostgresSettings = Pick<
  Config,
  | 'databasePoolSize'
  | 'databaseConnectTimeoutMs'
  | 'databaseAcquireTimeoutMs'
  | 'databaseStatementTimeoutMs'
>;

/** Postgres did not accept a connection at start; the message names DATABASE_URL. */
export class DatabaseConnectError extends Error {
  override name = 'DatabaseConnectError';
}

/**
 * The pool every operation runs on. Its limits keep an outage from hanging anyone: a
 * connection (free or new) is waited for at most `databaseAcquireTimeoutMs`, a statement runs
 * at most `databaseStatementTimeoutMs` (none when `statementTimeout` is false), and TCP
 * keep-alive notices a peer that vanished without closing.
 */
export function createPool(
  url: string,
  settings: PostgresSettings,
  options: {
    readonly statementTimeout: boolean;
    /** Told when an idle connection dies (Postgres restarted). */
    readonly onUnavailable: UnavailableReporter;
  },
): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: settings.databasePoolSize,
    connectionTimeoutMillis: settings.databaseAcquireTimeoutMs,
    statement_timeout: options.statementTimeout ? settings.databaseStatementTimeoutMs : undefined,
    keepAlive: true,
  });
  // An idle connection that dies (Postgres restarted) is dropped by the pool, which then emits
  // `error`: without a listener Node would end the process.
  pool.on('error', (error) => options.onUnavailable(error));
  // A connection that dies while checked out fails its queries and is discarded on release;
  // its `error` event needs a listener too, or it would end the process the same way.
  pool.on('connect', (client) => {
    client.on('error', () => {});
    runPreparedByName(client);
  });
  return pool;
}

/**
 * Sends the prepared statements ({@link preparedStatementName}) the client runs as named
 * prepared statements, so Postgres parses and plans each once per connection rather than at
 * every call. Kysely runs every statement as `query(text, values)`; any other call, and any
 * other statement, goes through unchanged.
 */
function runPreparedByName(client: pg.PoolClient): void {
  const query = client.query;
  Object.assign(client, {
    query(this: pg.PoolClient, config: unknown, ...rest: unknown[]): unknown {
      const name = typeof config === 'string' ? preparedStatementName(config) : undefined;
      if (name === undefined) return Reflect.apply(query, this, [config, ...rest]);
      const [values, ...callback] = rest;
      return Reflect.apply(query, this, [{ name, text: config, values }, ...callback]);
    },
  });
}

/** `host:port/database` of a connection string, never its user or password. */
export function describeTarget(url: string): string {
  const parsed = new URL(url);
  const host = parsed.hostname || parsed.searchParams.get('host') || 'localhost';
  return `${host}:${parsed.port || '5432'}${parsed.pathname}`;
}

/** The first retry waits this long; each next one twice as long, up to the maximum. */
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 5_000;

/**
 * Waits until Postgres at `url` accepts a connection: retries with backoff while it is
 * unreachable or starting up, logging one line per failed attempt, for up to
 * `databaseConnectTimeoutMs`. Any other failure (a wrong password, a missing database) is
 * final at once. Throws a {@link DatabaseConnectError} naming DATABASE_URL.
 */
export async function waitForPostgres(
  url: string,
  settings: PostgresSettings,
  log: (line: string) => void,
): Promise<void> {
  const target = `DATABASE_URL (${describeTarget(url)})`;
  const timeoutMs = settings.databaseConnectTimeoutMs;
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    const remaining = Math.max(1, deadline - Date.now());
    const client = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: Math.min(remaining, settings.databaseAcquireTimeoutMs),
    });
    try {
      await client.connect();
      return;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) {
        throw new DatabaseConnectError(
          `Could not connect to Postgres at ${target}: ${describeError(error)}`,
          { cause: error },
        );
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new DatabaseConnectError(
          `Postgres at ${target} did not accept a connection within ${timeoutMs / 1000} s ` +
            `(DATABASE_CONNECT_TIMEOUT): ${describeError(error)}`,
          { cause: error },
        );
      }
      const delay = Math.min(FIRST_RETRY_MS * 2 ** (attempt - 1), MAX_RETRY_MS, left);
      log(
        `Postgres at ${target} is not reachable (attempt ${attempt}: ${describeError(error)}); ` +
          `retrying in ${(delay / 1000).toFixed(1)} s, giving up ${Math.ceil(left / 1000)} s from now.`,
      );
      await sleep(delay);
    } finally {
      await client.end().catch(() => {});
    }
  }
}
