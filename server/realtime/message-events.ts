import type { MessageModel } from '../conversations/messages.ts';
import { channels } from './channels.ts';
import type { PubSub } from './pubsub.ts';

/** Where a message was written: the conversation's visitor and, if linked, its contact. */
export interface MessageAudience {
  readonly visitorId: string;
  readonly contactId: string | null;
}

/**
 * Delivers a committed message to every live `visitorEvents` that may see it: the
 * conversation's own visitor and, when the conversation has a contact, the contact's verified
 * visitors on other devices. Call it after the write commits, from every path that adds a
 * message (visitor sends, agent replies).
 */
export function publishMessage(
  pubsub: PubSub,
  message: MessageModel,
  { visitorId, contactId }: MessageAudience,
): void {
  pubsub.publish(channels.visitorMessages(visitorId), message);
  if (contactId !== null) pubsub.publish(channels.contactMessages(contactId), message);
}
