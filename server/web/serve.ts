import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { SecretBox } from '../access/secret-box.ts';
import type { Db } from '../db/database.ts';
import type { Logger } from '../ops/logger.ts';
import { demoHandler } from './demo.ts';
import { INBOX_BUILD_DIR, inboxHandler } from './inbox.ts';
import { WIDGET_BUILD_FILE, widgetHandler } from './widget.ts';

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
  readonly secrets: SecretBox;
  /** Whether the demo is on (`SONNY_DEMO`): its page at `/` and its token endpoint. */
  readonly demo: boolean;
}

/** Answers one non-GraphQL request; anything no handler takes is a 404. */
export type WebServer = (
  request: IncomingMessage,
  response: ServerResponse,
  context: WebContext,
) => Promise<void>;

/**
 * Every non-GraphQL path the server answers, tried in order: `first` (the probes and the
 * metrics), then the files `npm run build` wrote into `distDir`, then the demo page.
 */
export function serveWeb(options: {
  readonly distDir: string;
  readonly first: readonly WebHandler[];
  readonly logger: Logger;
}): WebServer {
  const { logger } = options;
  const handlers: WebHandler[] = [
    ...options.first,
    inboxHandler(join(options.distDir, INBOX_BUILD_DIR), (error, file) =>
      logger.error({ err: error, file }, 'Could not read a file of the inbox'),
    ),
    widgetHandler(join(options.distDir, WIDGET_BUILD_FILE)),
    demoHandler(),
  ];
  return async (request, response, context) => {
    for (const handler of handlers) {
      if (await handler(request, response, context)) return;
    }
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('Not found');
  };
}
