import type { RateLimiter } from '../conversations/rate-limit.ts';
import type { Db } from '../db/database.ts';
import type { VisitorRef } from '../identity/visitors.ts';
import type { PubSub } from '../realtime/pubsub.ts';

/** The joined visitor behind a WebSocket, and what its socket lets a resolver do. */
export interface VisitorSession {
  readonly visitor: VisitorRef;
  /** Runs `task` once the answer to the current operation has been sent on the socket. */
  afterResponse(task: () => void): void;
}

/** What every resolver receives. */
export interface Context {
  readonly db: Db;
  readonly pubsub: PubSub;
  /** Per-instance limits on what visitors may do, by visitor id. */
  readonly rateLimits: { readonly visitorMessages: RateLimiter };
  /** Set on sockets whose join was accepted; null over HTTP and before a join. */
  readonly visitorSession: VisitorSession | null;
}

/** The context of a field that requires a joined visitor. */
export interface VisitorContext extends Context {
  readonly visitorSession: VisitorSession;
}
