import { GraphQLError } from 'graphql';
import { maskError as maskUnexpectedError } from 'graphql-yoga';
import { ErrorCode } from '../../protocol/index.ts';
import { isDatabaseUnavailable, type UnavailableReporter } from '../db/unavailable.ts';
import { SonnyError, serviceUnavailable } from '../errors.ts';

/** The code of an error the masker hides ("Unexpected error."), as Yoga sends it. */
export const UNEXPECTED_ERROR_CODE = 'INTERNAL_SERVER_ERROR';

/** The code counted for a GraphQL error that carries none (graphql-js's own). */
export const UNCODED_GRAPHQL_ERROR = 'GRAPHQL_ERROR';

/** What an error raised below a resolver is, for the client. */
type Kind =
  | { readonly kind: 'domain'; readonly error: SonnyError }
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'graphql'; readonly error: GraphQLError }
  | { readonly kind: 'unexpected' };

function classify(error: unknown): Kind {
  const domainError = findSonnyError(error);
  if (domainError !== null) return { kind: 'domain', error: domainError };
  if (isDatabaseUnavailable(error)) return { kind: 'unavailable' };
  if (error instanceof GraphQLError && raisedAsGraphQLError(error)) {
    // Parse and validation errors, and errors the GraphQL layer raised with a code itself.
    return { kind: 'graphql', error };
  }
  return { kind: 'unexpected' };
}

/** True when nothing but GraphQL errors lies beneath `error`: Yoga's masking passes those. */
function raisedAsGraphQLError(error: GraphQLError): boolean {
  let inner: unknown = error.originalError;
  while (inner instanceof GraphQLError) inner = inner.originalError;
  return inner === undefined || inner === null;
}

/**
 * The one place a domain failure becomes a GraphQL error: a {@link SonnyError} thrown anywhere
 * below a resolver keeps its message and gets `extensions.code` (plus `field` and its details);
 * a database that cannot be reached (restarting, unreachable, no free connection) becomes
 * SERVICE_UNAVAILABLE, which clients retry, told to `onUnavailable` (which logs at most once
 * every few seconds); anything else is masked as "Unexpected error." and handed to
 * `onUnexpected` for the log. Yoga applies it to HTTP and graphql-ws results alike.
 */
export function createErrorMasker(handlers: {
  readonly onUnexpected: (error: unknown) => void;
  readonly onUnavailable: UnavailableReporter;
}) {
  return (error: unknown, message: string, isDev?: boolean): Error => {
    const found = classify(error);
    switch (found.kind) {
      case 'domain':
        return toGraphQLError(found.error, error);
      case 'unavailable':
        handlers.onUnavailable(error);
        return toGraphQLError(serviceUnavailable(), error);
      case 'graphql':
        return found.error;
      case 'unexpected': {
        const masked = maskUnexpectedError(error, message, isDev);
        if (masked !== error) handlers.onUnexpected(error);
        return masked;
      }
    }
  };
}

/**
 * The `extensions.code` the client gets for `error` once masked, read before masking (for logs
 * and metrics): the domain's code, SERVICE_UNAVAILABLE, a GraphQL error's own code, or
 * {@link UNEXPECTED_ERROR_CODE}.
 */
export function errorCodeOf(error: unknown): string {
  const found = classify(error);
  switch (found.kind) {
    case 'domain':
      return found.error.code;
    case 'unavailable':
      return ErrorCode.SERVICE_UNAVAILABLE;
    case 'graphql': {
      const code = found.error.extensions.code;
      return typeof code === 'string' ? code : UNCODED_GRAPHQL_ERROR;
    }
    case 'unexpected':
      return UNEXPECTED_ERROR_CODE;
  }
}

function findSonnyError(error: unknown): SonnyError | null {
  if (error instanceof SonnyError) return error;
  if (error instanceof GraphQLError && error.originalError instanceof SonnyError) {
    return error.originalError;
  }
  return null;
}

function toGraphQLError(domainError: SonnyError, raised: unknown): GraphQLError {
  const located = raised instanceof GraphQLError ? raised : undefined;
  const field = domainError.field === null ? {} : { field: domainError.field };
  return new GraphQLError(domainError.message, {
    nodes: located?.nodes,
    source: located?.source,
    positions: located?.positions,
    path: located?.path,
    extensions: { ...domainError.details, ...field, code: domainError.code },
  });
}
