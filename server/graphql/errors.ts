import { GraphQLError } from 'graphql';
import { maskError as maskUnexpectedError } from 'graphql-yoga';
import { isDatabaseUnavailable, reportDatabaseUnavailable } from '../db/unavailable.ts';
import { SonnyError, serviceUnavailable } from '../errors.ts';

/**
 * The one place a domain failure becomes a GraphQL error: a {@link SonnyError} thrown anywhere
 * below a resolver keeps its message and gets `extensions.code` (plus `field` and its details);
 * a database that cannot be reached (restarting, unreachable, no free connection) becomes
 * SERVICE_UNAVAILABLE, which clients retry, logged at most once every few seconds; anything else
 * is masked as "Unexpected error." and handed to `onUnexpected` for the log. Yoga applies it to
 * HTTP and graphql-ws results alike.
 */
export function createErrorMasker(onUnexpected: (error: unknown) => void) {
  return (error: unknown, message: string, isDev?: boolean): Error => {
    const domainError = findSonnyError(error);
    if (domainError !== null) return toGraphQLError(domainError, error);
    if (isDatabaseUnavailable(error)) {
      reportDatabaseUnavailable(error);
      return toGraphQLError(serviceUnavailable(), error);
    }
    if (error instanceof GraphQLError && error.originalError === undefined) {
      // Parse and validation errors, and errors the GraphQL layer raised with a code itself.
      return error;
    }
    const masked = maskUnexpectedError(error, message, isDev);
    if (masked !== error) onUnexpected(error);
    return masked;
  };
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
