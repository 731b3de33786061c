import { GraphQLError } from 'graphql';

/** Every error code a client can receive in `extensions.code`. */
export const ErrorCode = {
  /** An argument failed validation; `extensions.field` names it. */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** The operation needs a joined visitor (or, later, an agent or key) and there is none. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The visitor is already bound to a different contact; reset first. */
  IDENTITY_CONFLICT: 'IDENTITY_CONFLICT',
  /** The operation exceeds a documented limit (nesting depth); nothing was executed. */
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** Too many requests of this kind; `extensions.retryAfterSeconds` says when to try again. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The object does not exist, or the caller may not see it: the two are indistinguishable. */
  NOT_FOUND: 'NOT_FOUND',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An expected failure: shown to the client as is, never masked. */
export class SonnyError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.name = 'SonnyError';
    this.code = code;
  }
}

/** A bad argument: `field` is the input path as the client wrote it, e.g. `input.email`. */
export function badUserInput(field: string, message: string): SonnyError {
  return new SonnyError(ErrorCode.BAD_USER_INPUT, message, { field });
}
