/**
 * The load generators' sockets: graphql-ws clients over `ws`, opened as the widget and the
 * inbox open theirs (the join or `{ authToken }` in `connection_init`), never retrying, so a
 * refusal is counted instead of hidden.
 */
import type { FormattedExecutionResult } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface Closed {
  readonly code: number;
  readonly reason: string;
}

// biome-ignore lint/suspicious/noExplicitAny: results are walked by path, as a client reads them.
export type Result = FormattedExecutionResult<Record<string, any>, unknown>;

export interface BenchSocket {
  readonly client: Client;
  /** Resolves once the server acknowledged `connection_init`; rejects with the close if not. */
  readonly connected: Promise<void>;
  readonly closed: Promise<Closed>;
  /** A query or mutation's single result (errors included, as the client receives them). */
  execute(query: string, variables?: Record<string, unknown>): Promise<Result>;
  /** Starts a subscription; returns the function that completes it. */
  subscribe(
    query: string,
    variables: Record<string, unknown>,
    onResult: (result: Result) => void,
  ): () => void;
  /** Closes the socket (1000) and resolves once it is closed. */
  close(): Promise<Closed>;
}

export function openSocket(url: string, connectionParams: Record<string, unknown>): BenchSocket {
  let resolveClosed!: (closed: Closed) => void;
  const closed = new Promise<Closed>((resolve) => {
    resolveClosed = resolve;
  });
  let resolveConnected!: () => void;
  let rejectConnected!: (error: Error) => void;
  const connected = new Promise<void>((resolve, reject) => {
    resolveConnected = resolve;
    rejectConnected = reject;
  });
  connected.catch(() => {});
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams,
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: () => {},
    on: {
      connected: () => resolveConnected(),
      closed: (event) => {
        const { code, reason } = event as Closed;
        const info = { code, reason: String(reason) };
        rejectConnected(new Error(`closed ${code} ${info.reason}`));
        resolveClosed(info);
      },
    },
  });
  return {
    client,
    connected,
    closed,
    execute(query, variables) {
      return new Promise<Result>((resolve, reject) => {
        let result: Result | undefined;
        client.subscribe(
          { query, variables },
          {
            next: (value) => {
              result = value;
            },
            error: (error) => reject(error instanceof Error ? error : new Error(describe(error))),
            complete: () => (result ? resolve(result) : reject(new Error('no result'))),
          },
        );
      });
    },
    subscribe(query, variables, onResult) {
      return client.subscribe(
        { query, variables },
        { next: onResult, error: () => {}, complete: () => {} },
      );
    },
    async close() {
      await client.dispose();
      return closed;
    },
  };
}

/** What graphql-ws rejected with: GraphQL errors, or the close event of a lost socket. */
function describe(error: unknown): string {
  if (Array.isArray(error)) return errorOf({ errors: error as Result['errors'] }) ?? 'error';
  const { code, reason } = error as Partial<Closed>;
  return code === undefined ? String(error) : `socket closed ${code} ${reason ?? ''}`;
}

/** `CODE: message` of a result's first error, or null when it has none. */
export function errorOf(result: Result): string | null {
  const first = result.errors?.[0];
  if (first === undefined) return null;
  return `${first.extensions?.code ?? 'error'}: ${first.message}`;
}

/**
 * Runs `task` for 0…count-1 with at most `concurrency` at once; resolves once all settled.
 * A failed task does not stop the others; the failures are returned.
 */
export async function runConcurrently(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<Error[]> {
  const failures: Error[] = [];
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const index = next++;
      try {
        await task(index);
      } catch (error) {
        failures.push(error instanceof Error ? error : new Error(String(error)));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return failures;
}
