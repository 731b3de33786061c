import { ErrorCode } from '../protocol/index.ts';

/**
 * An expected failure, as a domain fact: a code from the contract, a sentence for the client,
 * the argument at fault and any details the client needs to act on it (`retryAfterSeconds`).
 * The GraphQL layer alone turns it into a `GraphQLError` with `extensions.code`
 * (`server/graphql/errors.ts`); everything else is masked there.
 */
export class SonnyError extends Error {
  readonly code: ErrorCode;
  /** The input path as the client wrote it, e.g. `input.email`. */
  readonly field: string | null;
  /** Extra facts for the client, sent beside `code` in `extensions`. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { field?: string; details?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'SonnyError';
    this.code = code;
    this.field = options.field ?? null;
    this.details = options.details ?? {};
  }
}

/** A bad argument: `field` is the input path as the client wrote it, e.g. `input.email`. */
export function badUserInput(field: string, message: string): SonnyError {
  return new SonnyError(ErrorCode.BAD_USER_INPUT, message, { field });
}

/** The object does not exist or belongs to another workspace: the answer is the same. */
export function notFound(what: string): SonnyError {
  return new SonnyError(ErrorCode.NOT_FOUND, `No ${what} with this id.`);
}

/** How long a client should wait before retrying after SERVICE_UNAVAILABLE. */
export const SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

/** The database is briefly unavailable: the client retries the same operation a little later. */
export function serviceUnavailable(): SonnyError {
  return new SonnyError(
    ErrorCode.SERVICE_UNAVAILABLE,
    'The service is briefly unavailable; try again shortly.',
    { details: { retryAfterSeconds: SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS } },
  );
}
