import { useInboxEvent, useOnConnected } from '../events.tsx';
import type { ConversationStatus, ConversationSummary } from '../fragments.ts';
import { graphql } from '../gql/index.ts';
import { applyEvent, sortByActivity } from '../state/conversations.ts';
import { type PagedList, usePagedList } from './usePagedList.ts';

const ConversationsQuery = graphql(`
  query Conversations($status: ConversationStatus, $first: Int, $after: String) {
    conversations(status: $status, first: $first, after: $after) {
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
 * The conversations with one status, newest activity first: loaded page by page, then kept
 * current by inbox events (a conversation that changes status leaves the list).
 */
export function useConversationList(status: ConversationStatus): PagedList<ConversationSummary> {
  const list = usePagedList({
    query: ConversationsQuery,
    variables: { status },
    connection: (data) => data.conversations,
    order: sortByActivity,
  });

  // The first page loaded before the event stream started (or while it was down) may lack a
  // conversation; loading it again once the stream is on closes that gap.
  useOnConnected(list.refresh);

  useInboxEvent((event) => {
    list.update((current) => applyEvent(current, event, status));
  });

  return list;
}
