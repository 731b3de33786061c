import type { IncomingMessage } from 'node:http';
import { SECURITY_HEADERS, sendText } from '../web/respond.ts';
import type { WebHandler } from '../web/serve.ts';

/** What a JSON endpoint answers: a status and a body to serialise. */
export interface JsonAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * A handler for one path that answers `GET` and `HEAD` with JSON that no cache keeps (a probe
 * must see the present), and any other method with 405.
 */
export function jsonEndpoint(
  path: string,
  answer: (request: IncomingMessage) => Promise<JsonAnswer>,
): WebHandler {
  return async (request, response) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== path) return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendText(response, 405, 'Method not allowed', { allow: 'GET, HEAD' });
      return true;
    }
    const { status, body } = await answer(request);
    response.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...SECURITY_HEADERS,
    });
    response.end(request.method === 'HEAD' ? undefined : JSON.stringify(body));
    return true;
  };
}
