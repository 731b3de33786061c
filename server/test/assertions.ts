import { expect } from 'vitest';
import { SonnyError } from '../errors.ts';

/** Runs `fn`, expects it to throw, and returns what it threw. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw, but it returned');
}

/** Asserts `fn` fails the way a client sees it: BAD_USER_INPUT naming `field`. */
export function expectBadUserInput(fn: () => unknown, field: string): SonnyError {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(SonnyError);
  expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field });
  return error as SonnyError;
}
