import type { AgentSessionEnded } from '../access/agents.ts';
import type { EventPublisher, UnitOfWork } from '../db/unit-of-work.ts';
import type { VisitorsEnded } from '../identity/end-sessions.ts';
import type { InboxEventAppended } from './inbox-events.ts';
import type { MessageModel } from './messages.ts';
import type { ConversationRead } from './read-marks.ts';

/** Where a message was written: the conversation's visitor and, if linked, its contact. */
export interface MessageAudience {
  readonly visitorId: string;
  readonly contactId: string | null;
}

/**
 * A message was added, by either side: every live `visitorEvents` that may see it gets it
 * (the conversation's visitor and, with a contact, the contact's verified visitors).
 */
export interface MessageAdded {
  readonly kind: 'message-added';
  readonly message: MessageModel;
  readonly audience: MessageAudience;
}

/** Every event a write of the domain records; realtime/ publishes each kind on its channels. */
export type DomainEvent =
  | InboxEventAppended
  | MessageAdded
  | VisitorsEnded
  | AgentSessionEnded
  | ConversationRead;

/** A unit of work of the domain: writes in `trx`, events recorded for after the commit. */
export type DomainWork = UnitOfWork<DomainEvent>;

/** What publishes the domain's committed events (realtime/ implements it over pub/sub). */
export type DomainEventPublisher = EventPublisher<DomainEvent>;
