import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../protocol/index.ts';
import { codeOf, newVisitorId, startTestServer, type TestServer } from '../test/harness.ts';
import {
  type PostgresCluster,
  postgresBinDir,
  startPostgresCluster,
} from '../test/postgres-cluster.ts';
import type { Db } from './database.ts';

/**
 * The pool's limits on a Postgres of this file's own: DATABASE_POOL_SIZE connections at most,
 * an operation that cannot get one within DATABASE_ACQUIRE_TIMEOUT answers SERVICE_UNAVAILABLE,
 * and a statement that runs past DATABASE_STATEMENT_TIMEOUT is cancelled the same way.
 */

const POOL_SIZE = 2;
const ACQUIRE_TIMEOUT_MS = 1_000;
const STATEMENT_TIMEOUT_MS = 1_000;
const ME = 'query { me { id } }';
const SEND = `mutation ($input: SendMessageInput!) {
  sendMessage(input: $input) { id clientMessageId } }`;

const binDir = postgresBinDir();

/** A transaction that keeps its connection, running `first` in it, until released. */
function holdConnection(db: Db, first = sql`select 1`) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let signalHeld!: () => void;
  const held = new Promise<void>((resolve) => {
    signalHeld = resolve;
  });
  const finished = db.transaction().execute(async (trx) => {
    await first.execute(trx);
    signalHeld();
    await released;
  });
  return {
    held,
    async release() {
      release();
      await finished;
    },
  };
}

describe.skipIf(binDir === null)('a saturated pool', () => {
  let cluster: PostgresCluster;
  let server: TestServer;

  beforeAll(async () => {
    cluster = await startPostgresCluster(binDir as string);
    server = await startTestServer({
      databaseUrl: cluster.url(),
      redisUrl: null,
      databasePoolSize: POOL_SIZE,
      databaseAcquireTimeoutMs: ACQUIRE_TIMEOUT_MS,
      databaseStatementTimeoutMs: STATEMENT_TIMEOUT_MS,
    });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await cluster?.destroy();
  });

  it('serves with one of its DATABASE_POOL_SIZE connections held, and answers SERVICE_UNAVAILABLE after DATABASE_ACQUIRE_TIMEOUT with all held', async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    const visitor = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
    await visitor.joined;

    const first = holdConnection(server.app.db);
    await first.held;
    expect(codeOf(await server.http(ME, {}, agent.token))).toBeUndefined();

    const second = holdConnection(server.app.db);
    await second.held;
    try {
      const startedAt = Date.now();
      const refused = await server.http(ME, {}, agent.token);
      const elapsed = Date.now() - startedAt;

      expect(refused.errors).toMatchObject([
        {
          message: 'The service is briefly unavailable; try again shortly.',
          extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 2 },
        },
      ]);
      expect(elapsed).toBeGreaterThanOrEqual(ACQUIRE_TIMEOUT_MS - 50);
      expect(elapsed).toBeLessThan(ACQUIRE_TIMEOUT_MS + 2_000);

      const sent = await visitor.execute(SEND, { input: { body: 'Hi', clientMessageId: 'm1' } });
      expect(codeOf(sent)).toBe('SERVICE_UNAVAILABLE');

      const events = visitor.subscribe('subscription { visitorEvents { __typename } }');
      expect(codeOf(await events.next())).toBe('SERVICE_UNAVAILABLE');
      await events.close();

      const joining = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
      expect((await joining.closed).code).toBe(CloseCode.TryAgainLater);
    } finally {
      await second.release();
    }

    expect((await server.http(ME, {}, agent.token)).data?.me.id).toBe(agent.id);
    const resent = await visitor.execute(SEND, { input: { body: 'Hi', clientMessageId: 'm1' } });
    expect(resent.data?.sendMessage.clientMessageId).toBe('m1');
    await first.release();
  });

  it('cancels a statement stuck past DATABASE_STATEMENT_TIMEOUT with SERVICE_UNAVAILABLE; the resend is stored once', async () => {
    const site = await server.createWorkspace();
    const visitor = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
    await visitor.joined;
    const { data } = await visitor.execute('query { visitor { id } }');
    const visitorRowId = data?.visitor.id as string;

    // Another writer holds the visitor's row: sending waits for it, longer than allowed.
    const writer = holdConnection(
      server.app.db,
      sql`select id from visitors where id = ${visitorRowId} for update`,
    );
    await writer.held;
    let refusedAfter: number;
    try {
      const startedAt = Date.now();
      const refused = await visitor.execute(SEND, {
        input: { body: 'Stuck', clientMessageId: 'stuck-1' },
      });
      refusedAfter = Date.now() - startedAt;
      expect(refused.errors).toMatchObject([
        { extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 2 } },
      ]);
    } finally {
      await writer.release();
    }
    expect(refusedAfter).toBeGreaterThanOrEqual(STATEMENT_TIMEOUT_MS - 50);
    expect(refusedAfter).toBeLessThan(STATEMENT_TIMEOUT_MS + 2_000);

    const resent = await visitor.execute(SEND, {
      input: { body: 'Stuck', clientMessageId: 'stuck-1' },
    });
    expect(resent.data?.sendMessage.clientMessageId).toBe('stuck-1');
    const stored = await server.app.db
      .selectFrom('messages')
      .select('body')
      .where('author_visitor_id', '=', visitorRowId)
      .execute();
    expect(stored).toEqual([{ body: 'Stuck' }]);
  });
});
