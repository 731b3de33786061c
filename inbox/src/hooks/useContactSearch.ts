import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from 'urql';
import { type InboxError, toInboxError } from '../errors.ts';
import { type ContactSummary, ContactsQuery } from '../graphql.ts';

export const CONTACTS_PAGE = 20;

type ContactRow = ContactSummary & { lastSeenAt: string };

export interface ContactSearch {
  readonly contacts: readonly ContactRow[];
  readonly loading: boolean;
  readonly error: InboxError | null;
  readonly hasMore: boolean;
  loadMore(): void;
}

/** Contacts matching `search` (all when blank), newest first, one page at a time. */
export function useContactSearch(search: string): ContactSearch {
  const client = useClient();
  const [contacts, setContacts] = useState<readonly ContactRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<InboxError | null>(null);

  // The search the latest answers are for; answers for an older one are dropped.
  const latest = useRef(search);
  latest.current = search;

  const load = useCallback(
    async (after: string | null) => {
      setLoading(true);
      const result = await client
        .query(
          ContactsQuery,
          { search: search.trim() || null, first: CONTACTS_PAGE, after },
          { requestPolicy: 'network-only' },
        )
        .toPromise();
      // An answer for a search the agent already typed past is dropped.
      if (latest.current !== search) return;
      setLoading(false);
      if (!result.data) {
        setError(toInboxError(result.error));
        return;
      }
      setError(null);
      const page = result.data.contacts;
      const nodes = page.edges.map((edge) => edge.node);
      setContacts((current) => {
        if (after === null) return nodes;
        const known = new Set(current.map((contact) => contact.id));
        return [...current, ...nodes.filter((contact) => !known.has(contact.id))];
      });
      setCursor(page.pageInfo.endCursor);
      setHasMore(page.pageInfo.hasNextPage);
    },
    [client, search],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  return {
    contacts,
    loading,
    error,
    hasMore,
    loadMore: () => {
      if (!hasMore || loading) return;
      void load(cursor);
    },
  };
}
