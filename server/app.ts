import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createYoga } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import { CloseCode, ForbiddenReason, GRAPHQL_PATH, UnauthorizedReason } from '../protocol/index.ts';
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
import { channels } from './realtime/channels.ts';
import { publisherOver } from './realtime/event-publisher.ts';
import { OwnedSockets } from './realtime/owned-sockets.ts';
import { createPubSub } from './realtime/pubsub.ts';
import { connectRedis } from './realtime/redis.ts';
import { serveWeb } from './web/serve.ts';

export interface App {
  readonly db: Db;
  /** Which database engine the app runs on. */
  readonly engine: 'pglite' | 'postgres';
  /** Listens on the configured port; resolves once accepting connections. */
  start(): Promise<void>;
  /** The origin the server listens on, e.g. `http://localhost:4000`. Only after `start()`. */
  origin(): string;
  /** Closes sockets, the HTTP server, pub/sub, the rate limits' Redis and the database, in order. */
  stop(): Promise<void>;
}

/** How long a rate-limit check may wait for Redis before the operation fails (fails closed). */
const RATE_LIMIT_REDIS_TIMEOUT_MS = 2_000;

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
        maxRetriesPerRequest: 1,
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
  const rateLimits = createRateLimits(limitsRedis);
  const yoga = createYoga<SocketContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    graphiql: config.introspection === 'everyone' ? { subscriptionsProtocol: 'WS' } : false,
    maxRequestBodySize: MAX_HTTP_BODY_BYTES,
    // Any page may call the API, without cookies: every credential is a bearer token or a join.
    cors: { origin: '*', credentials: false },
    context: async ({ request, visitorSession, authToken }): Promise<Context> => {
      // Over HTTP the token is the Bearer header; over a socket, its connection_init authToken.
      const token = authToken ?? bearerToken(request?.headers.get('authorization'));
      const principal = token ? await authenticate(db, token) : null;
      return {
        db,
        publisher,
        pubsub: events,
        rateLimits,
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
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === GRAPHQL_PATH) return void yoga(request, response);
    web(request, response, { db }).catch((error: unknown) => {
      console.error('Unexpected error while serving', path, error);
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end('Internal server error');
    });
  });
  const sockets = new OwnedSockets();
  const websocket = serveGraphqlWs({ server, yoga, db, publisher, sockets });
  const stopListeningToVisitors = events.listen(channels.endedVisitors, ({ visitorId }) =>
    sockets.closeAll(visitorId, CloseCode.Forbidden, ForbiddenReason.VisitorEnded),
  );
  const stopListeningToSessions = events.listen(channels.endedSessions, ({ sessionId }) =>
    sockets.closeAll(sessionId, CloseCode.Unauthorized, UnauthorizedReason.LoggedOut),
  );

  return {
    db,
    engine: database.engine,
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
    async stop() {
      stopListeningToVisitors();
      stopListeningToSessions();
      await websocket.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await events.close();
      await limitsRedis?.quit();
      await database.close();
    },
  };
}
