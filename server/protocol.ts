/**
 * The widget's protocol, written down once. The widget speaks GraphQL over graphql-ws
 * (`graphql-transport-ws` subprotocol) on the same port and path as HTTP: `/graphql`.
 */

/** The path of every GraphQL request, HTTP and WebSocket alike. */
export const GRAPHQL_PATH = '/graphql';

/**
 * The join: the graphql-ws `connection_init` payload a widget sends when its socket opens.
 * `visitorId` is a random UUID the widget generated and keeps; it is the visitor's credential.
 * `email` and `name` carry an identity the page stored with `identify` before the socket
 * connected; the server identifies the visitor before acknowledging the connection.
 * `identityToken`, minted by the site's backend for that email, makes the identify verified:
 * the visitor then sees every conversation of the contact, from any device. Without it the
 * identify is unverified (or refused, when the workspace requires verified identities).
 */
export interface JoinPayload {
  readonly siteId: string;
  readonly visitorId: string;
  readonly email?: string;
  readonly name?: string;
  /** A signed identity token for `email` (JWT, HS256); needs `email`. */
  readonly identityToken?: string;
}

/** Close codes the server uses beyond graphql-ws's own. */
export const JoinCloseCode = {
  /**
   * The join cannot be accepted: unknown siteId, malformed visitorId, or a visitorId that
   * was reset. The reason says which. Do not retry with the same payload.
   */
  Forbidden: 4403,
  /**
   * The identity in the join was refused; the close reason is the error code
   * (`BAD_USER_INPUT`, `IDENTITY_CONFLICT`, `IDENTITY_VERIFICATION_FAILED`,
   * `IDENTITY_TOKEN_EXPIRED`, `IDENTITY_VERIFICATION_REQUIRED`). Nothing was written.
   */
  IdentityRejected: 4400,
  /**
   * An agent's or integrator's socket (`{ authToken }` as the connection_init payload) whose
   * token is unknown, revoked or expired; also sent to open sockets when their session logs out.
   */
  Unauthorized: 4401,
} as const;

/**
 * The connection_init payload of an agent or an integrator's backend: a session token from
 * `login` or a secret API key. Distinguished from a join by the absence of `siteId`.
 */
export interface AuthPayload {
  readonly authToken: string;
}

/** Close reasons for {@link JoinCloseCode.Unauthorized}. */
export const UnauthorizedReason = {
  BadToken: 'Unknown, revoked or expired authToken',
  LoggedOut: 'The session was logged out',
} as const;

/** Close reasons for {@link JoinCloseCode.Forbidden}. */
export const ForbiddenReason = {
  UnknownSite: 'Unknown siteId',
  MalformedVisitorId: 'visitorId must be a UUID',
  MalformedJoin: 'The join payload must be an object with siteId and visitorId strings',
  VisitorEnded: 'This visitorId was reset; start over with a new one',
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
