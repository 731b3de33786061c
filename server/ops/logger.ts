import { type DestinationStream, type Logger, pino } from 'pino';
import pretty from 'pino-pretty';
import type { LogLevel } from '../config.ts';

export type { Logger };

/**
 * Keys whose values never reach a log line, at any depth up to three: credentials, the
 * widget's visitorId (whoever holds it can act as the visitor), emails, and the raw variables
 * and connection payloads that carry them. Code should not log them in the first place; this is
 * the net under that rule.
 */
export const REDACTED_KEYS = [
  'authorization',
  'cookie',
  'token',
  'authToken',
  'apiKey',
  'password',
  'secret',
  'identityToken',
  'visitorId',
  'email',
  'variables',
  'variableValues',
  'connectionParams',
] as const;

/** What replaces a redacted value. */
export const REDACTED = '[redacted]';

function redactPaths(): string[] {
  return REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);
}

/** What of an error's own fields reaches the log: names and codes, never values. */
const ERROR_FIELDS = ['code', 'severity', 'routine', 'query'] as const;

/** How deep `cause` and an AggregateError's `errors` are followed. */
const MAX_ERROR_DEPTH = 3;

/**
 * The `err` of a log line: type, message, stack, the codes that say what failed and the
 * parametrised query, and the same of its `cause` and inner `errors`. Nothing else: a
 * database error carries the query's `params` and a `detail` that quotes values (an email, a
 * visitorId, a message's text), which must never reach the log.
 */
export function serializeError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error) };
  const own = error as unknown as Record<string, unknown>;
  const fields: Record<string, unknown> = {
    type: error.constructor.name,
    message: error.message,
    stack: error.stack,
  };
  for (const field of ERROR_FIELDS) {
    if (typeof own[field] === 'string') fields[field] = own[field];
  }
  if (depth < MAX_ERROR_DEPTH) {
    if (error.cause !== undefined) fields.cause = serializeError(error.cause, depth + 1);
    if (error instanceof AggregateError) {
      fields.errors = error.errors.map((inner: unknown) => serializeError(inner, depth + 1));
    }
  }
  return fields;
}

export interface LoggerOptions {
  readonly level: LogLevel;
  /**
   * Where the JSON lines go; by default stdout, pretty-printed when stdout is a terminal.
   * Tests pass a stream they read.
   */
  readonly destination?: DestinationStream;
}

/**
 * The server's logger: JSON lines (`level` as a name, ISO `time`, `msg`) on stdout, or on
 * `destination`; human-readable lines when stdout is a terminal. Values under
 * {@link REDACTED_KEYS} are replaced by {@link REDACTED}; an error goes under `err`, as
 * {@link serializeError} keeps it.
 */
export function createLogger(options: LoggerOptions): Logger {
  const destination =
    options.destination ??
    (process.stdout.isTTY
      ? pretty({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss.l' })
      : pino.destination({ dest: 1, sync: true }));
  return pino(
    {
      level: options.level,
      redact: { paths: redactPaths(), censor: REDACTED },
      serializers: { err: (error: unknown) => serializeError(error) },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
