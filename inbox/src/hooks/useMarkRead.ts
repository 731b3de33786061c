import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from 'urql';
import type { ConversationSummary } from '../fragments.ts';
import { graphql } from '../gql/index.ts';
import { useDocumentVisible } from './useDocumentVisible.ts';

const MarkReadMutation = graphql(`
  mutation MarkConversationRead($conversationId: ID!) {
    markConversationRead(conversationId: $conversationId) {
      ...ConversationFields
    }
  }
`);

/**
 * Marks the conversation read for the agent while it is shown: when it opens, and each time
 * it has unread messages again (a visitor wrote) while the tab is visible; a tab in the
 * background leaves them unread until the agent comes back to it. `onRead` gets the
 * conversation as the mark left it. One mark at a time; when one comes back, the conversation
 * as it is by then is looked at again, since a message may have landed meanwhile.
 */
export function useMarkRead(
  conversation: ConversationSummary | null,
  onRead: (conversation: ConversationSummary) => void,
): void {
  const client = useClient();
  const visible = useDocumentVisible();
  const marking = useRef(false);
  // Counts the marks that came back: each is a reason to look again, once rendered.
  const [answers, setAnswers] = useState(0);
  const id = conversation?.id ?? null;
  const unread = conversation?.unreadCount ?? 0;
  const latest = useRef({ id, unread, visible, onRead });
  latest.current = { id, unread, visible, onRead };

  const markIfUnread = useCallback(() => {
    const { id: conversationId, unread: count, visible: shown } = latest.current;
    if (conversationId === null || count === 0 || !shown || marking.current) return;
    marking.current = true;
    void client
      .mutation(MarkReadMutation, { conversationId })
      .toPromise()
      .then((result) => {
        marking.current = false;
        const read = result.data?.markConversationRead;
        // A failed mark is tried again with the next change, not in a loop.
        if (!read) return;
        latest.current.onRead(read);
        setAnswers((count) => count + 1);
      });
  }, [client]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: each change and each answer is a reason to look again; the values are read from `latest`.
  useEffect(markIfUnread, [markIfUnread, id, unread, visible, answers]);
}
