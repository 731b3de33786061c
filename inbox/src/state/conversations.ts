import type {
  ConversationAssignee,
  ConversationStatus,
  ConversationSummary,
  InboxEvent,
} from '../fragments.ts';

/** Which conversations a list shows: one status, and anyone's, no one's or the agent's own. */
export interface ListFilter {
  readonly status: ConversationStatus;
  readonly assignee: ConversationAssignee;
  /** The signed-in agent's id: whose conversations are "mine". */
  readonly me: string;
}

/** Whether the list of `filter` shows the conversation. */
export function belongsTo(conversation: ConversationSummary, filter: ListFilter): boolean {
  if (conversation.status !== filter.status) return false;
  const assigneeId = conversation.assignee?.id ?? null;
  if (filter.assignee === 'ME') return assigneeId === filter.me;
  if (filter.assignee === 'UNASSIGNED') return assigneeId === null;
  return true;
}

/**
 * The list after one event: the conversation updated, added, or removed if it left the list
 * (another status, another assignee).
 */
export function applyEvent(
  list: readonly ConversationSummary[],
  event: InboxEvent,
  filter: ListFilter,
): ConversationSummary[] {
  const { conversation } = event;
  if (conversation) {
    const others = list.filter((item) => item.id !== conversation.id);
    if (!belongsTo(conversation, filter)) return others;
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

/**
 * The list after the agent read a conversation (in this tab or another): its row, if shown,
 * takes the new count in place, unless the row already shows later activity.
 */
export function applyRead(
  list: readonly ConversationSummary[],
  read: ConversationSummary,
): ConversationSummary[] {
  return list.map((item) => (item.id === read.id && isAsRecent(read, item) ? read : item));
}

/**
 * Whether `incoming` knows at least what `shown` does: no activity of the conversation came
 * after it. A copy read later may still carry an older count when two answers cross.
 */
export function isAsRecent(incoming: ConversationSummary, shown: ConversationSummary): boolean {
  return Date.parse(incoming.lastActivityAt) >= Date.parse(shown.lastActivityAt);
}

/** Newest activity first (sorts in place). */
export function sortByActivity(list: ConversationSummary[]): ConversationSummary[] {
  return list.sort((a, b) => Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt));
}
