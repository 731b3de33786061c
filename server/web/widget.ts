import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { sendNotBuilt, sendText } from './respond.ts';
import type { WebHandler } from './serve.ts';

/** The path the snippet loads: `<script src="https://your-sonny/widget.js">`. */
export const WIDGET_PATH = '/widget.js';

/** Where `npm run build:widget` writes the bundle, inside the build directory. */
export const WIDGET_BUILD_FILE = 'widget.js';

/**
 * The snippet's URL carries no version, so browsers keep the file five minutes, then
 * revalidate with the ETag (a 304 costs a few bytes); a stale copy may serve for a day while
 * that happens.
 */
const CACHE_CONTROL = 'public, max-age=300, stale-while-revalidate=86400';

/** One version of the bundle with its compressed forms, computed once per version. */
interface Bundle {
  readonly key: string;
  readonly etag: string;
  readonly identity: Buffer;
  readonly gzip: Buffer;
  readonly br: Buffer;
}

/**
 * Serves the bundle at `path` (`dist/widget.js`) as `/widget.js`: JavaScript, ETag (304 on a
 * match), gzip or brotli by Accept-Encoding, and CORS/CORP headers so any site may embed it.
 * Without the bundle it answers 503 naming `npm run build`.
 */
export function widgetHandler(path: string): WebHandler {
  let cached: Bundle | null = null;

  /** The bundle, or null when it is not built. */
  async function load(): Promise<Bundle | null> {
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
      throw error;
    });
    if (info === null) return null;
    // A rebuild (npm run build:widget) replaces the file: serve the new one without a restart.
    const key = `${info.mtimeMs}:${info.size}`;
    if (cached?.key === key) return cached;
    const identity = await readFile(path);
    cached = {
      key,
      etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 22)}"`,
      identity,
      gzip: gzipSync(identity, { level: 9 }),
      br: brotliCompressSync(identity, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 11,
          [constants.BROTLI_PARAM_SIZE_HINT]: identity.length,
        },
      }),
    };
    return cached;
  }

  return async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== WIDGET_PATH) return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendText(response, 405, 'Method not allowed', { allow: 'GET, HEAD' });
      return true;
    }
    const bundle = await load();
    if (bundle === null) {
      sendNotBuilt(response, 'widget');
      return true;
    }
    const headers: Record<string, string> = {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': CACHE_CONTROL,
      etag: bundle.etag,
      vary: 'Accept-Encoding',
      'access-control-allow-origin': '*',
      'cross-origin-resource-policy': 'cross-origin',
      'x-content-type-options': 'nosniff',
    };
    if (matchesEtag(request, bundle.etag)) {
      response.writeHead(304, headers);
      response.end();
      return true;
    }
    const encoding = chooseEncoding(request.headers['accept-encoding']);
    const body = encoding === null ? bundle.identity : bundle[encoding];
    if (encoding !== null) headers['content-encoding'] = encoding;
    headers['content-length'] = String(body.length);
    response.writeHead(200, headers);
    response.end(request.method === 'HEAD' ? undefined : body);
    return true;
  };
}

function matchesEtag(request: IncomingMessage, etag: string): boolean {
  const header = request.headers['if-none-match'];
  if (header === undefined) return false;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === etag || tag === '*');
}

/** Brotli when accepted, else gzip, else none; `q=0` refuses an encoding. */
export function chooseEncoding(header: string | string[] | undefined): 'br' | 'gzip' | null {
  const accepted = new Map<string, number>();
  for (const part of (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
    accepted.set(name, q === undefined ? 1 : Number(q.slice(2)) || 0);
  }
  const wildcard = accepted.get('*') ?? 0;
  const weight = (name: string) => accepted.get(name) ?? wildcard;
  if (weight('br') > 0) return 'br';
  if (weight('gzip') > 0) return 'gzip';
  return null;
}
