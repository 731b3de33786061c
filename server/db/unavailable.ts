/**
 * Which database failures mean "the database cannot be reached right now" rather than "this
 * operation is wrong": a restart, a crash, a network loss, a full pool, an overloaded server.
 * Retrying the same operation later is the right answer to every one of them.
 */

/** Socket errors of a connection that could not be made or was cut. */
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server that is going away or not ready. Class 08 (connection exception) is
 * matched as a whole below.
 */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown: `pg_ctl stop/restart -m fast` or `-m immediate`
  '57P02', // crash_shutdown: another backend crashed
  '57P03', // cannot_connect_now: starting up, shutting down, in recovery
  '53300', // too_many_connections
  '57014', // query_canceled: statement_timeout, the server is too slow to answer in time
]);

/** What `pg` and `pg-pool` say when a connection ends, times out or cannot be used. */
const UNAVAILABLE_MESSAGES = [
  'Connection terminated', // …unexpectedly / …due to connection timeout
  'timeout exceeded when trying to connect', // pg-pool: no connection within connectionTimeoutMillis
  'Client has encountered a connection error and is not queryable',
  'Connection ended unexpectedly',
];

/** How deep to follow `cause`, `originalError` and `errors`: wrappers never nest deeper. */
const MAX_DEPTH = 6;

/**
 * True when `error`, or an error it wraps (`cause`, GraphQL's `originalError`, an
 * AggregateError's `errors`), says the database is unreachable, going away or overloaded.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return matches(error, 0);
}

function matches(error: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH || typeof error !== 'object' || error === null) return false;
  const { code, message, cause, originalError, errors } = error as Record<string, unknown>;
  if (typeof code === 'string') {
    if (NETWORK_ERROR_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code)) return true;
    if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => message.startsWith(m))) {
    return true;
  }
  if (matches(cause, depth + 1) || matches(originalError, depth + 1)) return true;
  return Array.isArray(errors) && errors.some((inner) => matches(inner, depth + 1));
}

/** At most one line per this interval: an outage fails every operation, and each would log. */
const REPORT_INTERVAL_MS = 5_000;

/** Reports that the database is unavailable; see {@link unavailableReporter}. */
export type UnavailableReporter = (error: unknown) => void;

/**
 * A reporter that writes, through `log`, that the database is unavailable, with the error that
 * says so, at most once every few seconds. The operations themselves answer
 * SERVICE_UNAVAILABLE. Every part of one server shares one reporter, so an outage logs once.
 */
export function unavailableReporter(log: (line: string) => void): UnavailableReporter {
  let lastReportAt = Number.NEGATIVE_INFINITY;
  return (error) => {
    const now = Date.now();
    if (now - lastReportAt < REPORT_INTERVAL_MS) return;
    lastReportAt = now;
    log(
      `The database is unavailable (${describeError(error)}); operations fail with SERVICE_UNAVAILABLE.`,
    );
  };
}

/** A one-line description: the message, and the code when it says more (`ECONNREFUSED`). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = 'code' in error && typeof error.code === 'string' ? error.code : null;
  if (error.message && code && !error.message.includes(code)) return `${error.message} (${code})`;
  return error.message || code || error.name;
}
