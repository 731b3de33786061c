import { useConversationRead, useInboxEvent, useOnConnected } from '../events.tsx';
import type {
  ConversationAssignee,
  ConversationStatus,
  ConversationSummary,
} from '../fragments.ts';
import { graphql } from '../gql/index.ts';
import { useMe } from '../me.tsx';
import { applyEvent, applyRead, isAsRecent, sortByActivity } from '../state/conversations.ts';
import { type PagedList, usePagedList } from './usePagedList.ts';

const ConversationsQuery = graphql(`
  query Conversations(
    $status: ConversationStatus
    $assignee: ConversationAssignee
    $first: Int
    $after: String
  ) {
    conversations(status: $status, assignee: $assignee, first: $first, after: $after) {
      edges {
        node {
          ...ConversationFields
        }
      }
      pageInfo {
        ...PageFields
      }
    }
  }
`);

/**
 * The conversations with one status and assignee, newest activity first: loaded page by page,
 * then kept current by inbox events (a conversation that changes status or assignee leaves
 * the list) and by the agent's read marks.
 */
export function useConversationList(
  status: ConversationStatus,
  assignee: ConversationAssignee,
): PagedList<ConversationSummary> {
  const me = useMe();
  const list = usePagedList({
    query: ConversationsQuery,
    variables: { status, assignee },
    connection: (data) => data.conversations,
    order: sortByActivity,
    // Read marks are not replayed after a reconnect: the counts loaded again are the news.
    takeLoaded: (shown, loaded) => isAsRecent(loaded, shown),
  });

  // The first page loaded before the event stream started (or while it was down) may lack a
  // conversation; loading it again once the stream is on closes that gap.
  useOnConnected(list.refresh);

  useInboxEvent((event) => {
    list.update((current) => applyEvent(current, event, { status, assignee, me: me.id }));
  });
  useConversationRead((read) => list.update((current) => applyRead(current, read)));

  return list;
}
