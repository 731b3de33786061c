import { CombinedError } from 'urql';
import { ErrorCode, isFinalRefusal } from '../../protocol/index.ts';

/**
 * Every failure the inbox shows, whatever raised it: a GraphQL error with `extensions.code`,
 * a network failure, a closed socket or a bug. Components only ever see this type.
 */
export interface InboxError {
  /** The server's `extensions.code`, or `NETWORK_ERROR` / `UNEXPECTED` for client-side failures. */
  readonly code: string;
  /** A sentence for the agent. */
  readonly message: string;
  /** The argument the server refused (`extensions.field`), when it named one. */
  readonly field: string | null;
  /**
   * The server's `extensions.retryAfterSeconds` (SERVICE_UNAVAILABLE, RATE_LIMITED): nothing is
   * wrong with the operation, send it again after this long. Null for a lasting refusal.
   */
  readonly retryAfterSeconds: number | null;
}

/** Sentences for codes whose server message is not meant for an agent. */
const WORDS: Record<string, string> = {
  UNAUTHENTICATED: 'Your session has ended. Log in again.',
  FORBIDDEN: 'You are not allowed to do this.',
  NOT_FOUND: 'This no longer exists.',
  RATE_LIMITED: 'Too many requests. Wait a moment and try again.',
  SERVICE_UNAVAILABLE: 'The server is briefly unavailable. Try again in a moment.',
  NETWORK_ERROR: 'Cannot reach the Sonny server. Check the connection and try again.',
  UNEXPECTED: 'Something went wrong on the server. Try again.',
};

/** Codes whose server message already says what was wrong with the input. */
const SERVER_WORDED = new Set<string>([ErrorCode.BAD_USER_INPUT, ErrorCode.IDENTITY_CONFLICT]);

export function inboxError(
  code: string,
  message?: string,
  field: string | null = null,
  retryAfterSeconds: number | null = null,
): InboxError {
  const words = (SERVER_WORDED.has(code) && message) || WORDS[code] || message || WORDS.UNEXPECTED;
  return { code, message: words ?? 'Something went wrong.', field, retryAfterSeconds };
}

/** Normalises anything thrown or returned by urql, graphql-ws or fetch. */
export function toInboxError(error: unknown): InboxError {
  if (error instanceof CombinedError) {
    const first = error.graphQLErrors[0];
    if (first) {
      const code =
        typeof first.extensions?.code === 'string' ? first.extensions.code : 'UNEXPECTED';
      const field = typeof first.extensions?.field === 'string' ? first.extensions.field : null;
      const wait = first.extensions?.retryAfterSeconds;
      return inboxError(code, first.message, field, typeof wait === 'number' ? wait : null);
    }
    return inboxError('NETWORK_ERROR');
  }
  if (isCloseEvent(error)) {
    if (isFinalRefusal(error.code)) return inboxError(ErrorCode.UNAUTHENTICATED);
    return inboxError('NETWORK_ERROR');
  }
  if (error instanceof TypeError) return inboxError('NETWORK_ERROR');
  return inboxError('UNEXPECTED');
}

function isCloseEvent(value: unknown): value is { code: number; reason: string } {
  return typeof value === 'object' && value !== null && 'code' in value && 'reason' in value;
}

/**
 * How long to wait before sending again after a failure that said `retryAfterSeconds`: that,
 * plus a backoff of 0.5 s doubling to 10 s with ±50 % jitter over the `failures` in a row, so
 * clients refused together do not all come back at the same instant.
 */
export function resendDelayMs(
  retryAfterSeconds: number,
  failures: number,
  random: () => number = Math.random,
): number {
  const backoff = Math.min(10_000, 500 * 2 ** failures);
  return Math.round(retryAfterSeconds * 1000 + backoff * (0.5 + random()));
}
