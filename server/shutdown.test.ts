import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../protocol/index.ts';
import { createAgent, login } from './access/agents.ts';
import { createWorkspace } from './access/workspaces.ts';
import { connectDatabase } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import { newVisitorId, openWidgetSocket, uniqueEmail, type WidgetSocket } from './test/harness.ts';
import { killAll, startServerProcess } from './test/processes.ts';

/**
 * Graceful shutdown of the real server process under traffic: SIGTERM lets what is in flight
 * finish, closes every socket with 1012 and exits 0; a second signal exits at once. Runs on
 * Postgres (and Redis) when the environment has them, otherwise on an embedded database.
 */

const children = new Set<ChildProcess>();
const tempDirs: string[] = [];

afterEach(async () => {
  await killAll(children);
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** The server's environment: this one's database and Redis, or a fresh embedded database. */
function serverEnv(extra: Record<string, string>): { env: NodeJS.ProcessEnv; dataDir: string } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['PUBLIC_URL', 'PORT', 'HOST', 'SONNY_DATA_DIR']) delete env[name];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sonny-shutdown-'));
  tempDirs.push(dataDir);
  return {
    env: { ...env, SONNY_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', ...extra },
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
    const { workspace } = await createWorkspace(database.db, 'Shutdown test');
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
 * A POST whose body arrives in two parts: the server has it in flight from the first part on,
 * and answers once `finish()` sent the rest. A fresh connection, not a pooled one.
 */
function slowPost(url: string, body: string, token: string) {
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
  const half = Math.floor(body.length / 2);
  request.write(body.slice(0, half));
  return { answered, finish: () => request.end(body.slice(half)) };
}

/** A GET on a fresh connection: its status, or the connection error's code. */
function freshGet(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    http
      .get(url, { agent: false }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
      .on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
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
    const server = await startServerProcess(children, env);
    const wsUrl = server.graphqlUrl.replace(/^http/, 'ws');

    const chatters = Array.from({ length: 6 }, () => chatter(wsUrl, siteId));
    while (chatters.some((one) => one.acknowledged.length < 2)) await sleep(20);
    const conversationId = chatters[0]?.conversationId;
    const reply = slowPost(
      server.graphqlUrl,
      JSON.stringify({ query: REPLY, variables: { conversationId, body: 'late', id: 'late' } }),
      token,
    );
    await sleep(100);

    server.child.kill('SIGTERM');
    await sleep(300);
    // Draining: still answering, but only to say no; new sockets are turned away.
    expect(await freshGet(`${new URL(server.graphqlUrl).origin}/readyz`)).toBe(503);
    const newcomer = openWidgetSocket(wsUrl, { siteId, visitorId: newVisitorId() });
    expect((await newcomer.closed).code).toBe(CloseCode.ServiceRestart);
    expect(server.child.exitCode).toBeNull();

    // The request that was in flight is answered in full.
    reply.finish();
    const answered = await reply.answered;
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.body)).toMatchObject({ data: { replyToConversation: {} } });

    expect(await within(server.exited, 15_000, 'The exit after SIGTERM')).toBe(0);
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
  }, 90_000);

  it('exits at once on a second signal, without waiting for what is in flight', async () => {
    const { env, dataDir } = serverEnv({ SHUTDOWN_TIMEOUT: '60' });
    const { token } = await seed(dataDir);
    const server = await startServerProcess(children, env);
    // Never finished: the drain would wait the whole SHUTDOWN_TIMEOUT for it.
    slowPost(
      server.graphqlUrl,
      JSON.stringify({ query: '{ me { email } }' }),
      token,
    ).answered.catch(() => {});
    await sleep(100);

    server.child.kill('SIGTERM');
    await sleep(500);
    expect(server.child.exitCode).toBeNull();
    const signalledAgain = Date.now();
    server.child.kill('SIGTERM');
    expect(await within(server.exited, 5_000, 'The exit after a second SIGTERM')).toBe(143);
    expect(Date.now() - signalledAgain).toBeLessThan(2_000);
  }, 60_000);
});
