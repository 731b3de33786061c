// Which pages may join as a workspace's visitors: the workspace's allowed origins, checked
// against the `Origin` header of the socket's upgrade request.
import { type Expression, type RawBuilder, sql } from 'kysely';
import { badUserInput } from '../errors.ts';

/** The most origins a workspace may list. */
export const MAX_ALLOWED_ORIGINS = 50;
/** The longest origin accepted, in characters: room for a 253-character host and a port. */
export const MAX_ORIGIN_LENGTH = 300;

/** `scheme://authority` and at most a trailing slash: no path, query, fragment or user. */
const ORIGIN_SHAPE = /^[a-z][a-z0-9+.-]*:\/\/[^/?#@\\]+\/?$/i;

/**
 * Validates a workspace's allowed origins and returns them as browsers send them in `Origin`
 * (scheme and host lower-cased, a default port dropped, IDN hosts in punycode), duplicates
 * dropped, in the given order. Each must be `http` or `https`, a host and an optional port,
 * with no path: BAD_USER_INPUT names the first one that is not (`<field>[index]`).
 */
export function parseAllowedOrigins(raw: readonly string[], field: string): string[] {
  if (raw.length > MAX_ALLOWED_ORIGINS) {
    throw badUserInput(field, `At most ${MAX_ALLOWED_ORIGINS} allowed origins may be listed.`);
  }
  const origins = raw.map((value, index) => {
    const origin = parseOrigin(value.trim());
    if (origin === null) {
      throw badUserInput(
        `${field}[${index}]`,
        `“${shorten(value)}” is not an origin: give http:// or https://, a host and an optional port, with no path (like https://app.example.com).`,
      );
    }
    return origin;
  });
  return [...new Set(origins)];
}

/**
 * Whether a join whose upgrade request carried `origin` may use the workspace: always when
 * the workspace lists no origin, or when the request had no `Origin` header (not a browser:
 * such a client could send any header it likes, so refusing it would prove nothing).
 */
export function isOriginAllowed(allowed: readonly string[], origin: string | null): boolean {
  const key = originKey(origin);
  return allowed.length === 0 || key === null || allowed.includes(key);
}

/**
 * An `Origin` header as the allowed origins list it: null without one, and the empty string,
 * which no list holds, when it is no origin.
 */
export function originKey(origin: string | null): string | null {
  return origin === null ? null : (parseOrigin(origin) ?? '');
}

/**
 * {@link isOriginAllowed} in SQL, for a statement that reads the workspace and writes only if
 * the page may join: `key` is the header's {@link originKey}.
 */
export function admitsOrigin(
  allowedOrigins: Expression<string[]>,
  key: Expression<string | null>,
): RawBuilder<boolean> {
  return sql<boolean>`(cardinality(${allowedOrigins}) = 0 or ${key}::text is null or ${key}::text = any(${allowedOrigins}))`;
}

/** The serialised origin of `value`, or null when it is not an http(s) origin. */
function parseOrigin(value: string): string | null {
  if (value.length > MAX_ORIGIN_LENGTH || !ORIGIN_SHAPE.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  // No wildcards: a literal `*` host would never match, so it is a mistake worth naming.
  if (url.hostname === '' || url.hostname.includes('*')) return null;
  return url.origin;
}

/** A value short enough to quote in a message. */
function shorten(value: string): string {
  const characters = [...value];
  return characters.length > 60 ? `${characters.slice(0, 60).join('')}…` : value;
}
