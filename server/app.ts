import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createYoga } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import { CloseCode, ForbiddenReason, GRAPHQL_PATH, UnauthorizedReason } from '../protocol/index.ts';
import { clientAddressResolver } from './access/client-address.ts';
import { authenticate, bearerToken } from './access/principal.ts';
import { createRateLimits } from './access/rate-limit.ts';
import type { Config } from './config.ts';
import { connectDatabase } from './db/connect.ts';
import type { Db } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import type { Context } from './graphql/context.ts';
import { createErrorMasker } from './graphql/errors.ts';
import { useQueryLimits } from './graphql/limits.ts';
import { schema } from './graphql/schema/index.ts';
import { useSchemaVisibility } from './graphql/schema-visibility.ts';
import { type SocketContext, serveGraphqlWs } from './graphql/websocket.ts';
import { READINESS_PATH } from './ops/readiness.ts';
import { channels } from './realtime/channels.ts';
import { publisherOver } from './realtime/event-publisher.ts';
import { OwnedSockets } from './realtime/owned-sockets.ts';
import { createPubSub } from './realtime/pubsub.ts';
import { closeRedis, connectRedis } from './realtime/redis.ts';
import { HttpRequestsInFlight } from './web/in-flight.ts';
import { serveWeb } from './web/serve.ts';

export interface App {
  readonly db: Db;
  /** Which database engine the app runs on. */
  readonly engine: 'pglite' | 'postgres';
  /** Listens on the configured port; resolves once accepting connections. */
  start(): Promise<void>;
  /** The origin the server listens on, e.g. `http://localhost:4000`. Only after `start()`. */
  origin(): string;
  /**
   * True once `stop()` began: `/readyz` answers 503 `{"status":"draining"}`, so a load
   * balancer stops sending traffic here, and every other new request answers 503.
   */
  readonly draining: boolean;
  /**
   * Shuts down gracefully: answers every new request 503 and refuses new sockets, lets the
   * operations in flight finish within `shutdownTimeoutMs`, closes every socket with 1012
   * (clients reconnect at once, to another instance), stops listening, then closes pub/sub,
   * the rate limits' Redis and the database. Calling it again returns the same shutdown.
   */
  stop(): Promise<void>;
}

/** How long a rate-limit check may wait for Redis before it counts in this process instead. */
const RATE_LIMIT_REDIS_TIMEOUT_MS = 1_000;

/**
 * The largest HTTP request body `/graphql` reads, in bytes; a larger one is answered 413,
 * whether its Content-Length says so or it streams past the limit.
 */
export const MAX_HTTP_BODY_BYTES = 1024 * 1024;

/**
 * Builds the server: database (migrated), pub/sub, GraphQL over HTTP and graphql-ws on one port.
 * Nothing listens until `start()`.
 */
export async function buildApp(config: Config): Promise<App> {
  const database = await connectDatabase(config);
  let pubsub: Awaited<ReturnType<typeof createPubSub>> | undefined;
  let limitsRedis: Redis | null = null;
  try {
    await migrateToLatest(database.db);
    pubsub = await createPubSub(config.redisUrl);
    // Its own connection: a limit answers within a bounded time even while Redis is stuck.
    if (config.redisUrl !== null) {
      limitsRedis = await connectRedis(config.redisUrl, {
        // While Redis is away a check fails at once, and the limits count locally.
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        commandTimeout: RATE_LIMIT_REDIS_TIMEOUT_MS,
      });
    }
  } catch (error) {
    await pubsub?.close();
    await database.close();
    throw error;
  }
  const { db } = database;
  const events = pubsub;
  const publisher = publisherOver(events);
  const rateLimits = createRateLimits(limitsRedis, {
    abuse: config.abuseLimits,
    keySecret: config.rateLimitKeySecret,
  });
  const clientAddressOf = clientAddressResolver(config.trustProxy);
  const yoga = createYoga<SocketContext & { req?: IncomingMessage }>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    graphiql: config.introspection === 'everyone' ? { subscriptionsProtocol: 'WS' } : false,
    maxRequestBodySize: MAX_HTTP_BODY_BYTES,
    // Any page may call the API, without cookies: every credential is a bearer token or a join.
    cors: { origin: '*', credentials: false },
    context: async ({
      request,
      req,
      visitorSession,
      authToken,
      clientAddress,
    }): Promise<Context> => {
      // Over HTTP the token is the Bearer header; over a socket, its connection_init authToken.
      const token = authToken ?? bearerToken(request?.headers.get('authorization'));
      const principal = token ? await authenticate(db, token) : null;
      return {
        db,
        publisher,
        pubsub: events,
        rateLimits,
        // Over a socket, found at its upgrade; over HTTP, from this request.
        clientAddress:
          clientAddress ??
          clientAddressOf(req?.socket.remoteAddress, req?.headers['x-forwarded-for']),
        visitorSession: visitorSession ?? null,
        principal,
        rejectedToken: token !== null && principal === null,
      };
    },
    maskedErrors: {
      maskError: createErrorMasker((error) =>
        console.error('Unexpected error in a GraphQL operation:', error),
      ),
    },
    // The masker logs what it masks, an outage once every few seconds: Yoga need not again.
    logging: { debug() {}, info() {}, warn: console.warn, error() {} },
    plugins: [useQueryLimits(), useSchemaVisibility(config.introspection)],
  });

  const web = serveWeb({ distDir: config.distDir });
  const requests = new HttpRequestsInFlight();
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    // While draining, only the readiness probe is still answered: to say so.
    if (requests.draining && path !== READINESS_PATH) return requests.refuse(response);
    requests.track(response);
    if (path === GRAPHQL_PATH) return void yoga(request, response);
    web(request, response, { db, draining: requests.draining }).catch((error: unknown) => {
      console.error('Unexpected error while serving', path, error);
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end('Internal server error');
    });
  });
  const sockets = new OwnedSockets();
  const websocket = serveGraphqlWs({
    server,
    yoga,
    db,
    publisher,
    sockets,
    rateLimits,
    clientAddressOf,
  });
  const stopListeningToVisitors = events.listen(channels.endedVisitors, ({ visitorId }) =>
    sockets.closeAll(visitorId, CloseCode.Forbidden, ForbiddenReason.VisitorEnded),
  );
  const stopListeningToSessions = events.listen(channels.endedSessions, ({ sessionId }) =>
    sockets.closeAll(sessionId, CloseCode.Unauthorized, UnauthorizedReason.LoggedOut),
  );

  const shutDown = async () => {
    // Still listening, so a readiness check gets its 503 rather than a refused connection;
    // every new request gets one, and idle keep-alive connections are closed.
    const httpDrained = requests.drain();
    server.closeIdleConnections();
    let deadline: ReturnType<typeof setTimeout> | undefined;
    const drained = await Promise.race([
      Promise.all([httpDrained, websocket.drain()]).then(() => true),
      new Promise<false>((resolve) => {
        deadline = setTimeout(() => resolve(false), config.shutdownTimeoutMs);
      }),
    ]);
    clearTimeout(deadline);
    if (!drained) {
      console.warn(
        `Operations still running after SHUTDOWN_TIMEOUT (${config.shutdownTimeoutMs / 1000} s) are cut.`,
      );
    }
    await websocket.close();
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await serverClosed;
    stopListeningToVisitors();
    stopListeningToSessions();
    await events.close();
    if (limitsRedis !== null) await closeRedis(limitsRedis);
    await database.close();
  };
  let stopped: Promise<void> | null = null;

  return {
    db,
    engine: database.engine,
    get draining() {
      return requests.draining;
    },
    start: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.off('error', reject);
          resolve();
        });
      }),
    origin() {
      const address = server.address() as AddressInfo | null;
      if (address === null) throw new Error('The server is not listening; call start() first.');
      // A wildcard address is reachable as localhost; a specific one only as itself.
      const wildcard = ['0.0.0.0', '::'].includes(address.address);
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${wildcard ? 'localhost' : host}:${address.port}`;
    },
    stop() {
      stopped ??= shutDown();
      return stopped;
    },
  };
}
