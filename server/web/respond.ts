import type { ServerResponse } from 'node:http';

/** Headers every web answer carries: no MIME sniffing, no referrer to other sites. */
export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
} as const;

/** A short plain-text answer that no cache keeps. */
export function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    ...SECURITY_HEADERS,
    ...headers,
  });
  response.end(text);
}

/**
 * The answer for a path whose files `npm run build` has not made: 503, naming the command. The
 * server never builds at request time; `npm start` builds before it starts.
 */
export function sendNotBuilt(response: ServerResponse, what: 'widget' | 'inbox'): void {
  sendText(response, 503, `The ${what} is not built. Run \`npm run build\`, then reload.`);
}
