import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { CloseCode } from '../protocol/index.ts';
import { createAgent, login } from './access/agents.ts';
import { secretBox } from './access/secret-box.ts';
import { createWorkspace } from './access/workspaces.ts';
import { connectDatabase } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import {
  newVisitorId,
  openWidgetSocket,
  TEST_SECRET_KEY,
  uniqueEmail,
  type WidgetSocket,
} from './test/harness.ts';
import { childProcesses } from './test/processes.ts';

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
async function seed(dataDir: string): Promise<{ siteId: string; token: string }> {
  const database = await connectDatabase({
    databaseUrl: process.env.DATABASE_URL || null,
    dataDir,
  });
  try {
    await migrateToLatest(database.db);
    const { workspace } = await createWorkspace(
      database.db,
      secretBox(TEST_SECRET_KEY),
      'Shutdown test',
    );
    const email = uniqueEmail('agent');
    const password = `pw-${randomUUID()}`;
    await createAgent(database.db, { workspaceId: workspace.id, email, name: 'Al', password });
    const { token } = await login(database.db, email, password);
    return { siteId: workspace.site_id, token };
  } finally {
    await database.close();
  }
}

/**
 * A POST whose body arrives in two parts, on a fresh connection. It resolves once the server
 * has the request in flight: it asked for `Expect: 100-continue`, and Node answers that right
 * as it hands the request to the server. The server answers once `finish()` sent the rest.
 */
async function slowPost(url: string, body: string, token: string) {
  const { hostname, port, pathname } = new URL(url);
  const request = http.request({
    hostname,
    port,
    path: pathname,
    method: 'POST',
    agent: false,
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      authorization: `Bearer ${token}`,
      expect: '100-continue',
    },
  });
  const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
  });
  request.flushHeaders();
  await Promise.race([once(request, 'continue'), answered]);
  const half = Math.floor(body.length / 2);
  request.write(body.slice(0, half));
  return { answered, finish: () => request.end(body.slice(half)) };
}

/** A GET on a fresh connection: its status and body. */
function freshGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
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

const SEND = `mutation ($body: String!, $id: ID!) {
  sendMessage(input: { body: $body, clientMessageId: $id }) { id conversationId }
}`;
const REPLY = `mutation ($conversationId: ID!, $body: String!, $id: ID!) {
  replyToConversation(input: { conversationId: $conversationId, body: $body, clientMessageId: $id }) { id }
}`;

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
        result = await socket.execute(SEND, { body: `message ${index}`, id });
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
      JSON.stringify({ query: REPLY, variables: { conversationId, body: 'late', id: 'late' } }),
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
