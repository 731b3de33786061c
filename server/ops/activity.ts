/**
 * What the transport and GraphQL layers report of the chat as it happens, for metrics. The
 * domain never sees it: the layers that call the domain report what it did.
 */
export interface Activity {
  /** A graphql-ws socket was admitted (its join or token accepted). */
  socketOpened(kind: SocketKind): void;
  /** An admitted socket closed. */
  socketClosed(kind: SocketKind): void;
  /** A widget's join was accepted, or refused for this reason. */
  joined(outcome: JoinOutcomeLabel): void;
  /** A visitor was identified: verified when an identity token vouched for the email. */
  identified(how: 'verified' | 'unverified'): void;
  /** A visitor was reset (its visitorId ended). */
  visitorReset(): void;
  /** A rate limit refused an attempt; `limit` is the rule's name. */
  rateLimited(limit: string): void;
}

/** Who holds a socket: a widget's visitor, a signed-in agent, an integrator's API key. */
export type SocketKind = 'visitor' | 'agent' | 'key';

/** `accepted`, or the kind of refusal (`unknown-site`, `identity-rejected`, …). */
export type JoinOutcomeLabel = string;

/** An {@link Activity} that records nothing. */
export const NO_ACTIVITY: Activity = Object.freeze({
  socketOpened() {},
  socketClosed() {},
  joined() {},
  identified() {},
  visitorReset() {},
  rateLimited() {},
});
