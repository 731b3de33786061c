import { useCallback, useEffect, useState } from 'react';
import { useClient } from 'urql';
import { type InboxError, toInboxError } from '../errors.ts';
import { useInboxEvent } from '../events.tsx';
import {
  type ConversationStatus,
  type ConversationSummary,
  ConversationsQuery,
} from '../graphql.ts';
import { applyEvent, mergeConversations, sortByActivity } from '../state/conversations.ts';

const PAGE_SIZE = 20;

export interface ConversationList {
  readonly conversations: readonly ConversationSummary[];
  readonly loading: boolean;
  readonly error: InboxError | null;
  readonly hasMore: boolean;
  loadMore(): void;
}

/**
 * The conversations with one status, newest activity first: loaded page by page, then kept
 * current by inbox events (a conversation that changes status leaves the list).
 */
export function useConversationList(status: ConversationStatus): ConversationList {
  const client = useClient();
  const [conversations, setConversations] = useState<ConversationSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<InboxError | null>(null);

  const load = useCallback(
    async (after: string | null) => {
      setLoading(true);
      const result = await client
        .query(
          ConversationsQuery,
          { status, first: PAGE_SIZE, after },
          { requestPolicy: 'network-only' },
        )
        .toPromise();
      setLoading(false);
      if (!result.data) {
        setError(toInboxError(result.error));
        return;
      }
      setError(null);
      const page = result.data.conversations;
      const nodes = page.edges.map((edge) => edge.node);
      setConversations((current) =>
        sortByActivity(mergeConversations(after === null ? [] : current, nodes)),
      );
      setCursor(page.pageInfo.endCursor);
      setHasMore(page.pageInfo.hasNextPage);
    },
    [client, status],
  );

  useEffect(() => {
    setConversations([]);
    void load(null);
  }, [load]);

  useInboxEvent((event) => {
    setConversations((current) => applyEvent(current, event, status));
  });

  return {
    conversations,
    loading,
    error,
    hasMore,
    loadMore: () => {
      if (hasMore && !loading) void load(cursor);
    },
  };
}
