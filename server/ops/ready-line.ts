/**
 * The line `npm start` prints last, once the server accepts connections:
 * `Ready: listening on http://localhost:4000`. It carries the address the server really
 * listens on (with `PORT=0`, the port it was given), so a supervisor or a test that starts the
 * server waits for this one line instead of reading the banner above it.
 */
const PREFIX = 'Ready: listening on ';

/** The ready line for a server listening at `origin`. */
export function readyLine(origin: string): string {
  return `${PREFIX}${origin}`;
}

/** The origin a ready line announces; null for any other line. */
export function originOfReadyLine(line: string): string | null {
  if (!line.startsWith(PREFIX)) return null;
  const origin = line.slice(PREFIX.length).trim();
  return URL.canParse(origin) ? origin : null;
}
