/**
 * Sonny's contract between the server, the widget and the inbox, written down once: the path,
 * the `connection_init` payloads, the close codes and their reasons, the error codes and the
 * limits a client checks before sending. `schema.graphql` is the other half: the operations.
 *
 * This module imports nothing, so every runtime (Node, the widget in a page, the inbox) loads it
 * as is and the widget's bundle carries only the constants it uses.
 */

/** The path of every GraphQL request, HTTP and WebSocket alike (`graphql-transport-ws`). */
export const GRAPHQL_PATH = '/graphql';

/**
 * The join: the graphql-ws `connection_init` payload a widget sends when its socket opens.
 * `visitorId` is a random UUID the widget generated and keeps; it is the visitor's credential.
 * `email` and `name` carry an identity the page stored with `identify` before the socket
 * connected; the server identifies the visitor before acknowledging the connection.
 */
export interface JoinPayload {
  readonly siteId: string;
  readonly visitorId: string;
  readonly email?: string;
  readonly name?: string;
  /**
   * A signed identity token for `email` (JWT, HS256), minted by the site's backend; needs
   * `email`. With it the identify is verified: the visitor then sees every conversation of the
   * contact, from any device. Without it the identify is unverified (or refused, when the
   * workspace requires verified identities).
   */
  readonly identityToken?: string;
}

/**
 * The `connection_init` payload of an agent or an integrator's backend: a session token from
 * `login` or a secret API key. Told apart from a join by the absence of `siteId`.
 */
export interface AgentConnectionPayload {
  readonly authToken: string;
}

/** Close codes the server sends beyond graphql-ws's own. */
export const CloseCode = {
  /**
   * The join cannot be accepted: unknown siteId, malformed visitorId, a visitorId that was
   * ended (reset, or its sessions ended by the site), or a page whose origin the workspace does
   * not allow ({@link ForbiddenReason} says which). Do not retry with the same payload. Also
   * sent to a visitor's open sockets when it is ended.
   */
  Forbidden: 4403,
  /**
   * The identity in the join was refused; the close reason is the {@link ErrorCode}
   * (`BAD_USER_INPUT`, `IDENTITY_CONFLICT`, `IDENTITY_VERIFICATION_FAILED`,
   * `IDENTITY_TOKEN_EXPIRED`, `IDENTITY_VERIFICATION_REQUIRED`). Nothing was written.
   */
  IdentityRejected: 4400,
  /**
   * An agent's or integrator's socket whose `authToken` is unknown, revoked or expired; also
   * sent to open sockets when their session logs out ({@link UnauthorizedReason}).
   */
  Unauthorized: 4401,
  /**
   * The server cannot admit the socket right now: its database is unavailable (restarting,
   * unreachable). The standard "Try Again Later" code, which graphql-ws clients retry with their
   * backoff ({@link TryAgainLaterReason}).
   */
  TryAgainLater: 1013,
  /**
   * The join was refused by a rate limit (new visitors, identifies or contacts from this
   * address or for this site); nothing was written. The reason says how long to wait
   * ({@link rateLimitedReason}); reconnect after that, not sooner. Not 4429: graphql-ws
   * clients take that code (TooManyInitialisationRequests) as fatal and never reconnect.
   */
  RateLimited: 4420,
  /**
   * A WebSocket message larger than the server reads (64 KiB): the standard "Message Too Big".
   * No message a client of this protocol sends comes near it.
   */
  MessageTooBig: 1009,
  /**
   * The server is shutting down (WebSocket's own 1012, "Service Restart"). Not a refusal:
   * reconnect at once, with jitter, and another instance takes over. Operations executing were
   * answered first; one sent meanwhile was not executed: send it again on the new socket
   * (graphql-ws clients do).
   */
  ServiceRestart: 1012,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** The close reason of {@link CloseCode.ServiceRestart}. */
export const ServiceRestartReason = 'The server is restarting';

/** Close reasons for {@link CloseCode.Unauthorized}. */
export const UnauthorizedReason = {
  BadToken: 'Unknown, revoked or expired authToken',
  LoggedOut: 'The session was logged out',
} as const;

/** Close reasons for {@link CloseCode.TryAgainLater}. */
export const TryAgainLaterReason = {
  DatabaseUnavailable: 'Service briefly unavailable; reconnect shortly',
} as const;

/** The close reason of {@link CloseCode.RateLimited}: `Rate limited; retry after <n> s`. */
export function rateLimitedReason(retryAfterSeconds: number): string {
  return `Rate limited; retry after ${retryAfterSeconds} s`;
}

/** The seconds a {@link CloseCode.RateLimited} reason asks to wait; null for any other reason. */
export function retryAfterOfReason(reason: string): number | null {
  const match = /^Rate limited; retry after (\d+) s$/.exec(reason);
  return match ? Number(match[1]) : null;
}

/** Close reasons for {@link CloseCode.Forbidden}. */
export const ForbiddenReason = {
  UnknownSite: 'Unknown siteId',
  MalformedVisitorId: 'visitorId must be a UUID',
  MalformedJoin: 'The join payload must be an object with siteId and visitorId strings',
  /** Reset by the visitor, or ended by an agent or the site's backend (`endContactSessions`). */
  VisitorEnded: 'This visitorId was reset; start over with a new one',
  /** The workspace lists allowed origins and the page's `Origin` is not one of them. */
  OriginNotAllowed: 'This origin may not use this siteId',
} as const;

/**
 * True for the close codes after which a client must not reconnect with the same credential:
 * its token was refused or its visitorId cannot join.
 */
export function isFinalRefusal(closeCode: number): boolean {
  return closeCode === CloseCode.Unauthorized || closeCode === CloseCode.Forbidden;
}

/** Every error code a client can receive in `extensions.code`. */
export const ErrorCode = {
  /** An argument failed validation; `extensions.field` names it. */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** The operation needs a credential (a joined visitor, an agent or an API key) and has none valid. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The credential is valid but of a kind this operation does not accept (a key where agents only). */
  FORBIDDEN: 'FORBIDDEN',
  /** The identity token was signed for another email, with an unknown kid, or tampered with. */
  IDENTITY_VERIFICATION_FAILED: 'IDENTITY_VERIFICATION_FAILED',
  /**
   * The identity token's `exp` has passed, or it was issued before the person's sessions were
   * ended (`endContactSessions`): mint a fresh one.
   */
  IDENTITY_TOKEN_EXPIRED: 'IDENTITY_TOKEN_EXPIRED',
  /** The workspace accepts only verified identifies (`requireVerifiedIdentity`). */
  IDENTITY_VERIFICATION_REQUIRED: 'IDENTITY_VERIFICATION_REQUIRED',
  /** The visitor is already bound to a different contact; reset first. */
  IDENTITY_CONFLICT: 'IDENTITY_CONFLICT',
  /**
   * The operation exceeds a documented limit; nothing was executed. `extensions.limit` names it
   * (`tokens`, `aliases`, `directives`, `depth` or `cost`) and `extensions.max` is its value.
   */
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /**
   * The socket already runs as many operations at once as it may (`extensions.max`, counting
   * its subscriptions); nothing was started. Complete one first.
   */
  TOO_MANY_OPERATIONS: 'TOO_MANY_OPERATIONS',
  /** Too many requests of this kind; `extensions.retryAfterSeconds` says when to try again. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The object does not exist, or the caller may not see it: the two are indistinguishable. */
  NOT_FOUND: 'NOT_FOUND',
  /**
   * The database is briefly unreachable (restarting, unreachable, every connection busy). Retry
   * after `extensions.retryAfterSeconds`. A write cut off at its commit may have been stored:
   * resend a message with the same `clientMessageId` and the stored one comes back.
   */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Limits a client checks before sending; the server enforces the same numbers. */
export const Limits = {
  /** A message body, in characters (code points). */
  messageBodyLength: 10_000,
  /** A `clientMessageId`, in characters. */
  clientMessageIdLength: 100,
  /** An email address, in characters (RFC 5321's forward-path of 256 octets). */
  emailLength: 254,
  /** A display name, in characters. */
  nameLength: 200,
  /** A workspace's team name, the widget's header, in characters. */
  teamNameLength: 60,
  /** A workspace's greeting, shown in an empty conversation, in characters. */
  greetingLength: 280,
  /**
   * Any string argument, and any string of the join payload, in UTF-16 code units: generous,
   * far above every per-field limit, so that only abuse meets it, and below the 64 KiB a socket
   * message may hold, so a socket and HTTP refuse it alike. Strings must also be well formed
   * (no unpaired surrogate) and hold no NUL character.
   */
  stringLength: 50_000,
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID in its canonical text form, as visitorIds and object ids are. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
