import { contactLabel } from '../format.ts';
import type { InboxEvent } from '../fragments.ts';

/** What a notification says, and the conversation a click on it opens. */
export interface Notice {
  readonly title: string;
  readonly body: string;
  readonly conversationId: string;
}

/**
 * The notice an event calls for, if any: a new conversation, or a visitor's message in a
 * conversation of the agent's or of no one (another agent's are theirs to answer). A new
 * conversation's first message is in its notice already: `opened` remembers the
 * conversations just announced, so that message says nothing more.
 */
export function noticeOf(event: InboxEvent, me: string, opened: Set<string>): Notice | null {
  const { conversation } = event;
  if (!conversation) return null;
  const assignee = conversation.assignee?.id ?? null;
  if (assignee !== null && assignee !== me) return null;
  const who = contactLabel(conversation.contact);
  if (event.kind === 'CONVERSATION_CREATED') {
    opened.add(conversation.id);
    return {
      title: `New conversation with ${who}`,
      body: conversation.lastMessage?.body ?? '',
      conversationId: conversation.id,
    };
  }
  if (event.kind !== 'MESSAGE_ADDED' || event.message?.author !== 'VISITOR') return null;
  if (opened.delete(conversation.id)) return null;
  return { title: who, body: event.message.body, conversationId: conversation.id };
}
