import type { IncomingMessage, Server } from 'node:http';
import { type DocumentNode, type ExecutionArgs, GraphQLError, getOperationAST } from 'graphql';
import { CloseCode as GraphqlWsCloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocket, WebSocketServer } from 'ws';
import {
  CloseCode,
  ErrorCode,
  ForbiddenReason,
  GRAPHQL_PATH,
  rateLimitedReason,
  ServiceRestartReason,
  TryAgainLaterReason,
  UnauthorizedReason,
} from '../../protocol/index.ts';
import type { ClientAddressOf } from '../access/client-address.ts';
import { authenticate } from '../access/principal.ts';
import { admissionGuards, enforceRateLimit, type RateLimits } from '../access/rate-limit.ts';
import type { SecretBox } from '../access/secret-box.ts';
import type { DomainEventPublisher } from '../conversations/events.ts';
import type { Db } from '../db/database.ts';
import { isDatabaseUnavailable, type UnavailableReporter } from '../db/unavailable.ts';
import { type JoinRefusal, joinVisitor } from '../identity/join.ts';
import type { VisitorRef } from '../identity/visitors.ts';
import type { Activity, SocketKind } from '../ops/activity.ts';
import type { Logger } from '../ops/logger.ts';
import { newRequestId } from '../ops/request-id.ts';
import type { OwnedSockets } from '../realtime/owned-sockets.ts';
import type { VisitorSession } from './context.ts';
import type { OperationOrigin } from './operation-observer.ts';

/** What one socket may send and run. docs/security.md#limits lists them. */
export const SOCKET_LIMITS = {
  /** The largest WebSocket message read, in bytes; a larger one closes the socket with 1009. */
  messageBytes: 64 * 1024,
  /**
   * Operations at once on a visitor's socket, subscriptions included: the widget runs its
   * subscription and at most three more (the visitor query, a send, an identify).
   */
  visitorOperations: 5,
  /** Operations at once on an agent's or API key's socket, subscriptions included. */
  agentOperations: 50,
} as const;

/**
 * What Yoga's context factory receives from a socket, beside graphql-ws's own context (and
 * from an HTTP request, beside Yoga's): where the operation came from, for its log line.
 */
export interface SocketContext extends OperationOrigin {
  visitorSession?: VisitorSession;
  /** The agent's or key's token, authenticated again for every operation so revocation bites. */
  authToken?: string;
  /** The client's address as the per-address limits count it, found at the upgrade. */
  clientAddress?: string;
}

/** What each socket carries from its join to its operations. */
interface SocketState {
  visitor?: VisitorRef;
  authToken?: string;
  /** The socket's owner in {@link OwnedSockets}: a visitor's id or an agent session's id. */
  owner?: string;
  /** The client's address, as {@link ClientAddressOf} found it from the upgrade request. */
  clientAddress?: string;
  /** Who holds the socket, once admitted. */
  kind?: SocketKind;
  /** The queries and mutations executing, by operation id: a drain or an ending waits for them. */
  readonly running: Set<string>;
  /** Set when the socket's owner was ended: it closes so once its running operations are answered. */
  ending?: { readonly code: number; readonly reason: string };
}

/** The graphql-ws endpoint, as the app starts and stops it. */
export interface GraphqlWsServer {
  /**
   * Starts a graceful shutdown: new sockets are closed at once and new operations are held,
   * never executed (the client sends them again once it reconnects); each socket is closed
   * with 1012 (`ServiceRestart`) as soon as its queries and mutations in flight are answered.
   * Resolves once every socket is closed.
   */
  drain(): Promise<void>;
  /** Closes every socket left (1012, then cut if its peer does not answer) and the endpoint. */
  close(): Promise<void>;
  /**
   * Closes the socket as soon as its queries and mutations in flight are answered: a visitor's
   * `resetVisitor` or an agent's `logout` gets its answer before its own socket closes.
   */
  closeWhenAnswered(socket: WebSocket, code: number, reason: string): void;
}

/** How long a socket may take to answer the server's close frame before it is cut. */
const CLOSE_HANDSHAKE_MS = 1_000;

type EnvelopedArgs = ExecutionArgs & {
  rootValue: {
    execute: (args: ExecutionArgs) => unknown;
    subscribe: (args: ExecutionArgs) => unknown;
  };
};

/**
 * Serves graphql-ws on the HTTP server's `/graphql` path through Yoga's envelop, so plugins,
 * error masking and the schema are the same as over HTTP. The join is checked in `onConnect`.
 */
export function serveGraphqlWs(options: {
  server: Server;
  yoga: YogaServerInstance<SocketContext, object>;
  db: Db;
  /** Publishes what an accepted join's identify recorded. */
  publisher: DomainEventPublisher;
  /** Opens identity secrets, for joins that carry an identity token. */
  secrets: SecretBox;
  sockets: OwnedSockets;
  /** Told of admitted and closed sockets, joins and identifies on join. */
  activity: Activity;
  logger: Logger;
  reportUnavailable: UnavailableReporter;
  rateLimits: RateLimits;
  clientAddressOf: ClientAddressOf;
}): GraphqlWsServer {
  const { yoga, db, publisher, secrets, sockets, rateLimits, clientAddressOf, activity, logger } =
    options;
  const refuseAfterFailure = (socket: WebSocket, error: unknown): void => {
    if (isDatabaseUnavailable(error)) {
      options.reportUnavailable(error);
      socket.close(CloseCode.TryAgainLater, TryAgainLaterReason.DatabaseUnavailable);
      return;
    }
    logger.error({ err: error }, 'Unexpected error while admitting a socket');
    socket.close(GraphqlWsCloseCode.InternalServerError, 'Internal server error');
  };
  const admitted = (socket: WebSocket, kind: SocketKind, workspaceId: string): SocketState => {
    const state = stateOf(socket);
    // A socket that closed while its join ran has had (or is having) its onClose: count
    // only open ones, so every count has its discount.
    if (socket.readyState !== socket.OPEN) return state;
    state.kind = kind;
    activity.socketOpened(kind);
    logger.debug({ kind, workspaceId }, 'socket admitted');
    return state;
  };
  const wsServer = new WebSocketServer({
    server: options.server,
    path: GRAPHQL_PATH,
    maxPayload: SOCKET_LIMITS.messageBytes,
    WebSocket: SizeBoundSocket,
  });
  const states = new WeakMap<WebSocket, SocketState>();
  const stateOf = (socket: WebSocket): SocketState => {
    let state = states.get(socket);
    if (state === undefined) {
      state = { running: new Set() };
      states.set(socket, state);
    }
    return state;
  };

  let draining = false;
  const restart = (socket: WebSocket) => {
    if (socket.readyState === socket.OPEN) {
      socket.close(CloseCode.ServiceRestart, ServiceRestartReason);
    }
  };
  const restartIfIdle = (socket: WebSocket) => {
    if ((states.get(socket)?.running.size ?? 0) === 0) restart(socket);
  };
  const endIfIdle = (socket: WebSocket) => {
    const state = states.get(socket);
    if (state?.ending === undefined || state.running.size > 0) return;
    if (socket.readyState === socket.OPEN) socket.close(state.ending.code, state.ending.reason);
  };
  wsServer.on('connection', (socket) => {
    if (draining) restart(socket);
  });

  const server = useServer<
    Record<string, unknown> | undefined,
    { socket: WebSocket; request: IncomingMessage }
  >(
    {
      // Internal error messages never go into a close reason, whatever NODE_ENV says.
      isProd: true,
      execute: (args) => (args as EnvelopedArgs).rootValue.execute(args) as never,
      subscribe: (args) => (args as EnvelopedArgs).rootValue.subscribe(args) as never,
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        if (draining) {
          restart(socket);
          return false;
        }
        const { request } = ctx.extra;
        const clientAddress = clientAddressOf(
          request.socket.remoteAddress,
          request.headers['x-forwarded-for'],
        );
        stateOf(socket).clientAddress = clientAddress;
        const authToken = ctx.connectionParams?.authToken;
        if (typeof authToken === 'string' && ctx.connectionParams?.siteId === undefined) {
          let principal: Awaited<ReturnType<typeof authenticate>>;
          try {
            principal = await authenticate(db, authToken);
          } catch (error) {
            refuseAfterFailure(socket, error);
            return false;
          }
          if (principal === null) {
            socket.close(CloseCode.Unauthorized, UnauthorizedReason.BadToken);
            return false;
          }
          const state = admitted(
            socket,
            principal.kind === 'agent' ? 'agent' : 'key',
            principal.workspaceId,
          );
          state.authToken = authToken;
          if (principal.kind === 'agent') {
            state.owner = principal.sessionId;
            sockets.add(principal.sessionId, socket);
          }
          return true;
        }
        let outcome: Awaited<ReturnType<typeof joinVisitor>>;
        try {
          outcome = await joinVisitor(db, publisher, secrets, ctx.connectionParams, {
            origin: ctx.extra.request.headers.origin ?? null,
            afterNewVisitor: () =>
              enforceRateLimit(
                rateLimits.newVisitorsByIp,
                clientAddress,
                'Too many new visitors from this address.',
              ),
            ...admissionGuards(rateLimits, clientAddress),
          });
        } catch (error) {
          refuseAfterFailure(socket, error);
          return false;
        }
        if (!outcome.accepted) {
          activity.joined(outcome.refusal.kind);
          // graphql-ws would close with a bare "Forbidden"; closing first gives the real reason.
          const { code, reason } = closeFrameOf(outcome.refusal);
          socket.close(code, reason);
          return false;
        }
        activity.joined('accepted');
        if (outcome.identified !== null) activity.identified(outcome.identified);
        const state = admitted(socket, 'visitor', outcome.visitor.workspaceId);
        state.visitor = outcome.visitor;
        state.owner = outcome.visitor.id;
        sockets.add(outcome.visitor.id, socket);
        return true;
      },
      onClose: (ctx) => {
        const state = states.get(ctx.extra.socket);
        if (state?.owner) sockets.remove(state.owner, ctx.extra.socket);
        if (state?.kind) activity.socketClosed(state.kind);
      },
      onSubscribe: async (ctx, id, payload) => {
        const socket = ctx.extra.socket;
        if (draining) {
          // Not executed: the socket closes soon, and the client sends it again elsewhere.
          await closeOf(socket);
          return [new GraphQLError('The server is restarting.')];
        }
        const state = stateOf(socket);
        // graphql-ws registers the operation before this hook and forgets it once it completes:
        // the count includes this one. Counted before any await, so a burst cannot slip past.
        const running = Object.keys(ctx.subscriptions).length;
        const max = state.visitor ? SOCKET_LIMITS.visitorOperations : SOCKET_LIMITS.agentOperations;
        if (running > max) {
          return [
            new GraphQLError(
              `This socket already runs ${max} operations at once; complete one first.`,
              { extensions: { code: ErrorCode.TOO_MANY_OPERATIONS, max } },
            ),
          ];
        }
        const visitorSession: VisitorSession | undefined = state.visitor && {
          visitor: state.visitor,
        };
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          visitorSession,
          authToken: state.authToken,
          clientAddress: state.clientAddress,
          requestId: newRequestId(),
          transport: 'ws',
          startedAt: performance.now(),
        });
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          // A syntax error is the client's mistake: answer it, keep the socket.
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
        // Running from here on, before any await: a drain starting now waits for it.
        const kind = getOperationAST(document, payload.operationName)?.operation;
        if (kind === 'query' || kind === 'mutation') state.running.add(id);
        let contextValue: unknown;
        try {
          // Authenticates the socket's token again, which reads the database.
          contextValue = await contextFactory();
        } catch (error) {
          state.running.delete(id);
          setImmediate(() => (draining ? restartIfIdle(socket) : endIfIdle(socket)));
          // Yoga masks what the context factory throws (SERVICE_UNAVAILABLE while the database
          // is down): answer the operation with it rather than closing the socket.
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        return {
          schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue,
          rootValue: { execute, subscribe },
        } satisfies EnvelopedArgs;
      },
      // What a subscription's stream throws (its backlog could not be read) reaches graphql-ws
      // masked by Yoga, which wraps it in a GraphQLError without its extensions: send the
      // masked error itself, code and all.
      onError: (_ctx, _id, _payload, errors) =>
        errors.map((error) =>
          (error.originalError instanceof GraphQLError ? error.originalError : error).toJSON(),
        ),
      onComplete: (ctx, id) => {
        const socket = ctx.extra.socket;
        const state = states.get(socket);
        state?.running.delete(id);
        // The answer is on the wire; the Complete message is sent right after this hook
        // returns, so a draining or ending socket's close waits one macrotask to follow it.
        if (!draining && state?.ending === undefined) return;
        setImmediate(() => (draining ? restartIfIdle(socket) : endIfIdle(socket)));
      },
    },
    wsServer,
  );
  return {
    closeWhenAnswered(socket, code, reason) {
      stateOf(socket).ending ??= { code, reason };
      endIfIdle(socket);
    },
    async drain() {
      draining = true;
      const open = [...wsServer.clients];
      for (const socket of open) restartIfIdle(socket);
      await Promise.all(open.map(closeOf));
    },
    async close() {
      draining = true;
      const open = [...wsServer.clients];
      for (const socket of open) restart(socket);
      await Promise.race([
        Promise.all(open.map(closeOf)),
        new Promise((resolve) => setTimeout(resolve, CLOSE_HANDSHAKE_MS)),
      ]);
      for (const socket of wsServer.clients) socket.terminate();
      await server.dispose();
    },
  };
}

/** Resolves once the socket is closed. */
function closeOf(socket: WebSocket): Promise<void> {
  if (socket.readyState === socket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

/**
 * A server socket that keeps an oversized message out of the error log: `ws` has closed it with
 * 1009 already, and graphql-ws would log every such message as an internal error, a log anyone
 * could flood.
 */
class SizeBoundSocket extends WebSocket {
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    const [error] = args;
    if (event === 'error' && (error as { code?: unknown } | undefined)?.code === MESSAGE_TOO_BIG) {
      return true;
    }
    return super.emit(event, ...args);
  }
}

/** The code of the error `ws` raises for a message over `maxPayload`. */
const MESSAGE_TOO_BIG = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';

/** The close frame that tells a widget why its join was refused (see the protocol module). */
function closeFrameOf(refusal: JoinRefusal): { code: CloseCode; reason: string } {
  switch (refusal.kind) {
    case 'malformed-join':
      return { code: CloseCode.Forbidden, reason: ForbiddenReason.MalformedJoin };
    case 'malformed-visitor-id':
      return { code: CloseCode.Forbidden, reason: ForbiddenReason.MalformedVisitorId };
    case 'unknown-site':
      return { code: CloseCode.Forbidden, reason: ForbiddenReason.UnknownSite };
    case 'origin-not-allowed':
      return { code: CloseCode.Forbidden, reason: ForbiddenReason.OriginNotAllowed };
    case 'visitor-ended':
      return { code: CloseCode.Forbidden, reason: ForbiddenReason.VisitorEnded };
    case 'identity-rejected':
      return { code: CloseCode.IdentityRejected, reason: refusal.code };
    case 'rate-limited':
      return { code: CloseCode.RateLimited, reason: rateLimitedReason(refusal.retryAfterSeconds) };
  }
}
