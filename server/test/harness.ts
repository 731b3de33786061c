import { randomUUID } from 'node:crypto';
import type { FormattedExecutionResult } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll } from 'vitest';
import WebSocket from 'ws';
import { GRAPHQL_PATH, type JoinPayload } from '../../protocol/index.ts';
import { createAgent, login } from '../access/agents.ts';
import { ABUSE_LIMIT_DEFAULTS } from '../access/rate-limit.ts';
import { createWorkspace } from '../access/workspaces.ts';
import { type App, type AppOptions, buildApp } from '../app.ts';
import { type Config, DATABASE_DEFAULTS, DEFAULT_DIST_DIR, IN_MEMORY_DATA_DIR } from '../config.ts';

/** The SONNY_SECRET_KEY of tests. Never use a key that is written down anywhere else. */
export const TEST_SECRET_KEY = new Uint8Array(Buffer.from('sonny-tests-only-not-a-real-key!'));

/**
 * The configuration tests run on: real Postgres when DATABASE_URL is set (CI), otherwise an
 * in-memory PGlite per test file; Redis pub/sub when REDIS_URL is set. Logs at `warn`: a line
 * per operation would drown the test output.
 */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    // One fixed key for every test process: on a shared Postgres each seals what the others open.
    secretKey: TEST_SECRET_KEY,
    demo: true,
    port: 0,
    host: '127.0.0.1',
    databaseUrl: process.env.DATABASE_URL || null,
    dataDir: IN_MEMORY_DATA_DIR,
    redisUrl: process.env.REDIS_URL || null,
    publicUrl: null,
    ...DATABASE_DEFAULTS,
    distDir: DEFAULT_DIST_DIR,
    introspection: 'everyone',
    shutdownTimeoutMs: 10_000,
    abuseLimits: ABUSE_LIMIT_DEFAULTS,
    trustProxy: { kind: 'none' },
    rateLimitKeySecret: null,
    logLevel: 'warn',
    metricsToken: null,
    metricsPort: null,
    workers: 1,
    ...overrides,
  };
}

export interface TestServer {
  readonly app: App;
  readonly origin: string;
  readonly graphqlUrl: string;
  readonly wsUrl: string;
  /** A fresh workspace, so tests sharing this server never see each other's data. */
  createWorkspace(name?: string): Promise<TestWorkspace>;
  /** A new agent of the workspace, logged in: `token` is its session token. */
  createAgent(workspaceId: string): Promise<TestAgent>;
  /** Opens a widget socket with this join payload, as a page of `origin` when given. */
  join(
    payload: Partial<JoinPayload> & Record<string, unknown>,
    options?: SocketOptions,
  ): Promise<WidgetSocket>;
  /** Opens an agent's or integrator's socket: `{ authToken }` as the connection_init payload. */
  connect(authToken: string): Promise<WidgetSocket>;
  /** POSTs a GraphQL operation over HTTP, with `Authorization: Bearer <token>` when given. */
  http(query: string, variables?: Record<string, unknown>, token?: string): Promise<Result>;
  stop(): Promise<void>;
}

export interface TestWorkspace {
  readonly id: string;
  readonly siteId: string;
  readonly apiKey: string;
  readonly identitySecret: { readonly kid: string; readonly secret: string };
}

export interface TestAgent {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly token: string;
}

export async function startTestServer(
  overrides: Partial<Config> = {},
  options: AppOptions = {},
): Promise<TestServer> {
  const app = await buildApp(testConfig(overrides), options);
  await app.start();
  const origin = app.origin();
  const graphqlUrl = `${origin}${GRAPHQL_PATH}`;
  const wsUrl = graphqlUrl.replace(/^http/, 'ws');
  const sockets = new Set<WidgetSocket>();
  return {
    app,
    origin,
    graphqlUrl,
    wsUrl,
    async createWorkspace(name = 'Test workspace') {
      const { workspace, apiKey, identitySecret } = await createWorkspace(
        app.db,
        app.secrets,
        name,
      );
      return { id: workspace.id, siteId: workspace.site_id, apiKey, identitySecret };
    },
    async createAgent(workspaceId) {
      const email = uniqueEmail('agent');
      const password = `pw-${randomUUID()}`;
      const agent = await createAgent(app.db, { workspaceId, email, name: 'Alex Agent', password });
      const { token } = await login(app.db, email, password);
      return { id: agent.id, email, password, token };
    },
    async join(payload, options) {
      const socket = openWidgetSocket(wsUrl, payload, options);
      sockets.add(socket);
      return socket;
    },
    async connect(authToken) {
      const socket = openWidgetSocket(wsUrl, { authToken });
      sockets.add(socket);
      return socket;
    },
    async http(query, variables, token) {
      const response = await fetch(graphqlUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as Result;
    },
    async stop() {
      await Promise.all([...sockets].map((socket) => socket.dispose()));
      await app.stop();
    },
  };
}

/**
 * One server for the whole test file (PGlite takes seconds to start): started before the
 * file's first test, stopped after its last. Call it at the top level of the file; the handle
 * it returns reads the started server, so use it inside tests and hooks only.
 */
export function sharedTestServer(
  overrides: Partial<Config> = {},
  options: AppOptions = {},
): TestServer {
  let started: TestServer | undefined;
  beforeAll(async () => {
    started = await startTestServer(overrides, options);
  });
  afterAll(async () => {
    await started?.stop();
  });
  const current = (): TestServer => {
    if (started === undefined) throw new Error('the shared test server starts in beforeAll');
    return started;
  };
  return {
    get app() {
      return current().app;
    },
    get origin() {
      return current().origin;
    },
    get graphqlUrl() {
      return current().graphqlUrl;
    },
    get wsUrl() {
      return current().wsUrl;
    },
    createWorkspace: (name) => current().createWorkspace(name),
    createAgent: (workspaceId) => current().createAgent(workspaceId),
    join: (payload, options) => current().join(payload, options),
    connect: (authToken) => current().connect(authToken),
    http: (query, variables, token) => current().http(query, variables, token),
    stop: () => current().stop(),
  };
}

/** A workspace with one agent signed in: what the inbox tests act as. */
export interface TestSite extends TestWorkspace {
  readonly agentToken: string;
}

export async function createSite(server: TestServer): Promise<TestSite> {
  const workspace = await server.createWorkspace();
  const agent = await server.createAgent(workspace.id);
  return { ...workspace, agentToken: agent.token };
}

/** A GraphQL result as a test reads it: data navigated freely, errors as the client sees them. */
// biome-ignore lint/suspicious/noExplicitAny: tests walk result data by path and assert on it.
export type Result = FormattedExecutionResult<Record<string, any>, unknown>;

/** The `extensions.code` of a result's first error, as a client reads it. */
export function codeOf(result: {
  errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }>;
}): unknown {
  return result.errors?.[0]?.extensions?.code;
}

/** The `extensions.field` of a result's first error: the input a BAD_USER_INPUT names. */
export function fieldOf(result: Result): unknown {
  return result.errors?.[0]?.extensions?.field;
}

export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

/** A widget's graphql-ws connection, as the widget opens it: join payload in connection_init. */
export interface WidgetSocket {
  readonly client: Client;
  /** Resolves when the server acknowledged the join; rejects with the close if it refused. */
  readonly joined: Promise<void>;
  /** Resolves with the close code and reason when the socket closes. */
  readonly closed: Promise<CloseInfo>;
  /** Runs a query or mutation and returns its single result. */
  execute(query: string, variables?: Record<string, unknown>): Promise<Result>;
  /** Starts a subscription; `next()` returns its events in order. */
  subscribe(query: string, variables?: Record<string, unknown>): Subscription;
  dispose(): Promise<void>;
}

export interface Subscription {
  next(timeoutMs?: number): Promise<Result>;
  /** Resolves once nothing arrives for `ms`: proves an event did not come. */
  expectSilence(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** How a test socket presents itself beyond its connection_init payload. */
export interface SocketOptions {
  /** The `Origin` header of the upgrade request, as a browser on that page sends it. */
  readonly origin?: string;
  /** Other headers of the upgrade request, e.g. `X-Forwarded-For` to stand for another address. */
  readonly headers?: Readonly<Record<string, string>>;
}

export function openWidgetSocket(
  url: string,
  connectionParams: Record<string, unknown>,
  options: SocketOptions = {},
): WidgetSocket {
  let resolveClosed!: (info: CloseInfo) => void;
  const closed = new Promise<CloseInfo>((resolve) => {
    resolveClosed = resolve;
  });
  let resolveJoined!: () => void;
  let rejectJoined!: (info: CloseInfo) => void;
  const joined = new Promise<void>((resolve, reject) => {
    resolveJoined = resolve;
    rejectJoined = reject;
  });
  joined.catch(() => {});
  const { origin, headers = {} } = options;
  const client = createClient({
    url,
    webSocketImpl: class extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers, ...(origin === undefined ? {} : { origin }) });
      }
    },
    connectionParams,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {},
    on: {
      connected: () => resolveJoined(),
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        const info = { code, reason: String(reason) };
        rejectJoined(info);
        resolveClosed(info);
      },
    },
  });
  return {
    client,
    joined,
    closed,
    execute(query: string, variables?: Record<string, unknown>) {
      return new Promise<Result>((resolve, reject) => {
        let result: Result | undefined;
        client.subscribe(
          { query, variables },
          {
            next: (value) => {
              result = value;
            },
            error: reject,
            complete: () =>
              result ? resolve(result) : reject(new Error('Operation completed without a result')),
          },
        );
      });
    },
    subscribe(query: string, variables?: Record<string, unknown>) {
      const queue: Result[] = [];
      const waiting: Array<(value: Result) => void> = [];
      let failure: unknown = null;
      const unsubscribe = client.subscribe(
        { query, variables },
        {
          next: (value) => {
            const waiter = waiting.shift();
            if (waiter) waiter(value);
            else queue.push(value);
          },
          error: (error) => {
            failure = error;
          },
          complete: () => {},
        },
      );
      return {
        next(timeoutMs = 5000) {
          const queued = queue.shift();
          if (queued) return Promise.resolve(queued);
          if (failure) return Promise.reject(failure);
          return new Promise((resolve, reject) => {
            const timer = setTimeout(
              () => reject(new Error(`No subscription event within ${timeoutMs} ms`)),
              timeoutMs,
            );
            waiting.push((value) => {
              clearTimeout(timer);
              resolve(value);
            });
          });
        },
        async expectSilence(ms) {
          await new Promise((resolve) => setTimeout(resolve, ms));
          if (queue.length > 0) {
            throw new Error(`Expected no event, got ${JSON.stringify(queue[0])}`);
          }
        },
        async close() {
          unsubscribe();
        },
      };
    },
    async dispose() {
      await client.dispose();
    },
  };
}

/** A fresh visitorId, as the widget makes one. */
export function newVisitorId(): string {
  return randomUUID();
}

/** A unique email address for one test. */
export function uniqueEmail(local = 'jane'): string {
  return `${local}.${randomUUID().slice(0, 8)}@example.com`;
}
