import { GraphQLError, Kind } from 'graphql';
import { builder } from '../builder.ts';

/** An instant, as an ISO 8601 string with time zone. */
builder.scalarType('DateTime', {
  description: 'An instant in time, as an ISO 8601 string in UTC, e.g. 2026-11-24T10:00:00.000Z.',
  serialize: (value) =>
    value instanceof Date ? value.toISOString() : new Date(value).toISOString(),
  parseValue: (value) => parseDateTime(value),
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : null),
});

function parseDateTime(value: unknown): Date {
  const date = typeof value === 'string' ? new Date(value) : null;
  if (date === null || Number.isNaN(date.getTime())) {
    throw new GraphQLError('DateTime must be an ISO 8601 string.', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return date;
}
