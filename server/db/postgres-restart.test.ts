import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, GRAPHQL_PATH } from '../../protocol/index.ts';
import { createAgent, login } from '../access/agents.ts';
import { secretBox } from '../access/secret-box.ts';
import { createWorkspace } from '../access/workspaces.ts';
import { IN_MEMORY_DATA_DIR } from '../config.ts';
import { READINESS_PATH } from '../ops/readiness.ts';
import {
  codeOf,
  newVisitorId,
  openWidgetSocket,
  type Result,
  type WidgetSocket,
} from '../test/harness.ts';
import {
  freePort,
  type PostgresCluster,
  postgresBinDir,
  type ShutdownMode,
  startPostgresCluster,
} from '../test/postgres-cluster.ts';
import { childProcesses, type ServerProcess } from '../test/processes.ts';
import { connectDatabase } from './connect.ts';

/**
 * Postgres restarted under traffic, for real: a cluster of this file's own, a Sonny server
 * process on it, visitors and an agent sending messages while Postgres is stopped (`-m fast`,
 * then `-m immediate`) and started again. The server must live through it, answer
 * SERVICE_UNAVAILABLE quickly during the outage, recover within 5 s, and store every
 * acknowledged message exactly once.
 */

/** Set for the server under test: an operation waits at most this long for a connection. */
const ACQUIRE_TIMEOUT_SECONDS = 2;
/** How long a failing operation may take to answer during an outage: "a few seconds". */
const MAX_FAILURE_MS = 4_000;
/** Every operation started this long after Postgres accepts connections again succeeds. */
const RECOVERY_MS = 5_000;
/** Between two attempts of one client: keeps a visitor under its 20-messages-in-10-s limit. */
const VISITOR_ATTEMPT_INTERVAL_MS = 600;
const AGENT_ATTEMPT_INTERVAL_MS = 250;
const VISITORS = 3;

const binDir = postgresBinDir();
const processes = childProcesses();

/** The server's environment: this cluster, nothing of the runner's database or Redis. */
function serverEnv(databaseUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['REDIS_URL', 'PUBLIC_URL', 'SONNY_DATA_DIR']) delete env[name];
  return { ...env, DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', ...extra };
}

function startServer(databaseUrl: string, extra: Record<string, string> = {}): ServerProcess {
  return processes.server(serverEnv(databaseUrl, extra));
}

/** One try of one operation, as the client saw it. */
interface Attempt {
  readonly client: string;
  readonly startedAt: number;
  readonly endedAt: number;
  /** `ok`, the error's `extensions.code`, or `transport: …` when no answer came. */
  readonly outcome: string;
  readonly message?: string;
}

/** A message whose send the server acknowledged. */
interface Acknowledged {
  readonly author: 'visitor' | 'agent';
  readonly clientMessageId: string;
  readonly body: string;
  readonly messageId: string;
}

interface Traffic {
  readonly attempts: Attempt[];
  readonly acknowledged: Acknowledged[];
  /** Stops starting new messages; resolves once every client's last message is stored. */
  finish(): Promise<void>;
}

/**
 * Runs clients that each send messages one after another and resend a refused one with the
 * same clientMessageId until it is acknowledged, as the widget and the inbox do.
 */
function runTraffic(
  clients: ReadonlyArray<{
    readonly name: string;
    readonly author: 'visitor' | 'agent';
    readonly intervalMs: number;
    /** Sends message `body` with `clientMessageId`; resolves with the result and its field. */
    send(body: string, clientMessageId: string): Promise<{ result: Result; field: string }>;
  }>,
): Traffic {
  const attempts: Attempt[] = [];
  const acknowledged: Acknowledged[] = [];
  let finishing = false;
  const loops = clients.map(async (client) => {
    for (let seq = 0; !finishing; seq++) {
      const clientMessageId = `${client.name}-${seq}`;
      const body = `${client.name} message ${seq} ${randomUUID()}`;
      for (;;) {
        const startedAt = Date.now();
        let outcome: string;
        let message: string | undefined;
        let messageId: string | undefined;
        try {
          const { result, field } = await client.send(body, clientMessageId);
          const code = codeOf(result);
          messageId = result.data?.[field]?.id;
          outcome = messageId !== undefined ? 'ok' : String(code);
          message = result.errors?.[0]?.message;
        } catch (error) {
          outcome = `transport: ${describeFailure(error)}`;
        }
        attempts.push({ client: client.name, startedAt, endedAt: Date.now(), outcome, message });
        await sleep(client.intervalMs);
        if (messageId !== undefined) {
          acknowledged.push({ author: client.author, clientMessageId, body, messageId });
          break;
        }
        if (outcome !== 'SERVICE_UNAVAILABLE') return; // reported by the assertions
      }
    }
  });
  return {
    attempts,
    acknowledged,
    async finish() {
      finishing = true;
      await Promise.all(loops);
    },
  };
}

/** An error, or a socket's close event, in one line. */
function describeFailure(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const { code, reason } = error as { code: unknown; reason?: unknown };
    return `closed ${String(code)} ${String(reason ?? '')}`;
  }
  return JSON.stringify(error);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    sleep(ms).then(() => {
      throw new Error(`${what}: no answer within ${ms} ms`);
    }),
  ]);
}

describe.skipIf(binDir === null)('Postgres restarted under traffic', () => {
  let cluster: PostgresCluster;

  beforeAll(async () => {
    cluster = await startPostgresCluster(binDir as string);
  }, 60_000);
  afterAll(async () => {
    await cluster?.destroy();
  });

  it('keeps the server up, answers SERVICE_UNAVAILABLE (and 503 on /readyz) during the outage, recovers within 5 s and stores every acknowledged message once', async () => {
    const server = startServer(cluster.url(), {
      DATABASE_ACQUIRE_TIMEOUT: String(ACQUIRE_TIMEOUT_SECONDS),
    });
    const origin = await server.ready();
    const graphqlUrl = `${origin}${GRAPHQL_PATH}`;
    const readiness = async () => (await fetch(`${origin}${READINESS_PATH}`)).status;
    const wsUrl = graphqlUrl.replace(/^http/, 'ws');

    // The server has migrated the database; the workspace and agent are set up beside it.
    const setup = await connectDatabase({
      databaseUrl: cluster.url(),
      dataDir: IN_MEMORY_DATA_DIR,
    });
    const { workspace } = await createWorkspace(setup.db, secretBox(null), 'Restart test');
    const email = `agent.${randomUUID().slice(0, 8)}@example.com`;
    const password = `pw-${randomUUID()}`;
    await createAgent(setup.db, { workspaceId: workspace.id, email, name: 'Ann', password });
    const { token } = await login(setup.db, email, password);
    await setup.close();

    const sockets: WidgetSocket[] = [];
    const open = (params: Record<string, unknown>) => {
      const socket = openWidgetSocket(wsUrl, params);
      sockets.push(socket);
      return socket;
    };
    const visitorIds: string[] = [];
    const visitors: WidgetSocket[] = [];
    for (let i = 0; i < VISITORS; i++) {
      const visitorId = newVisitorId();
      const socket = open({ siteId: workspace.site_id, visitorId });
      await socket.joined;
      visitorIds.push(visitorId);
      visitors.push(socket);
    }
    const agentSocket = open({ authToken: token });
    await agentSocket.joined;

    const SEND = `mutation ($input: SendMessageInput!) {
      sendMessage(input: $input) { id conversationId } }`;
    const REPLY = `mutation ($input: ReplyToConversationInput!) {
      replyToConversation(input: $input) { id } }`;
    const conversationIds: string[] = [];
    for (const [i, socket] of visitors.entries()) {
      const first = await socket.execute(SEND, {
        input: { body: 'Hello', clientMessageId: `hello-${i}` },
      });
      conversationIds.push(first.data?.sendMessage.conversationId);
    }
    const conversationFor = (clientMessageId: string) =>
      conversationIds[Number(clientMessageId.split('-').pop()) % conversationIds.length];
    const replyInput = (body: string, clientMessageId: string) => ({
      input: { conversationId: conversationFor(clientMessageId), body, clientMessageId },
    });

    const traffic = runTraffic([
      ...visitors.map((socket, i) => ({
        name: `visitor${i}`,
        author: 'visitor' as const,
        intervalMs: VISITOR_ATTEMPT_INTERVAL_MS,
        send: async (body: string, clientMessageId: string) => ({
          result: await withTimeout(
            socket.execute(SEND, { input: { body, clientMessageId } }),
            15_000,
            'sendMessage',
          ),
          field: 'sendMessage',
        }),
      })),
      {
        name: 'agentSocket',
        author: 'agent',
        intervalMs: AGENT_ATTEMPT_INTERVAL_MS,
        send: async (body, clientMessageId) => ({
          result: await withTimeout(
            // A refusal before execution comes as graphql-ws's Error message: its errors.
            agentSocket.execute(REPLY, replyInput(body, clientMessageId)).catch((error) => {
              if (Array.isArray(error)) return { errors: error } as Result;
              throw error;
            }),
            15_000,
            'replyToConversation over graphql-ws',
          ),
          field: 'replyToConversation',
        }),
      },
      {
        name: 'agentHttp',
        author: 'agent',
        intervalMs: AGENT_ATTEMPT_INTERVAL_MS,
        send: async (body, clientMessageId) => {
          const response = await fetch(graphqlUrl, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              accept: 'application/graphql-response+json',
              authorization: `Bearer ${token}`,
            },
            body: JSON.stringify({ query: REPLY, variables: replyInput(body, clientMessageId) }),
            signal: AbortSignal.timeout(15_000),
          });
          return { result: (await response.json()) as Result, field: 'replyToConversation' };
        },
      },
    ]);

    const outages: Array<{ mode: ShutdownMode; downAt: number; backAt: number }> = [];
    const joinsDuringOutage: Array<{ code: number; reason: string; ms: number }> = [];
    const readinessDuringOutage: number[] = [];
    const readinessAfterRecovery: number[] = [];
    try {
      for (const mode of ['fast', 'immediate'] as const) {
        await sleep(1_500);
        const downAt = Date.now();
        await cluster.stop(mode);
        // A widget joining now is told to come back later, quickly, in a way it retries.
        const joinStartedAt = Date.now();
        const joining = openWidgetSocket(wsUrl, {
          siteId: workspace.site_id,
          visitorId: newVisitorId(),
        });
        // A load balancer's probe says this instance cannot take traffic.
        const probed = readiness();
        const closed = await withTimeout(joining.closed, 10_000, 'a join during the outage');
        joinsDuringOutage.push({ ...closed, ms: Date.now() - joinStartedAt });
        readinessDuringOutage.push(await probed);
        await sleep(2_500);
        await cluster.start();
        outages.push({ mode, downAt, backAt: Date.now() });
        await sleep(RECOVERY_MS + 1_500);
        readinessAfterRecovery.push(await readiness());
      }
    } finally {
      await withTimeout(traffic.finish(), 30_000, 'the clients’ last messages');
    }

    // The server process lived through both restarts.
    expect(server.child.exitCode).toBe(null);
    expect(server.child.signalCode).toBe(null);

    // Every refusal was SERVICE_UNAVAILABLE, with a retry hint, and came quickly.
    const failed = traffic.attempts.filter((attempt) => attempt.outcome !== 'ok');
    expect(failed.filter((attempt) => attempt.outcome !== 'SERVICE_UNAVAILABLE')).toEqual([]);
    expect(
      failed.filter((attempt) => attempt.endedAt - attempt.startedAt > MAX_FAILURE_MS),
    ).toEqual([]);
    // The outages were felt over both transports.
    for (const client of ['visitor0', 'agentSocket', 'agentHttp']) {
      expect(failed.some((attempt) => attempt.client === client)).toBe(true);
    }
    for (const { code } of joinsDuringOutage) expect(code).toBe(CloseCode.TryAgainLater);
    expect(readinessDuringOutage).toEqual([503, 503]);
    expect(readinessAfterRecovery).toEqual([200, 200]);
    expect(joinsDuringOutage.every(({ ms }) => ms <= MAX_FAILURE_MS)).toBe(true);

    // From 5 s after Postgres was back until it was stopped again, everything succeeded.
    for (const [i, { backAt }] of outages.entries()) {
      const until = outages[i + 1]?.downAt ?? Number.POSITIVE_INFINITY;
      const late = traffic.attempts.filter(
        (attempt) => attempt.startedAt >= backAt + RECOVERY_MS && attempt.endedAt < until,
      );
      expect(late.length).toBeGreaterThan(0);
      expect(late.filter((attempt) => attempt.outcome !== 'ok')).toEqual([]);
    }

    // Every acknowledged message is stored exactly once, as acknowledged.
    const check = await connectDatabase({
      databaseUrl: cluster.url(),
      dataDir: IN_MEMORY_DATA_DIR,
    });
    try {
      const stored = await check.db
        .selectFrom('messages')
        .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
        .select(['messages.id', 'messages.author', 'messages.client_message_id', 'messages.body'])
        .where('conversations.workspace_id', '=', workspace.id)
        .where('messages.client_message_id', 'not like', 'hello-%')
        .execute();
      const storedKeys = stored.map((row) => `${row.author}:${row.client_message_id}`);
      expect(new Set(storedKeys).size).toBe(storedKeys.length);
      const byKey = new Map(stored.map((row) => [`${row.author}:${row.client_message_id}`, row]));
      for (const ack of traffic.acknowledged) {
        expect(byKey.get(`${ack.author}:${ack.clientMessageId}`)).toEqual({
          id: ack.messageId,
          author: ack.author,
          client_message_id: ack.clientMessageId,
          body: ack.body,
        });
      }
      // Nothing stored that a client did not get acknowledged in the end.
      expect(stored.length).toBe(traffic.acknowledged.length);
    } finally {
      await check.close();
    }

    // The outage was logged, and nothing was logged as an unexpected error.
    expect(server.output()).toContain('The database is unavailable');
    expect(server.output()).not.toContain('Unexpected error');
    for (const socket of sockets) await socket.dispose();
  }, 120_000);

  it('waits at start for Postgres to accept connections, one log line per attempt, never printing the password', async () => {
    await cluster.stop('fast');
    const server = startServer(cluster.url().replace('postgres@', 'postgres:s3cret@'), {
      DATABASE_CONNECT_TIMEOUT: '60',
    });
    try {
      await server.waitFor(/is not reachable \(attempt 2:/, 15_000);
    } finally {
      await cluster.start();
    }
    await server.ready(30_000);
    expect(server.output()).toContain('Sonny is running on Postgres');

    const lines = server.output().split('\n');
    const attempts = lines.filter((line) => line.includes('is not reachable (attempt'));
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts[0]).toContain(`DATABASE_URL (127.0.0.1:${cluster.port}/postgres)`);
    expect(attempts[0]).toContain('attempt 1:');
    expect(attempts[0]).toMatch(/retrying in \d+\.\d s/);
    expect(server.output()).not.toContain('s3cret');
    expect(server.child.exitCode).toBe(null);
  }, 90_000);

  it('exits at once, naming DATABASE_URL, when the database does not exist', async () => {
    const startedAt = Date.now();
    const server = startServer(cluster.url('no_such_database'));

    const { code } = await withTimeout(server.closed, 20_000, 'the server exit');

    expect(code).toBe(1);
    expect(Date.now() - startedAt).toBeLessThan(15_000);
    expect(server.output()).toContain('DATABASE_URL');
    expect(server.output()).toContain('no_such_database');
    expect(server.output()).not.toContain('is not reachable');
  }, 30_000);
});

describe('a server whose Postgres never answers', () => {
  it('retries until DATABASE_CONNECT_TIMEOUT, then exits non-zero naming DATABASE_URL', async () => {
    const port = await freePort();
    const startedAt = Date.now();
    const server = startServer(`postgres://sonny:s3cret@127.0.0.1:${port}/sonny`, {
      DATABASE_CONNECT_TIMEOUT: '2',
    });

    const { code } = await withTimeout(server.closed, 20_000, 'the server exit');
    const elapsed = Date.now() - startedAt;

    expect(code).toBe(1);
    expect(elapsed).toBeGreaterThanOrEqual(2_000);
    expect(elapsed).toBeLessThan(15_000);
    const output = server.output();
    const attempts = output.split('\n').filter((line) => line.includes('is not reachable'));
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts[0]).toContain('attempt 1:');
    expect(attempts[0]).toContain('ECONNREFUSED');
    expect(output).toContain(
      `Postgres at DATABASE_URL (127.0.0.1:${port}/sonny) did not accept a connection within 2 s (DATABASE_CONNECT_TIMEOUT)`,
    );
    expect(output).not.toContain('s3cret');
  }, 30_000);
});
