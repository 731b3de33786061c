import type { AgentPrincipal, ApiKeyPrincipal, Principal } from '../access/principal.ts';
import type { RateLimits } from '../access/rate-limit.ts';
import type { SecretBox } from '../access/secret-box.ts';
import type { DomainEventPublisher } from '../conversations/events.ts';
import type { Db } from '../db/database.ts';
import type { VisitorRef } from '../identity/visitors.ts';
import type { Activity } from '../ops/activity.ts';
import type { Logger } from '../ops/logger.ts';
import type { PubSub } from '../realtime/pubsub.ts';

/** The joined visitor behind a WebSocket. */
export interface VisitorSession {
  readonly visitor: VisitorRef;
}

/** What every resolver receives. */
export interface Context {
  readonly db: Db;
  /** Seals and opens identity secrets (encrypted at rest with SONNY_SECRET_KEY when set). */
  readonly secrets: SecretBox;
  /** Where the domain's writes publish their events after commit; pass it to every write. */
  readonly publisher: DomainEventPublisher;
  /** For subscriptions, and signals that close sockets. */
  readonly pubsub: PubSub;
  /** Per visitor, email, client address and workspace: across instances with Redis. */
  readonly rateLimits: RateLimits;
  /** The client's address as the per-address limits count it (`TRUST_PROXY`). */
  readonly clientAddress: string;
  /** Set on sockets whose join was accepted; null over HTTP and before a join. */
  readonly visitorSession: VisitorSession | null;
  /** The agent or API key behind the request's token; null without a valid one. */
  readonly principal: Principal | null;
  /** True when a token was sent but is unknown, revoked or expired. */
  readonly rejectedToken: boolean;
  /** Where resolvers report what metrics count (identifies, resets). */
  readonly activity: Activity;
  /** The server's logger, bound to this operation's request id. */
  readonly log: Logger;
}

/** The context of a field that requires a joined visitor. */
export interface VisitorContext extends Context {
  readonly visitorSession: VisitorSession;
}

/** The context of a field for agents and API keys of a workspace. */
export interface WorkspaceContext extends Context {
  readonly principal: Principal;
}

/** The context of a field for signed-in agents only. */
export interface AgentContext extends Context {
  readonly principal: AgentPrincipal;
}

/** The context of a field for API keys only. */
export interface ApiKeyContext extends Context {
  readonly principal: ApiKeyPrincipal;
}
