import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { bearerToken } from '../access/principal.ts';
import type { Config } from '../config.ts';
import { SECURITY_HEADERS, sendText } from '../web/respond.ts';
import type { WebHandler } from '../web/serve.ts';
import { listeningOrigin } from './listening-origin.ts';
import { listenOn } from './port.ts';

/** Where Prometheus scrapes. */
export const METRICS_PATH = '/metrics';

/**
 * What `/metrics` serves: a prom-client `Registry`, or in a cluster (SONNY_WORKERS) every
 * worker's metrics gathered by the primary.
 */
export interface MetricsSource {
  readonly contentType: string;
  /** The metrics in the text format of `contentType`. */
  metrics(): Promise<string>;
}

/**
 * `GET /metrics` in Prometheus's text format. With `token`, only a request with
 * `Authorization: Bearer <token>` gets them; any other gets 401.
 */
export function metricsHandler(source: MetricsSource, token: string | null): WebHandler {
  const authorized = token === null ? () => true : bearerMatcher(token);
  return async (request, response) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== METRICS_PATH) return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendText(response, 405, 'Method not allowed', { allow: 'GET, HEAD' });
      return true;
    }
    if (!authorized(request)) {
      sendText(response, 401, 'Unauthorized', { 'www-authenticate': 'Bearer realm="metrics"' });
      return true;
    }
    const body = await source.metrics();
    response.writeHead(200, {
      'content-type': source.contentType,
      'cache-control': 'no-store',
      ...SECURITY_HEADERS,
    });
    response.end(request.method === 'HEAD' ? undefined : body);
    return true;
  };
}

/** Compares digests in constant time, so the answer's timing says nothing of the token. */
function bearerMatcher(token: string): (request: IncomingMessage) => boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  const expected = digest(token);
  return (request) => {
    const given = bearerToken(request.headers.authorization);
    return given !== null && timingSafeEqual(digest(given), expected);
  };
}

/** A listener of its own for `/metrics` (METRICS_PORT), for scrapers on a private network. */
export interface MetricsListener {
  start(): Promise<void>;
  /** `http://host:port` it listens on; only after `start()`. */
  origin(): string;
  stop(): Promise<void>;
}

/** Serves `handler` on `port` of `host`, and 404 for every other path. */
export function metricsListener(options: {
  readonly port: number;
  readonly host: string;
  readonly handler: WebHandler;
  readonly onError: (error: unknown) => void;
}): MetricsListener {
  const server: Server = createServer((request, response) => {
    options.handler(request, response).then(
      (handled) => {
        if (!handled) sendText(response, 404, 'Not found');
      },
      (error: unknown) => {
        options.onError(error);
        if (!response.headersSent) sendText(response, 500, 'Internal server error');
        else response.end();
      },
    );
  });
  return {
    start: () =>
      listenOn(server, { port: options.port, host: options.host, variable: 'METRICS_PORT' }),
    origin: () => listeningOrigin(server),
    async stop() {
      if (!server.listening) return;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Where `/metrics` is served, for the start's log line: on `listenerOrigin` (METRICS_PORT), on
 * the main port behind METRICS_TOKEN, or `off`.
 */
export function metricsLocation(
  listenerOrigin: string | null,
  config: Pick<Config, 'metricsToken'>,
  origin: string,
): string {
  if (listenerOrigin !== null) return `${listenerOrigin}${METRICS_PATH}`;
  return config.metricsToken === null ? 'off' : `${origin}${METRICS_PATH} (METRICS_TOKEN)`;
}
