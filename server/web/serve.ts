import type { IncomingMessage, ServerResponse } from 'node:http';
import { inboxHandler } from './inbox.ts';

/**
 * Serves one kind of page or asset. Returns false when the request is not its own, so the
 * next handler may take it.
 */
export type WebHandler = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

/** Every non-GraphQL path the server answers, tried in order; anything else is a 404. */
const handlers: WebHandler[] = [inboxHandler()];

export async function serveWeb(request: IncomingMessage, response: ServerResponse): Promise<void> {
  for (const handler of handlers) {
    if (await handler(request, response)) return;
  }
  response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  response.end('Not found');
}
