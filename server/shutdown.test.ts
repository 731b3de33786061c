import { describe, expect, it } from 'vitest';
import { CloseCode } from '../protocol/index.ts';
import { connectDatabase } from './db/connect.ts';
import { freshGet, slowPost } from './test/fresh-http.ts';
import {
  newVisitorId,
  openWidgetSocket,
  TEST_SECRET_KEY,
  type WidgetSocket,
} from './test/harness.ts';
import { REPLY_TO_CONVERSATION, SEND_MESSAGE } from './test/operations.ts';
import { childProcesses } from './test/processes.ts';
import { type SeededWorkspace, seedWorkspace } from './test/seed.ts';

/**
 * Graceful shutdown of the real server process under traffic: SIGTERM lets what is in flight
 * finish, closes every socket with 1012 and exits 0; a second signal exits at once. Runs on
 * Postgres (and Redis) when the environment has them, otherwise on an embedded database.
 */

const processes = childProcesses();

/** The server's environment: this one's database and Redis, or a fresh embedded database. */
function serverEnv(extra: Record<string, string>): { env: NodeJS.ProcessEnv; dataDir: string } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['PUBLIC_URL', 'PORT', 'HOST', 'SONNY_DATA_DIR']) delete env[name];
  const dataDir = processes.tempDir('sonny-shutdown-');
  return {
    env: {
      ...env,
      SONNY_DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      // On a shared Postgres, the key every test server seals identity secrets with.
      SONNY_SECRET_KEY: Buffer.from(TEST_SECRET_KEY).toString('base64'),
      ...extra,
    },
    dataDir,
  };
}

/** A workspace and a logged-in agent, written before the server starts. */
function seed(dataDir: string): Promise<SeededWorkspace> {
  return seedWorkspace({ databaseUrl: process.env.DATABASE_URL || null, dataDir }, 'Shutdown test');
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) =>
      setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms),
    ),
  ]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One visitor sending messages one after the other until its socket closes. */
interface Chatter {
  readonly socket: WidgetSocket;
  /** The clientMessageIds the server acknowledged. */
  readonly acknowledged: string[];
  /** The visitor's conversation, once a message was acknowledged. */
  readonly conversationId: string | null;
  /** Resolves once the socket closed or every message went. */
  readonly done: Promise<void>;
}

/** Most messages a visitor sends: under the rate limit, so every send is accepted. */
const MAX_MESSAGES = 18;

function chatter(wsUrl: string, siteId: string): Chatter {
  const socket = openWidgetSocket(wsUrl, { siteId, visitorId: newVisitorId() });
  const acknowledged: string[] = [];
  let conversationId: string | null = null;
  const done = (async () => {
    await socket.joined;
    for (let index = 0; index < MAX_MESSAGES; index++) {
      const id = `m${index}`;
      let result: Awaited<ReturnType<WidgetSocket['execute']>>;
      try {
        result = await socket.execute(SEND_MESSAGE, { body: `message ${index}`, id });
      } catch {
        return; // the socket closed before the answer: not acknowledged
      }
      if (result.errors !== undefined) throw new Error(JSON.stringify(result.errors));
      acknowledged.push(id);
      conversationId = result.data?.sendMessage.conversationId;
      await sleep(Math.random() * 40);
    }
  })();
  return {
    socket,
    acknowledged,
    get conversationId() {
      return conversationId;
    },
    done,
  };
}

describe('SIGTERM', () => {
  it('finishes what is in flight, closes every socket with 1012, stores each acknowledged message once and exits 0', async () => {
    const { env, dataDir } = serverEnv({ SHUTDOWN_TIMEOUT: '10' });
    const { siteId, token } = await seed(dataDir);
    const server = await processes.startServer(env);
    const wsUrl = server.graphqlUrl.replace(/^http/, 'ws');

    const chatters = Array.from({ length: 6 }, () => chatter(wsUrl, siteId));
    while (chatters.some((one) => one.acknowledged.length < 2)) await sleep(20);
    const conversationId = chatters[0]?.conversationId;
    const reply = await slowPost(
      server.graphqlUrl,
      JSON.stringify({
        query: REPLY_TO_CONVERSATION,
        variables: { conversationId, body: 'late', id: 'late' },
      }),
      token,
    );
    server.child.kill('SIGTERM');
    await server.waitFor(/SIGTERM received/, 10_000);
    // Draining: still answering, but only to say no; new sockets are turned away.
    const readiness = await freshGet(`${server.origin}/readyz`);
    expect(readiness.status).toBe(503);
    expect(JSON.parse(readiness.body)).toMatchObject({
      status: 'draining',
      checks: { draining: { ok: false, error: 'shutting down' } },
    });
    // The process still lives: liveness says so.
    expect((await freshGet(`${server.origin}/healthz`)).status).toBe(200);
    expect(await freshGet(`${server.origin}/inbox`)).toEqual({
      status: 503,
      body: 'The server is shutting down.',
    });
    const newcomer = openWidgetSocket(wsUrl, { siteId, visitorId: newVisitorId() });
    expect((await newcomer.closed).code).toBe(CloseCode.ServiceRestart);
    expect(server.child.exitCode).toBeNull();

    // The request that was in flight is answered in full.
    reply.finish();
    const answered = await reply.answered;
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.body)).toMatchObject({ data: { replyToConversation: {} } });

    expect((await within(server.closed, 15_000, 'The exit after SIGTERM')).code).toBe(0);
    for (const one of chatters) {
      await one.done;
      expect((await one.socket.closed).code).toBe(CloseCode.ServiceRestart);
    }

    const database = await connectDatabase({
      databaseUrl: process.env.DATABASE_URL || null,
      dataDir,
    });
    try {
      for (const one of chatters) {
        const stored = await database.db
          .selectFrom('messages')
          .select('client_message_id')
          .where('conversation_id', '=', one.conversationId ?? '')
          .where('author', '=', 'visitor')
          .execute();
        const ids = stored.map((row) => row.client_message_id);
        expect(ids.sort()).toEqual([...one.acknowledged].sort());
      }
      const late = await database.db
        .selectFrom('messages')
        .select('body')
        .where('conversation_id', '=', conversationId ?? '')
        .where('author', '=', 'agent')
        .execute();
      expect(late).toEqual([{ body: 'late' }]);
    } finally {
      await database.close();
    }
    expect(server.stdout()).toContain('SIGTERM received');
  }, 120_000);

  it('exits at once on a second signal, without waiting for what is in flight', async () => {
    const { env, dataDir } = serverEnv({ SHUTDOWN_TIMEOUT: '60' });
    const { token } = await seed(dataDir);
    const server = await processes.startServer(env);
    // Never finished: the drain would wait the whole SHUTDOWN_TIMEOUT for it.
    const held = await slowPost(
      server.graphqlUrl,
      JSON.stringify({ query: '{ me { email } }' }),
      token,
    );
    held.answered.catch(() => {});

    server.child.kill('SIGTERM');
    await server.waitFor(/SIGTERM received/, 10_000);
    await sleep(1_000);
    expect(server.child.exitCode).toBeNull();
    server.child.kill('SIGTERM');
    // At once: far within the 60 s the first signal would wait.
    const { code } = await within(server.closed, 5_000, 'The exit after a second SIGTERM');
    expect(code).toBe(143);
    expect(server.stdout()).toContain('SIGTERM received again: exiting now.');
  }, 90_000);
});
