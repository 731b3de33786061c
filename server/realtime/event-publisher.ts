import type { DomainEvent, DomainEventPublisher } from '../conversations/events.ts';
import { channels } from './channels.ts';
import type { PubSub } from './pubsub.ts';

/**
 * Publishes the domain's committed events on their channels: the one place that knows which
 * channel each kind of event goes to. Units of work call it after their commit.
 */
export function publisherOver(pubsub: PubSub): DomainEventPublisher {
  return {
    publish(events) {
      for (const event of events) publishEvent(pubsub, event);
    },
  };
}

function publishEvent(pubsub: PubSub, event: DomainEvent): void {
  switch (event.kind) {
    case 'message-added': {
      // The conversation's own visitor, and the contact's verified visitors on other devices.
      const { message, audience } = event;
      pubsub.publish(channels.visitorMessages(audience.visitorId), message);
      if (audience.contactId !== null) {
        pubsub.publish(channels.contactMessages(audience.contactId), message);
      }
      return;
    }
    case 'inbox-event-appended':
      pubsub.publish(channels.inboxEvents(event.event.workspaceId), event.event);
      return;
    case 'visitors-ended':
      // Each instance closes its own sockets of these visitors.
      for (const visitorId of event.visitorIds) {
        pubsub.publish(channels.endedVisitors, { visitorId });
      }
      return;
    case 'conversation-read':
      pubsub.publish(channels.agentReads(event.agentId), { conversationId: event.conversationId });
      return;
    case 'agent-session-ended':
      pubsub.publish(channels.endedSessions, { sessionId: event.sessionId });
      return;
  }
}
