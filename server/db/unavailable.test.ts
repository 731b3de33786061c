import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { badUserInput } from '../errors.ts';
import { freePort } from '../test/postgres-cluster.ts';
import { describeError, isDatabaseUnavailable } from './unavailable.ts';

/** What `pg` throws when nothing listens where DATABASE_URL points. */
async function refusedConnection(): Promise<unknown> {
  const client = new pg.Client({ host: '127.0.0.1', port: await freePort(), user: 'sonny' });
  try {
    await client.connect();
  } catch (error) {
    return error;
  }
  throw new Error('connected to a port nothing listens on');
}

describe('isDatabaseUnavailable', () => {
  it('recognises a refused connection, however it is wrapped', async () => {
    const refused = await refusedConnection();

    expect(isDatabaseUnavailable(refused)).toBe(true);
    // As GraphQL wraps what a resolver throws (the domain never imports graphql).
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { originalError: refused }))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(new Error('outer', { cause: refused }))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([new Error('a'), refused]))).toBe(true);
  });

  it('recognises connection-class SQLSTATEs and pg’s connection messages', () => {
    for (const code of ['57P01', '57P02', '57P03', '08006', '08001', '53300', '57014']) {
      expect(isDatabaseUnavailable(Object.assign(new Error('pg'), { code }))).toBe(true);
    }
    for (const message of [
      'Connection terminated unexpectedly',
      'Connection terminated due to connection timeout',
      'timeout exceeded when trying to connect',
      'Client has encountered a connection error and is not queryable',
    ]) {
      expect(isDatabaseUnavailable(new Error(message))).toBe(true);
    }
  });

  it('leaves every other failure alone: a bad query, an expected error, anything else', () => {
    for (const code of ['42601', '23505', '40001', '28P01', '3D000']) {
      expect(isDatabaseUnavailable(Object.assign(new Error('pg'), { code }))).toBe(false);
    }
    expect(isDatabaseUnavailable(badUserInput('input.body', 'Too long.'))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
    const loop = new Error('loop');
    loop.cause = loop;
    expect(isDatabaseUnavailable(loop)).toBe(false);
  });
});

describe('describeError', () => {
  it('names the code beside the message, or alone when there is no message', async () => {
    const refused = await refusedConnection();

    expect(describeError(refused)).toContain('ECONNREFUSED');
    expect(describeError(Object.assign(new Error('shutting down'), { code: '57P03' }))).toBe(
      'shutting down (57P03)',
    );
    expect(describeError(new Error('plain'))).toBe('plain');
  });
});
