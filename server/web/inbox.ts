import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { SECURITY_HEADERS, sendNotBuilt, sendText } from './respond.ts';
import type { WebHandler } from './serve.ts';

/** The path the inbox is served under; Vite builds it with this `base`. */
export const INBOX_PATH = '/inbox';

/** Where `npm run build:inbox` writes the inbox, inside the build directory. */
export const INBOX_BUILD_DIR = 'inbox';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Vite puts content-hashed files here: they never change, so browsers keep them for a year. */
const HASHED_ASSETS = '/assets/';

/**
 * The inbox holds an agent's session token: only its own scripts, styles and connections run
 * (the GraphQL socket is same-origin), and no page may frame it.
 */
export const INBOX_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // The favicon is an empty data: URL (inbox/index.html).
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** What every answer under `/inbox` carries beyond {@link SECURITY_HEADERS}. */
const INBOX_HEADERS = {
  'content-security-policy': INBOX_CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
} as const;

/**
 * Serves the inbox built into `root` at `/inbox` and below. Hashed assets are immutable; `index.html`
 * is revalidated on every load so a deploy is picked up at once. Any other path without a
 * file extension is a route of the app and gets `index.html` (single-page fallback); a
 * missing file with an extension is a 404. Paths never leave `root`.
 */
export function inboxHandler(
  root: string,
  /** Told when a file that exists could not be read; the response is cut. */
  onReadError: (error: unknown, file: string) => void,
): WebHandler {
  const base = resolve(root);
  return async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path !== INBOX_PATH && !path.startsWith(`${INBOX_PATH}/`)) return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendText(response, 405, 'Method not allowed', { ...INBOX_HEADERS, allow: 'GET, HEAD' });
      return true;
    }

    let relative: string;
    try {
      relative = decodeURIComponent(path.slice(INBOX_PATH.length));
    } catch {
      sendText(response, 400, 'Bad request', INBOX_HEADERS);
      return true;
    }
    // `..` segments (also encoded ones, decoded above), backslashes and NUL never reach the disk.
    if (relative.includes('\0') || relative.includes('\\') || relative.split('/').includes('..')) {
      sendText(response, 400, 'Bad request', INBOX_HEADERS);
      return true;
    }

    const index = resolve(base, 'index.html');
    if (!(await isFile(index))) {
      sendNotBuilt(response, 'inbox');
      return true;
    }

    const file = resolve(base, `.${relative}`);
    if (file !== base && !file.startsWith(base + sep)) {
      sendText(response, 400, 'Bad request', INBOX_HEADERS);
      return true;
    }
    // Source maps would hand out the inbox's source: the build makes none, and a stray one
    // left in the directory is not served either.
    if (extname(relative) === '.map') {
      sendText(response, 404, 'Not found', INBOX_HEADERS);
      return true;
    }
    if (relative !== '/' && relative !== '' && (await isFile(file))) {
      const hashed = relative.startsWith(HASHED_ASSETS);
      sendFile(
        request,
        response,
        file,
        hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
        onReadError,
      );
      return true;
    }
    if (extname(relative) !== '' || relative.startsWith(HASHED_ASSETS)) {
      sendText(response, 404, 'Not found', INBOX_HEADERS);
      return true;
    }
    sendFile(request, response, index, 'no-cache', onReadError);
    return true;
  };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function sendFile(
  request: IncomingMessage,
  response: ServerResponse,
  file: string,
  cacheControl: string,
  onReadError: (error: unknown, file: string) => void,
): void {
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': cacheControl,
    ...SECURITY_HEADERS,
    ...INBOX_HEADERS,
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', (error) => {
    onReadError(error, file);
    response.destroy(error);
  });
  stream.pipe(response);
}
