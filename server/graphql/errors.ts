import { GraphQLError } from 'graphql';

/** Every error code a client can receive in `extensions.code`. */
export const ErrorCode = {
  /** An argument failed validation; `extensions.field` names it. */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** The operation needs a credential (a joined visitor, an agent or an API key) and has none valid. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The credential is valid but of a kind this operation does not accept (a key where agents only). */
  FORBIDDEN: 'FORBIDDEN',
  /** The identity token was signed for another email, with an unknown kid, or tampered with. */
  IDENTITY_VERIFICATION_FAILED: 'IDENTITY_VERIFICATION_FAILED',
  /** The identity token's `exp` has passed. */
  IDENTITY_TOKEN_EXPIRED: 'IDENTITY_TOKEN_EXPIRED',
  /** The workspace accepts only verified identifies (`requireVerifiedIdentity`). */
  IDENTITY_VERIFICATION_REQUIRED: 'IDENTITY_VERIFICATION_REQUIRED',
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

/** The object does not exist or belongs to another workspace: the answer is the same. */
export function notFound(what: string): SonnyError {
  return new SonnyError(ErrorCode.NOT_FOUND, `No ${what} with this id.`);
}
