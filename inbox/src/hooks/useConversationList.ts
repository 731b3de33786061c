import { useCallback, useEffect, useState } from 'react';
import { useClient } from 'urql';
import { type InboxError, toInboxError } from '../errors.ts';
import { useInboxEvent } from '../events.tsx';
import {
  type ConversationStatus,
  type ConversationSummary,
  ConversationsQuery,
  type InboxEvent,
} from '../graphql.ts';

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
      setConversations((current) => sortByActivity(merge(after === null ? [] : current, nodes)));
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

function merge(
  current: readonly ConversationSummary[],
  incoming: readonly ConversationSummary[],
): ConversationSummary[] {
  const byId = new Map(current.map((item) => [item.id, item]));
  for (const item of incoming) byId.set(item.id, item);
  return [...byId.values()];
}

function sortByActivity(list: ConversationSummary[]): ConversationSummary[] {
  return list.sort((a, b) => Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt));
}
