import { useCallback, useEffect, useState } from 'react';
import { useClient } from 'urql';
import { type InboxError, toInboxError } from '../errors.ts';
import { useInboxEvent, useOnConnected } from '../events.tsx';
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

  /** `after` null loads the first page; `refresh` adds its missing rows to what is shown. */
  const load = useCallback(
    async (after: string | null, refresh = false) => {
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
      if (refresh) {
        // Only what is missing: rows already shown are kept current by events, which may be
        // newer than this answer.
        setConversations((current) => sortByActivity(mergeConversations(nodes, current)));
        return;
      }
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

  // The first page loaded before the event stream started (or while it was down) may lack a
  // conversation; loading it again once the stream is on closes that gap.
  useOnConnected(() => void load(null, true));

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
