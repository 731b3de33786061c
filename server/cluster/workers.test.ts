import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../protocol/index.ts';
import { OPERATION_MESSAGE } from '../graphql/operation-observer.ts';
import { freshGet, freshPost, slowPost } from '../test/fresh-http.ts';
import {
  newVisitorId,
  openWidgetSocket,
  TEST_SECRET_KEY,
  type WidgetSocket,
} from '../test/harness.ts';
import { REPLY_TO_CONVERSATION, SEND_MESSAGE } from '../test/operations.ts';
import { childProcesses, type StartedServer } from '../test/processes.ts';
import { seedWorkspace } from '../test/seed.ts';

/**
 * `SONNY_WORKERS`: the real server process as a cluster of workers on one port, over the
 * Postgres and Redis of the environment. Which worker takes a connection is the cluster's
 * choice; the tests read it from the log, whose lines carry the `pid` of the process that wrote
 * them: each connection runs an operation named for it, and the line of that operation tells
 * where it ran. CI always has both services, so there this suite never skips.
 */
const hasServices = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
if (process.env.CI && !hasServices) {
  throw new Error('CI must set DATABASE_URL and REDIS_URL: the workers suite cannot be skipped.');
}

const processes = childProcesses();

/** The environment of a cluster of `workers` on this environment's database and Redis. */
function clusterEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['PUBLIC_URL', 'SONNY_DATA_DIR', 'METRICS_PORT', 'METRICS_TOKEN']) {
    delete env[name];
  }
  return {
    ...env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    SONNY_WORKERS: '2',
    SONNY_SECRET_KEY: Buffer.from(TEST_SECRET_KEY).toString('base64'),
    ...extra,
  };
}

/** The JSON log lines the server and its workers wrote so far (the banner is plain text). */
function logLines(server: StartedServer): Array<Record<string, unknown>> {
  return server
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Waits until the log has a line `matches` accepts, and returns it. */
async function logLine(
  server: StartedServer,
  matches: (line: Record<string, unknown>) => boolean,
  what: string,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const line = logLines(server).find(matches);
    if (line !== undefined) return line;
    if (server.child.exitCode !== null) break;
    await sleep(50);
  }
  throw new Error(`No log line ${what}. Output:\n${server.output()}`);
}

/** The pids of the workers that logged they listen. */
function workerPids(server: StartedServer): number[] {
  return logLines(server)
    .filter((line) => line.msg === 'worker listening')
    .map((line) => Number(line.pid));
}

/** A query named for this call alone, so its log line tells which process ran it. */
function probeQuery(): { name: string; query: string } {
  const name = `Probe_${randomUUID().replaceAll('-', '')}`;
  return { name, query: `query ${name} { __typename }` };
}

/** The pid of the process that ran the operation `name`. */
async function pidThatRan(server: StartedServer, name: string): Promise<number> {
  const line = await logLine(
    server,
    (line) => line.msg === OPERATION_MESSAGE && line.operation === name,
    `for ${name}`,
  );
  return Number(line.pid);
}

/** Which worker a fresh HTTP connection landed on. */
async function workerOfRequest(server: StartedServer): Promise<number> {
  const { name, query } = probeQuery();
  const answer = await freshPost(server.graphqlUrl, { query });
  expect(answer.status).toBe(200);
  return pidThatRan(server, name);
}

/** Which worker a socket landed on. */
async function workerOfSocket(server: StartedServer, socket: WidgetSocket): Promise<number> {
  const { name, query } = probeQuery();
  expect((await socket.execute(query)).errors).toBeUndefined();
  return pidThatRan(server, name);
}

/** Opens sockets until one lands on a worker `wanted` accepts; at most 12 tries. */
async function socketOnWorker(
  server: StartedServer,
  params: Record<string, unknown>,
  wanted: (pid: number) => boolean,
): Promise<{ socket: WidgetSocket; pid: number }> {
  const wsUrl = server.graphqlUrl.replace(/^http/, 'ws');
  for (let attempt = 0; attempt < 12; attempt++) {
    const socket = openWidgetSocket(wsUrl, params);
    await socket.joined;
    const pid = await workerOfSocket(server, socket);
    if (wanted(pid)) return { socket, pid };
    await socket.dispose();
  }
  throw new Error('No socket landed on the worker wanted in 12 tries.');
}

/** What a worker logs when the primary passes a SIGTERM on. */
const DRAINING = 'Asked to stop by the primary: finishing what is in flight (up to 10 s).';
const INBOX = 'subscription { inboxEvents { kind message { body author } } }';
const VISITOR_EVENTS = `subscription ($after: ID) {
  visitorEvents(after: $after) { ... on VisitorMessageAdded { message { body author } } }
}`;

describe('SONNY_WORKERS refusals', () => {
  it.each([
    { missing: 'DATABASE_URL', services: { REDIS_URL: 'redis://127.0.0.1:6379' } },
    { missing: 'REDIS_URL', services: { DATABASE_URL: 'postgres://postgres@127.0.0.1/sonny' } },
  ])(
    'refuses two workers without $missing in one line naming it, and starts nothing',
    async ({ missing, services }) => {
      const env = clusterEnv();
      delete env.DATABASE_URL;
      delete env.REDIS_URL;
      const server = processes.server({ ...env, ...services });
      expect((await server.closed).code).toBe(1);
      const lines = server.stderr().trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('SONNY_WORKERS=2');
      expect(lines[0]).toContain(missing);
      expect(server.stdout()).toBe('');
    },
  );
});

describe.skipIf(!hasServices)('a cluster of workers on Postgres and Redis', () => {
  it('serves from two worker processes, with one banner and one ready line', async () => {
    const server = await processes.startServer(clusterEnv());
    const workers = workerPids(server);
    expect(new Set(workers).size).toBe(2);
    expect(workers).not.toContain(server.child.pid);
    expect(server.stdout().match(/^Sonny is running on Postgres/gm)).toHaveLength(1);
    expect(server.stdout().match(/^Ready: listening on /gm)).toHaveLength(1);
    expect(server.stdout()).toContain('Workers:                      2 processes (SONNY_WORKERS)');

    const served = new Set<number>();
    for (let request = 0; request < 12 && served.size < 2; request++) {
      served.add(await workerOfRequest(server));
    }
    expect([...served].sort()).toEqual([...workers].sort());
  }, 90_000);

  it('delivers live between a visitor on one worker and an agent on the other', async () => {
    const { siteId, token } = await seedWorkspace(
      { databaseUrl: process.env.DATABASE_URL ?? null, dataDir: 'memory://' },
      'Workers test',
    );
    const server = await processes.startServer(clusterEnv());
    const agent = await socketOnWorker(server, { authToken: token }, () => true);
    const visitor = await socketOnWorker(
      server,
      { siteId, visitorId: newVisitorId() },
      (pid) => pid !== agent.pid,
    );
    const inbox = agent.socket.subscribe(INBOX);
    // Operations on one socket are handled in order: once this answers, the inbox listens.
    await agent.socket.execute('{ __typename }');

    const sent = await visitor.socket.execute(SEND_MESSAGE, {
      body: 'hello from one worker',
      id: 'v1',
    });
    expect(sent.errors).toBeUndefined();
    const added = await inbox.next(10_000);
    expect(added.data?.inboxEvents).toMatchObject({ kind: 'CONVERSATION_CREATED' });
    expect((await inbox.next(10_000)).data?.inboxEvents).toEqual({
      kind: 'MESSAGE_ADDED',
      message: { body: 'hello from one worker', author: 'VISITOR' },
    });

    const replies = visitor.socket.subscribe(VISITOR_EVENTS, { after: sent.data?.sendMessage.id });
    await visitor.socket.execute('{ __typename }');
    const { conversationId } = sent.data?.sendMessage ?? {};
    const reply = await agent.socket.execute(REPLY_TO_CONVERSATION, {
      conversationId,
      body: 'answer',
      id: 'a1',
    });
    expect(reply.errors).toBeUndefined();
    expect((await replies.next(10_000)).data?.visitorEvents).toEqual({
      message: { body: 'answer', author: 'AGENT' },
    });
  }, 90_000);

  it.each([
    ['behind METRICS_TOKEN on the main port', { METRICS_TOKEN: 'workers-test-metrics-token' }],
    ['on METRICS_PORT, served by the primary', { METRICS_PORT: '0' }],
  ])(
    'sums every worker’s metrics %s',
    async (_, metricsEnv) => {
      const { siteId } = await seedWorkspace(
        { databaseUrl: process.env.DATABASE_URL ?? null, dataDir: 'memory://' },
        'Metrics test',
      );
      const server = await processes.startServer(clusterEnv(metricsEnv));
      const first = await socketOnWorker(server, { siteId, visitorId: newVisitorId() }, () => true);
      await socketOnWorker(
        server,
        { siteId, visitorId: newVisitorId() },
        (pid) => pid !== first.pid,
      );
      const started = await logLine(server, (line) => line.msg === 'listening', 'listening');
      const url =
        'METRICS_PORT' in metricsEnv ? String(started.metrics) : `${server.origin}/metrics`;
      const headers = { authorization: 'Bearer workers-test-metrics-token' };
      // Whichever worker answers a scrape, it shows both workers' sockets.
      for (let scrape = 0; scrape < 4; scrape++) {
        const answer = await freshGet(url, headers);
        expect(answer.status).toBe(200);
        expect(answer.body).toMatch(/^sonny_open_sockets\{kind="visitor"\} 2$/m);
      }
    },
    90_000,
  );

  it('drains every worker on SIGTERM: /readyz says so, what is in flight finishes, 1012, exit 0', async () => {
    const { siteId, token } = await seedWorkspace(
      { databaseUrl: process.env.DATABASE_URL ?? null, dataDir: 'memory://' },
      'Drain test',
    );
    const server = await processes.startServer(clusterEnv());
    const first = await socketOnWorker(server, { siteId, visitorId: newVisitorId() }, () => true);
    const second = await socketOnWorker(
      server,
      { siteId, visitorId: newVisitorId() },
      (pid) => pid !== first.pid,
    );
    // In flight on fresh connections, so most likely on both workers: each drains until they end.
    const held = await Promise.all(
      Array.from({ length: 4 }, () =>
        slowPost(server.graphqlUrl, JSON.stringify({ query: '{ me { email } }' }), token),
      ),
    );

    server.child.kill('SIGTERM');
    for (const pid of [first.pid, second.pid]) {
      await logLine(
        server,
        (line) => line.pid === pid && line.msg === DRAINING,
        `of worker ${pid} draining`,
      );
    }
    for (let probe = 0; probe < 4; probe++) {
      const readiness = await freshGet(`${server.origin}/readyz`);
      expect(readiness.status).toBe(503);
      expect(JSON.parse(readiness.body)).toMatchObject({ status: 'draining' });
    }
    expect(server.child.exitCode).toBeNull();

    for (const request of held) request.finish();
    for (const request of held) expect((await request.answered).status).toBe(200);
    for (const { socket } of [first, second]) {
      expect((await socket.closed).code).toBe(CloseCode.ServiceRestart);
    }
    expect((await server.closed).code).toBe(0);
    for (const pid of [first.pid, second.pid]) {
      expect(
        logLines(server)
          .filter((line) => line.pid === pid)
          .at(-1)?.msg,
      ).toBe('Stopped.');
    }
    expect(server.stdout()).toContain('SIGTERM received: finishing what is in flight');
  }, 90_000);

  it('replaces a worker that was killed', async () => {
    const server = await processes.startServer(clusterEnv());
    const [victim, survivor] = workerPids(server);
    process.kill(Number(victim), 'SIGKILL');
    const exited = await logLine(
      server,
      (line) => line.pid === server.child.pid && line.level === 'error',
      'saying a worker exited',
    );
    expect(exited).toMatchObject({
      workerPid: victim,
      msg: 'A worker exited (SIGKILL): starting another in 1 s.',
    });
    const replacement = await logLine(
      server,
      (line) => line.msg === 'worker listening' && line.pid !== victim && line.pid !== survivor,
      'of a new worker listening',
    );
    const served = new Set<number>();
    for (let request = 0; request < 12 && served.size < 2; request++) {
      served.add(await workerOfRequest(server));
    }
    expect([...served].sort()).toEqual([Number(replacement.pid), Number(survivor)].sort());
    expect(server.child.exitCode).toBeNull();
  }, 90_000);
});
