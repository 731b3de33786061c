import type { Server } from 'node:http';
import { type DocumentNode, type ExecutionArgs, GraphQLError } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Db } from '../db/database.ts';
import { joinVisitor } from '../identity/join.ts';
import type { VisitorRef } from '../identity/visitors.ts';
import { GRAPHQL_PATH } from '../protocol.ts';
import type { VisitorSockets } from '../realtime/visitor-sockets.ts';
import type { VisitorSession } from './context.ts';

/** What each socket carries from its join to its operations. */
interface SocketState {
  visitor?: VisitorRef;
  /** Tasks to run once an operation's answer is sent, by operation id. */
  readonly afterResponse: Map<string, Array<() => void>>;
}

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
  yoga: YogaServerInstance<{ visitorSession?: VisitorSession }, object>;
  db: Db;
  visitorSockets: VisitorSockets;
}): { close(): Promise<void> } {
  const { yoga, db, visitorSockets } = options;
  const wsServer = new WebSocketServer({ server: options.server, path: GRAPHQL_PATH });
  const states = new WeakMap<WebSocket, SocketState>();
  const stateOf = (socket: WebSocket): SocketState => {
    let state = states.get(socket);
    if (state === undefined) {
      state = { afterResponse: new Map() };
      states.set(socket, state);
    }
    return state;
  };

  const server = useServer<Record<string, unknown> | undefined, { socket: WebSocket }>(
    {
      // Internal error messages never go into a close reason, whatever NODE_ENV says.
      isProd: true,
      execute: (args) => (args as EnvelopedArgs).rootValue.execute(args) as never,
      subscribe: (args) => (args as EnvelopedArgs).rootValue.subscribe(args) as never,
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        let outcome: Awaited<ReturnType<typeof joinVisitor>>;
        try {
          outcome = await joinVisitor(db, ctx.connectionParams);
        } catch (error) {
          // Never put an internal error message in a close reason the browser can read.
          console.error('Unexpected error while admitting a socket:', error);
          socket.close(CloseCode.InternalServerError, 'Internal server error');
          return false;
        }
        if (!outcome.accepted) {
          // graphql-ws would close with a bare "Forbidden"; closing first gives the real reason.
          socket.close(outcome.closeCode, outcome.reason);
          return false;
        }
        stateOf(socket).visitor = outcome.visitor;
        visitorSockets.add(outcome.visitor.id, socket);
        return true;
      },
      onClose: (ctx) => {
        const visitor = states.get(ctx.extra.socket)?.visitor;
        if (visitor) visitorSockets.remove(visitor.id, ctx.extra.socket);
      },
      onSubscribe: async (ctx, id, payload) => {
        const state = stateOf(ctx.extra.socket);
        const tasks: Array<() => void> = [];
        const visitorSession: VisitorSession | undefined = state.visitor && {
          visitor: state.visitor,
          afterResponse: (task) => tasks.push(task),
        };
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          visitorSession,
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
        state.afterResponse.set(id, tasks);
        return {
          schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        } satisfies EnvelopedArgs;
      },
      onComplete: (ctx, id) => {
        const state = states.get(ctx.extra.socket);
        const tasks = state?.afterResponse.get(id) ?? [];
        state?.afterResponse.delete(id);
        // The answer is on the wire; the Complete message is sent right after this hook
        // returns, so the tasks wait one macrotask to follow it.
        if (tasks.length === 0) return;
        setImmediate(() => {
          for (const task of tasks) task();
        });
      },
    },
    wsServer,
  );
  return { close: async () => server.dispose() };
}
