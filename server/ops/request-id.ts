import { randomUUID } from 'node:crypto';

/** The header that carries a request's id, in both directions. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * What an incoming id may look like to be kept: 1 to 128 characters of letters, digits and
 * `. _ : -`, so a proxy's id (a UUID, a trace id) survives and nothing else reaches a log line.
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The id of a request: the incoming `x-request-id` when it is sane (a proxy in front set it,
 * and its logs then match ours), otherwise a new UUID.
 */
export function requestIdFrom(header: string | string[] | undefined): string {
  const incoming = Array.isArray(header) ? header[0] : header;
  return incoming !== undefined && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** A new request id, for what arrives without a header (a graphql-ws operation). */
export function newRequestId(): string {
  return randomUUID();
}
