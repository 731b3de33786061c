/**
 * The transport: urql over one graphql-ws socket per visitorId. It knows the protocol (the
 * join, close codes, operations) and nothing about the page or the UI.
 */
import {
  type AnyVariables,
  type CombinedError,
  createClient,
  subscriptionExchange,
} from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import {
  CloseCode,
  GRAPHQL_PATH,
  type JoinPayload,
  retryAfterOfReason,
} from '../protocol/index.ts';
import type { Operation } from './operations.ts';

/** The join plus the verified identity token of the identity, when there is one. */
export type Join = JoinPayload & { readonly identityToken?: string };

/** Every failure the widget reports: the server's `extensions.code`, or a transport code. */
export class WidgetError extends Error {
  readonly code: string;
  /** The server's `extensions.retryAfterSeconds`: the failure is temporary; 0 when not given. */
  readonly retryAfterSeconds: number;
  constructor(code: string, message = code, retryAfterSeconds = 0) {
    super(message);
    this.name = 'WidgetError';
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The socket closed before the server answered (network loss, server restart, dispose). */
export const NETWORK_ERROR = 'NETWORK_ERROR';

/** Why a join was refused: the close code and reason the server sent. */
export interface Refusal {
  readonly code: number;
  readonly reason: string;
}

export interface ConnectionOptions {
  /** The server's origin, e.g. `https://chat.example.com`. */
  readonly serverUrl: string;
  /** Read at every (re)connect, so a reconnect carries the identity stored meanwhile. */
  readonly join: () => Join;
  /** The server acknowledged the join (first connect and every reconnect). */
  readonly onConnected: () => void;
  /** The socket closed; a retry with backoff follows unless the join was refused. */
  readonly onDisconnected: () => void;
  /** The server refused the join: 4403 (do not retry this visitorId) or 4400 (identity). */
  readonly onRefused: (refusal: Refusal) => void;
}

/** Reconnect delays: 0.5 s doubling up to 10 s, each with ±50 % jitter. */
export function backoffDelay(retries: number, random = Math.random): number {
  const base = Math.min(10_000, 500 * 2 ** retries);
  return Math.round(base * (0.5 + random()));
}

/** How often the socket is pinged, and how long a pong may take before the socket is dropped. */
const KEEP_ALIVE_MS = 10_000;
const PONG_TIMEOUT_MS = 5_000;
const ACK_TIMEOUT_MS = 15_000;

/**
 * One visitor's connection. It connects at once, retries with backoff after any close but a
 * refusal, and cuts a socket that stops answering pings (a silent network loss).
 */
export class Connection {
  readonly #ws: WsClient;
  readonly #client: ReturnType<typeof createClient>;
  /** Rejects the operations still waiting for an answer when the connection is disposed. */
  readonly #inFlight = new Set<(error: WidgetError) => void>();
  #disposed = false;

  constructor(options: ConnectionOptions) {
    const url = new URL(GRAPHQL_PATH, options.serverUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    let socket: WebSocket | null = null;
    let pongTimer: ReturnType<typeof setTimeout> | undefined;
    /** Set by a rate-limited join (4420): the next attempt waits this long, whatever else. */
    let rateLimitedForMs = 0;
    this.#ws = createWsClient({
      url: url.href,
      connectionParams: (): Record<string, unknown> => ({ ...options.join() }),
      lazy: false,
      keepAlive: KEEP_ALIVE_MS,
      // The join identifies before acknowledging; a server silent for this long is retried.
      connectionAckWaitTimeout: ACK_TIMEOUT_MS,
      retryAttempts: Number.POSITIVE_INFINITY,
      retryWait: (retries) => {
        const wait = rateLimitedForMs;
        rateLimitedForMs = 0;
        // A rate-limited join is retried once its wait is over, not sooner: no loop of refusals.
        if (wait > 0) return new Promise((resolve) => setTimeout(resolve, wait));
        return waitOrOnline(backoffDelay(retries));
      },
      // A 4403 refusal is final for this visitorId; retrying it would loop.
      shouldRetry: (event) => refusalOf(event)?.code !== CloseCode.Forbidden,
      onNonLazyError: (error) => {
        const refusal = refusalOf(error);
        if (!this.#disposed && refusal) options.onRefused(refusal);
      },
      on: {
        connected: (connected) => {
          socket = connected as WebSocket;
          if (!this.#disposed) options.onConnected();
        },
        closed: (event) => {
          const { code, reason } = (event ?? {}) as { code?: unknown; reason?: unknown };
          if (code === CloseCode.RateLimited && typeof reason === 'string') {
            // A little jitter, so visitors refused together do not all come back at once.
            rateLimitedForMs = ((retryAfterOfReason(reason) ?? 60) + Math.random()) * 1000;
          }
          socket = null;
          clearTimeout(pongTimer);
          if (!this.#disposed) options.onDisconnected();
        },
        ping: (received) => {
          if (received) return;
          clearTimeout(pongTimer);
          pongTimer = setTimeout(() => {
            if (socket?.readyState === WebSocket.OPEN) socket.close(4408, 'Pong timeout');
          }, PONG_TIMEOUT_MS);
        },
        pong: (received) => {
          if (received) clearTimeout(pongTimer);
        },
      },
    });
    const ws = this.#ws;
    this.#client = createClient({
      url: url.href,
      requestPolicy: 'network-only',
      exchanges: [
        subscriptionExchange({
          enableAllOperations: true,
          forwardSubscription: (request) => ({
            subscribe: (sink) => ({
              unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink),
            }),
          }),
        }),
      ],
    });
  }

  /** Runs a query or mutation; resolves with its data or rejects with a {@link WidgetError}. */
  async execute<Data, Variables extends AnyVariables>(
    kind: 'query' | 'mutation',
    document: Operation<Data, Variables>,
    variables: Variables,
  ): Promise<Data> {
    if (this.#disposed) throw new WidgetError(NETWORK_ERROR);
    const source =
      kind === 'query'
        ? this.#client.query<Data, Variables>(document, variables)
        : this.#client.mutation<Data, Variables>(document, variables);
    let abandon: (error: WidgetError) => void = () => {};
    const abandoned = new Promise<never>((_resolve, reject) => {
      abandon = reject;
    });
    this.#inFlight.add(abandon);
    try {
      // graphql-ws resends an unanswered operation after a reconnect; only dispose abandons it.
      const result = await Promise.race([source.toPromise(), abandoned]);
      if (result.error) throw toWidgetError(result.error);
      if (result.data === undefined) throw new WidgetError(NETWORK_ERROR);
      return result.data;
    } finally {
      this.#inFlight.delete(abandon);
    }
  }

  /** Starts a subscription; returns the function that stops it. */
  subscribe<Data, Variables extends AnyVariables>(
    document: Operation<Data, Variables>,
    variables: Variables,
    onData: (data: Data) => void,
    onError: (error: WidgetError) => void,
  ): () => void {
    const subscription = this.#client
      .subscription<Data, Variables>(document, variables)
      .subscribe((result) => {
        if (result.error) onError(toWidgetError(result.error));
        else if (result.data !== undefined) onData(result.data);
      });
    return () => subscription.unsubscribe();
  }

  /** Closes the socket for good; no callback fires afterwards. */
  dispose(): void {
    this.#disposed = true;
    for (const abandon of this.#inFlight) abandon(new WidgetError(NETWORK_ERROR));
    this.#inFlight.clear();
    void this.#ws.dispose();
  }
}

/** The error code of a failed operation, as the widget's callers see it. */
export function toWidgetError(error: CombinedError): WidgetError {
  const graphQLError = error.graphQLErrors[0];
  const { code, retryAfterSeconds } = graphQLError?.extensions ?? {};
  if (graphQLError && typeof code === 'string') {
    const wait = typeof retryAfterSeconds === 'number' ? retryAfterSeconds : 0;
    return new WidgetError(code, graphQLError.message, wait);
  }
  return new WidgetError(NETWORK_ERROR, error.message);
}

function refusalOf(event: unknown): Refusal | null {
  if (typeof event !== 'object' || event === null) return null;
  const { code, reason } = event as { code?: unknown; reason?: unknown };
  if (code !== CloseCode.Forbidden && code !== CloseCode.IdentityRejected) return null;
  return { code, reason: typeof reason === 'string' ? reason : '' };
}

/** Waits `ms`, or less when the browser reports it is back online. */
function waitOrOnline(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      window.removeEventListener('online', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    window.addEventListener('online', done);
  });
}
