import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createYoga } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { CloseCode, ForbiddenReason, GRAPHQL_PATH, UnauthorizedReason } from '../protocol/index.ts';
import { clientAddressResolver } from './access/client-address.ts';
import { authenticate, bearerToken } from './access/principal.ts';
import { createRateLimits } from './access/rate-limit.ts';
import { type SecretBox, secretBox } from './access/secret-box.ts';
import type { Config } from './config.ts';
import type { DomainEventPublisher } from './conversations/events.ts';
import { connectDatabase } from './db/connect.ts';
import type { Db } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { isDatabaseUnavailable } from './db/unavailable.ts';
import { useArgumentStringChecks } from './graphql/argument-strings.ts';
import type { Context } from './graphql/context.ts';
import { createErrorMasker } from './graphql/errors.ts';
import { useQueryLimits } from './graphql/limits.ts';
import { useOperationObserver } from './graphql/operation-observer.ts';
import { usePhaseMetrics } from './graphql/phase-metrics.ts';
import { schema } from './graphql/schema/index.ts';
import { useSchemaVisibility } from './graphql/schema-visibility.ts';
import { type SocketContext, serveGraphqlWs } from './graphql/websocket.ts';
import {
  deleteExpiredIdentitySecrets,
  prepareIdentitySecrets,
} from './identity/identity-secrets.ts';
import { opsEndpoints } from './ops/endpoints.ts';
import { listeningOrigin } from './ops/listening-origin.ts';
import { LIVENESS_PATH } from './ops/liveness.ts';
import { createLogger, type Logger } from './ops/logger.ts';
import { createMetrics } from './ops/metrics.ts';
import type { MetricsSource } from './ops/metrics-endpoint.ts';
import { observeRateLimits } from './ops/observed-rate-limits.ts';
import { type BoundPort, listenOn } from './ops/port.ts';
import { READINESS_PATH } from './ops/readiness.ts';
import { REQUEST_ID_HEADER, requestIdFrom } from './ops/request-id.ts';
import { channels } from './realtime/channels.ts';
import { publisherOver } from './realtime/event-publisher.ts';
import { OwnedSockets } from './realtime/owned-sockets.ts';
import { createPubSub } from './realtime/pubsub.ts';
import { closeRedis, connectRedis } from './realtime/redis.ts';
import { HttpRequestsInFlight } from './web/in-flight.ts';
import { serveWeb } from './web/serve.ts';

export interface App {
  readonly db: Db;
  /** Seals and opens identity secrets with the configured SONNY_SECRET_KEY (or none). */
  readonly secrets: SecretBox;
  /**
   * Publishes the events of committed units of work on this app's pub/sub, as the
   * operations' units do: a write made beside the API (a test's) reaches its subscribers.
   */
  readonly publisher: DomainEventPublisher;
  /** Which database engine the app runs on. */
  readonly engine: 'pglite' | 'postgres';
  /** Where the app logs; the one given in {@link AppOptions}, or its own on stdout. */
  readonly logger: Logger;
  /**
   * Listens on the configured port (unless given one bound already), and on METRICS_PORT;
   * resolves once accepting connections. A port it cannot take fails with a `PortError`.
   */
  start(): Promise<void>;
  /** The origin the server listens on, e.g. `http://localhost:4000`. Only after `start()`. */
  origin(): string;
  /** The origin of the METRICS_PORT listener; null without one. Only after `start()`. */
  metricsOrigin(): string | null;
  /**
   * True once `stop()` began: `/readyz` answers 503 `"status":"draining"`, so a load balancer
   * stops sending traffic here, and every other new request but `/healthz` answers 503.
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

/** What a caller may give {@link buildApp} beside the configuration. */
export interface AppOptions {
  /** The logger to write to (a test reads its lines); by default one at `config.logLevel`. */
  readonly logger?: Logger;
  /**
   * Set in each worker of a cluster (SONNY_WORKERS > 1): shares the app's own metrics with the
   * primary, which gathers every worker's, and returns what `/metrics` on the main port serves,
   * the whole cluster's. The primary alone listens on METRICS_PORT.
   */
  readonly clusterMetrics?: (own: Registry) => MetricsSource;
  /**
   * The main port, bound by `bindPort` before the database was touched (`npm start`): the app
   * serves on it from the end of `buildApp`, and `start()` does not listen again.
   */
  readonly port?: BoundPort;
}

/**
 * Readies a database for this code: applies pending migrations, then encrypts identity secrets
 * stored in clear (with SONNY_SECRET_KEY) and checks the key opens the stored ones. Safe to
 * run again, and from several processes at once.
 */
export async function prepareDatabase(db: Db, secrets: SecretBox): Promise<void> {
  await migrateToLatest(db);
  await prepareIdentitySecrets(db, secrets);
}

/** How long a rate-limit check may wait for Redis before it counts in this process instead. */
const RATE_LIMIT_REDIS_TIMEOUT_MS = 1_000;
/** How often rotated identity secrets past their grace are deleted. */
const EXPIRED_SECRETS_SWEEP_MS = 60 * 60 * 1000;

/**
 * The largest HTTP request body `/graphql` reads, in bytes; a larger one is answered 413,
 * whether its Content-Length says so or it streams past the limit.
 */
export const MAX_HTTP_BODY_BYTES = 1024 * 1024;

/**
 * Builds the server: database (migrated), pub/sub, GraphQL over HTTP and graphql-ws on one port.
 * Nothing listens until `start()`.
 */
export async function buildApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const database = await connectDatabase(config, {
    warn: (line) => logger.warn(line),
    // Measured only when written: at trace, every statement (its text, never its parameters).
    ...(logger.isLevelEnabled('trace')
      ? { onStatement: (statement) => logger.trace(statement, 'sql statement') }
      : {}),
  });
  const secrets = secretBox(config.secretKey);
  let pubsub: Awaited<ReturnType<typeof createPubSub>> | undefined;
  let limitsRedis: Redis | null = null;
  try {
    await prepareDatabase(database.db, secrets);
    pubsub = await createPubSub(config.redisUrl, logger);
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
  const limits = createRateLimits(limitsRedis, {
    abuse: config.abuseLimits,
    keySecret: config.rateLimitKeySecret,
    warn: (line) => logger.warn(line),
  });
  const metrics = createMetrics({
    pool: database.poolUsage,
    pubsub: () => ({
      failedPublishes: events.stats.failedPublishes,
      reconnects: events.stats.lostSubscriptions,
    }),
    rateLimits: () => limits.fallback,
  });
  const rateLimits = observeRateLimits(limits, metrics.activity);
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
      requestId,
    }): Promise<Context> => {
      // Over HTTP the token is the Bearer header; over a socket, its connection_init authToken.
      const token = authToken ?? bearerToken(request?.headers.get('authorization'));
      const principal = token ? await authenticate(db, token) : null;
      return {
        db,
        secrets,
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
        activity: metrics.activity,
        log: logger.child({ requestId }),
      };
    },
    maskedErrors: {
      maskError: createErrorMasker({
        onUnexpected: (error) =>
          logger.error({ err: error }, 'Unexpected error in a GraphQL operation'),
        onUnavailable: database.reportUnavailable,
      }),
    },
    // The masker logs what it masks, an outage once every few seconds: Yoga need not again.
    logging: {
      debug() {},
      info() {},
      warn: (...args: unknown[]) => logger.warn(args.map(String).join(' ')),
      error() {},
    },
    plugins: [
      // First, so each phase's time includes what the other plugins add to it.
      usePhaseMetrics(metrics),
      useQueryLimits(),
      useSchemaVisibility(config.introspection),
      useOperationObserver({ logger, metrics }),
      useArgumentStringChecks(),
    ],
  });

  const requests = new HttpRequestsInFlight();
  const ops = opsEndpoints({
    config,
    readiness: { db, redis: limitsRedis, isDraining: () => requests.draining },
    metrics: options.clusterMetrics?.(metrics.registry) ?? metrics.registry,
    logger,
    ownsMetricsPort: options.clusterMetrics === undefined,
  });
  const web = serveWeb({ distDir: config.distDir, first: ops.handlers, logger });
  const server: Server = options.port?.handOver() ?? createServer();
  server.on('request', (request, response) => {
    const requestId = requestIdFrom(request.headers[REQUEST_ID_HEADER]);
    response.setHeader(REQUEST_ID_HEADER, requestId);
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    // While draining, only the probes are still answered: readiness to say so, liveness
    // because the process still lives.
    const probe = path === READINESS_PATH || path === LIVENESS_PATH;
    if (requests.draining && !probe) return requests.refuse(response);
    requests.track(response);
    if (path === GRAPHQL_PATH) {
      const origin = { requestId, transport: 'http', startedAt: performance.now() } as const;
      return void yoga(request, response, origin);
    }
    web(request, response, { db, secrets, demo: config.demo }).catch((error: unknown) => {
      logger.error({ err: error, path, requestId }, 'Unexpected error while serving');
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
    secrets,
    sockets,
    rateLimits,
    clientAddressOf,
    activity: metrics.activity,
    logger,
    reportUnavailable: database.reportUnavailable,
  });
  const sweep = setInterval(() => {
    deleteExpiredIdentitySecrets(db).catch((error: unknown) => {
      if (!isDatabaseUnavailable(error)) {
        logger.error({ err: error }, 'Could not delete expired identity secrets');
      }
    });
  }, EXPIRED_SECRETS_SWEEP_MS).unref();
  const stopListeningToVisitors = events.listen(channels.endedVisitors, ({ visitorId }) =>
    sockets.closeAll(visitorId, (socket) =>
      websocket.closeWhenAnswered(socket, CloseCode.Forbidden, ForbiddenReason.VisitorEnded),
    ),
  );
  const stopListeningToSessions = events.listen(channels.endedSessions, ({ sessionId }) =>
    sockets.closeAll(sessionId, (socket) =>
      websocket.closeWhenAnswered(socket, CloseCode.Unauthorized, UnauthorizedReason.LoggedOut),
    ),
  );

  const shutDown = async () => {
    clearInterval(sweep);
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
      logger.warn(
        `Operations still running after SHUTDOWN_TIMEOUT (${config.shutdownTimeoutMs / 1000} s) are cut.`,
      );
    }
    await websocket.close();
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await serverClosed;
    await ops.metricsListener?.stop();
    stopListeningToVisitors();
    stopListeningToSessions();
    await events.close();
    if (limitsRedis !== null) await closeRedis(limitsRedis);
    await database.close();
  };
  let stopped: Promise<void> | null = null;

  return {
    db,
    secrets,
    publisher,
    engine: database.engine,
    logger,
    get draining() {
      return requests.draining;
    },
    async start() {
      if (!server.listening) {
        await listenOn(server, { port: config.port, host: config.host, variable: 'PORT' });
      }
      await ops.metricsListener?.start();
    },
    origin: () => listeningOrigin(server),
    metricsOrigin: () => ops.metricsListener?.origin() ?? null,
    stop() {
      stopped ??= shutDown();
      return stopped;
    },
  };
}
