import type { ConversationStatus, ConversationSummary, InboxEvent } from '../fragments.ts';

/** The list after one event: the conversation updated, added, or removed if its status left. */
export function applyEvent(
  list: readonly ConversationSummary[],
  event: InboxEvent,
  status: ConversationStatus,
): ConversationSummary[] {
  const { conversation } = event;
  if (conversation) {
    const others = list.filter((item) => item.id !== conversation.id);
    if (conversation.status !== status) return others;
    return sortByActivity([...others, conversation]);
  }
  if (event.kind === 'VISITOR_IDENTIFIED' && event.visitor && event.contact) {
    const { visitor, contact } = event;
    return list.map((item) =>
      item.visitor.id === visitor.id
        ? { ...item, contact, identityVerified: visitor.identityVerified }
        : item,
    );
  }
  return list as ConversationSummary[];
}

/** Newest activity first (sorts in place). */
export function sortByActivity(list: ConversationSummary[]): ConversationSummary[] {
  return list.sort((a, b) => Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt));
}
