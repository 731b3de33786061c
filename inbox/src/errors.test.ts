import { GraphQLError } from 'graphql';
import { CombinedError } from 'urql';
import { describe, expect, it } from 'vitest';
import { resendDelayMs, toInboxError } from './errors.ts';

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
      retryAfterSeconds: null,
    });
  });

  it('puts known codes in words for agents', () => {
    const error = new CombinedError({
      graphQLErrors: [new GraphQLError('no', { extensions: { code: 'RATE_LIMITED' } })],
    });
    expect(toInboxError(error).message).toBe('Too many requests. Wait a moment and try again.');
  });

  it('says when a temporary refusal may be sent again', () => {
    const error = new CombinedError({
      graphQLErrors: [
        new GraphQLError('The service is briefly unavailable; try again shortly.', {
          extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 2 },
        }),
      ],
    });
    expect(toInboxError(error)).toEqual({
      code: 'SERVICE_UNAVAILABLE',
      message: 'The server is briefly unavailable. Try again in a moment.',
      field: null,
      retryAfterSeconds: 2,
    });
  });

  it('names a network failure, a refused socket and anything else', () => {
    expect(toInboxError(new CombinedError({ networkError: new Error('fetch failed') }))).toEqual({
      code: 'NETWORK_ERROR',
      message: 'Cannot reach the Sonny server. Check the connection and try again.',
      field: null,
      retryAfterSeconds: null,
    });
    expect(toInboxError({ code: 4401, reason: 'Bad token' }).code).toBe('UNAUTHENTICATED');
    expect(toInboxError({ code: 1006, reason: '' }).code).toBe('NETWORK_ERROR');
    expect(toInboxError(new TypeError('Failed to fetch')).code).toBe('NETWORK_ERROR');
    expect(toInboxError(new Error('bug')).code).toBe('UNEXPECTED');
  });
});

describe('resendDelayMs', () => {
  it('waits the server’s time plus a jittered backoff that doubles per failure up to 10 s', () => {
    const low = () => 0;
    const high = () => 0.999_999;
    expect(resendDelayMs(2, 0, low)).toBe(2_250);
    expect(resendDelayMs(2, 0, high)).toBe(2_750);
    expect(resendDelayMs(2, 3, low)).toBe(4_000);
    expect(resendDelayMs(0, 10, low)).toBe(5_000);
    expect(resendDelayMs(0, 40, high)).toBe(15_000);
  });
});
