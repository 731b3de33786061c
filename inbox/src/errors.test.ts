import { GraphQLError } from 'graphql';
import { CombinedError } from 'urql';
import { describe, expect, it } from 'vitest';
import { toInboxError } from './errors.ts';

describe('toInboxError', () => {
  it('keeps the server’s words for input errors, with the field', () => {
    const error = new CombinedError({
      graphQLErrors: [
        new GraphQLError('Body is empty.', {
          extensions: { code: 'BAD_USER_INPUT', field: 'input.body' },
        }),
      ],
    });
    expect(toInboxError(error)).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'Body is empty.',
      field: 'input.body',
    });
  });

  it('puts known codes in words for agents', () => {
    const error = new CombinedError({
      graphQLErrors: [new GraphQLError('no', { extensions: { code: 'RATE_LIMITED' } })],
    });
    expect(toInboxError(error).message).toBe('Too many requests. Wait a moment and try again.');
  });

  it('names a network failure, a refused socket and anything else', () => {
    expect(toInboxError(new CombinedError({ networkError: new Error('fetch failed') }))).toEqual({
      code: 'NETWORK_ERROR',
      message: 'Cannot reach the Sonny server. Check the connection and try again.',
      field: null,
    });
    expect(toInboxError({ code: 4401, reason: 'Bad token' }).code).toBe('UNAUTHENTICATED');
    expect(toInboxError({ code: 1006, reason: '' }).code).toBe('NETWORK_ERROR');
    expect(toInboxError(new TypeError('Failed to fetch')).code).toBe('NETWORK_ERROR');
    expect(toInboxError(new Error('bug')).code).toBe('UNEXPECTED');
  });
});
