import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Db } from '../db/database.ts';
import { demoHandler } from './demo.ts';
import { inboxHandler } from './inbox.ts';
import { widgetHandler } from './widget.ts';

/**
 * Serves one kind of page or asset. Returns false when the request is not its own, so the
 * next handler may take it. `context` is what a handler may use of the running server;
 * `serveWeb` always passes it.
 */
export type WebHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  context?: WebContext,
) => Promise<boolean>;

/** What a handler may use of the running server. */
export interface WebContext {
  readonly db: Db;
}

/** Every non-GraphQL path the server answers, tried in order; anything else is a 404. */
const handlers: WebHandler[] = [inboxHandler(), widgetHandler(), demoHandler()];

export async function serveWeb(
  request: IncomingMessage,
  response: ServerResponse,
  context: WebContext,
): Promise<void> {
  for (const handler of handlers) {
    if (await handler(request, response, context)) return;
  }
  response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  response.end('Not found');
}
