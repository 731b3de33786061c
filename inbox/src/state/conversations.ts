import type { ConversationStatus, ConversationSummary, InboxEvent } from '../graphql.ts';

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

/** Both lists as one, each conversation once, the incoming copy winning. */
export function mergeConversations(
  current: readonly ConversationSummary[],
  incoming: readonly ConversationSummary[],
): ConversationSummary[] {
  const byId = new Map(current.map((item) => [item.id, item]));
  for (const item of incoming) byId.set(item.id, item);
  return [...byId.values()];
}

/** Newest activity first (sorts in place). */
export function sortByActivity(list: ConversationSummary[]): ConversationSummary[] {
  return list.sort((a, b) => Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt));
}
