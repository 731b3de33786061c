import { createClient as createSocketClient, type Client as SocketClient } from 'graphql-ws';
import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from 'urql';
import { ErrorCode, GRAPHQL_PATH, isFinalRefusal } from '../../protocol/index.ts';

/** The one GraphQL path of the Sonny server, HTTP and WebSocket alike. */

/** What the agent sees of the live connection. */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

export interface InboxClient {
  /** urql client: queries and mutations over HTTP, subscriptions over graphql-ws. */
  readonly urql: Client;
  /** The socket, for the `connected` events the inbox replays missed events on. */
  readonly socket: SocketClient;
  dispose(): void;
}

export interface InboxClientOptions {
  readonly token: string;
  readonly onConnectionState: (state: ConnectionState) => void;
  /** The server refused the token (socket or HTTP): the session was revoked or expired. */
  readonly onRejected: () => void;
}

function graphqlUrl(protocol: 'http' | 'ws'): string {
  const url = new URL(GRAPHQL_PATH, window.location.href);
  if (protocol === 'ws') url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

/**
 * The client of a logged-in agent. The token goes as `Authorization: Bearer` over HTTP and as
 * `{ authToken }` in the graphql-ws `connection_init` payload. The socket reconnects forever
 * with backoff; the server's refusal (close 4401/4403) ends the session instead.
 */
export function createInboxClient(options: InboxClientOptions): InboxClient {
  let everConnected = false;
  const socket = createSocketClient({
    url: graphqlUrl('ws'),
    connectionParams: { authToken: options.token },
    lazy: false,
    retryAttempts: Number.POSITIVE_INFINITY,
    // Up to 10 s between attempts, jittered so a restarted server is not hit all at once.
    retryWait: (retries) =>
      new Promise((resolve) =>
        setTimeout(resolve, Math.min(10_000, 500 * 2 ** retries) + Math.random() * 300),
      ),
    shouldRetry: (event) => !isRefusal(event),
    onNonLazyError: (event) => {
      if (isRefusal(event)) options.onRejected();
    },
    on: {
      connecting: () => options.onConnectionState(everConnected ? 'reconnecting' : 'connecting'),
      connected: () => {
        everConnected = true;
        options.onConnectionState('connected');
      },
      closed: (event) => {
        if (isRefusal(event)) options.onRejected();
        else options.onConnectionState(everConnected ? 'reconnecting' : 'connecting');
      },
    },
  });

  const urql = new Client({
    url: graphqlUrl('http'),
    requestPolicy: 'cache-and-network',
    fetchOptions: () => ({ headers: { authorization: `Bearer ${options.token}` } }),
    exchanges: [
      cacheExchange,
      mapExchange({
        onError(error) {
          if (error.graphQLErrors.some((e) => e.extensions?.code === ErrorCode.UNAUTHENTICATED)) {
            options.onRejected();
          }
        },
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              return { unsubscribe: socket.subscribe(input, sink) };
            },
          };
        },
      }),
    ],
  });

  return {
    urql,
    socket,
    dispose: () => void socket.dispose(),
  };
}

/** For the login form: no token, no socket. */
export function createAnonymousClient(): Client {
  return new Client({
    url: graphqlUrl('http'),
    requestPolicy: 'network-only',
    exchanges: [fetchExchange],
  });
}

/** The server refused the token (see the protocol module): it will not be accepted again. */
function isRefusal(event: unknown): boolean {
  if (typeof event !== 'object' || event === null || !('code' in event)) return false;
  return typeof event.code === 'number' && isFinalRefusal(event.code);
}
