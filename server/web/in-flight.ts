import type { ServerResponse } from 'node:http';

/**
 * The HTTP requests being answered, for a graceful shutdown: once draining, the server refuses
 * new requests ({@link refuse}) and every response closes its connection, so clients (and load
 * balancers) move on.
 */
export class HttpRequestsInFlight {
  readonly #open = new Set<ServerResponse>();
  #draining = false;
  #onIdle: (() => void) | null = null;

  /** True once {@link drain} was called. */
  get draining(): boolean {
    return this.#draining;
  }

  /** Counts the request in until its response closes. */
  track(response: ServerResponse): void {
    this.#open.add(response);
    response.once('close', () => {
      this.#open.delete(response);
      if (this.#open.size === 0) this.#onIdle?.();
    });
    if (this.#draining) response.setHeader('connection', 'close');
  }

  /** Answers 503: the server is shutting down, try another instance. */
  refuse(response: ServerResponse): void {
    response.writeHead(503, {
      'content-type': 'text/plain; charset=utf-8',
      'retry-after': '1',
      connection: 'close',
    });
    response.end('The server is shutting down.');
  }

  /** Marks the server draining; resolves once the requests in flight are answered. */
  drain(): Promise<void> {
    this.#draining = true;
    for (const response of this.#open) {
      if (!response.headersSent) response.setHeader('connection', 'close');
    }
    if (this.#open.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#onIdle = resolve;
    });
  }
}
