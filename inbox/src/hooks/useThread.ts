import { useCallback, useEffect, useState } from 'react';
import { useClient } from 'urql';
import { type InboxError, toInboxError } from '../errors.ts';
import { useConversationRead, useInboxEvent } from '../events.tsx';
import type { ConversationSummary, Message } from '../fragments.ts';
import { graphql } from '../gql/index.ts';
import { isAsRecent } from '../state/conversations.ts';
import { mergeMessages } from '../state/messages.ts';

/** Messages loaded at first and per page back. */
export const THREAD_PAGE = 30;

const ConversationQuery = graphql(`
  query Conversation($id: ID!, $last: Int) {
    conversation(id: $id) {
      ...ConversationFields
      messages(last: $last) {
        ...MessageFields
      }
    }
  }
`);

const OlderMessagesQuery = graphql(`
  query OlderMessages($id: ID!, $last: Int, $before: ID) {
    conversation(id: $id) {
      id
      messages(last: $last, before: $before) {
        ...MessageFields
      }
    }
  }
`);

export interface Thread {
  readonly conversation: ConversationSummary | null;
  readonly messages: readonly Message[];
  readonly loading: boolean;
  /** The conversation does not exist, or belongs to another workspace. */
  readonly notFound: boolean;
  readonly error: InboxError | null;
  readonly hasOlder: boolean;
  readonly loadingOlder: boolean;
  loadOlder(): void;
  /** Puts a message the agent sent into the thread (the event for it may come first or later). */
  addMessage(message: Message): void;
  /**
   * Takes the conversation as a mutation returned it, unless the thread shows later activity
   * already (an event overtook the answer).
   */
  setConversation(conversation: ConversationSummary): void;
}

/**
 * One conversation and its messages: the newest page first, older pages on demand, and every
 * new message, status change, assignment and identification live from inbox events, and the
 * agent's read marks from any of its sessions.
 */
export function useThread(conversationId: string): Thread {
  const client = useClient();
  const [conversation, setConversation] = useState<ConversationSummary | null>(null);
  const [messages, setMessages] = useState<readonly Message[]>([]);
  const [loading, setLoading] = useState(true);
  const [notFound, setNotFound] = useState(false);
  const [error, setError] = useState<InboxError | null>(null);
  const [hasOlder, setHasOlder] = useState(false);
  const [loadingOlder, setLoadingOlder] = useState(false);

  useEffect(() => {
    let cancelled = false;
    setConversation(null);
    setMessages([]);
    setLoading(true);
    setNotFound(false);
    setError(null);
    client
      .query(
        ConversationQuery,
        { id: conversationId, last: THREAD_PAGE },
        { requestPolicy: 'network-only' },
      )
      .toPromise()
      .then((result) => {
        if (cancelled) return;
        setLoading(false);
        if (result.error) {
          setError(toInboxError(result.error));
          return;
        }
        const found = result.data?.conversation ?? null;
        if (found === null) {
          setNotFound(true);
          return;
        }
        const { messages: page, ...summary } = found;
        setConversation(summary);
        setMessages((current) => mergeMessages(page, current));
        setHasOlder(page.length === THREAD_PAGE);
      });
    return () => {
      cancelled = true;
    };
  }, [client, conversationId]);

  const oldestId = messages[0]?.id;
  const loadOlder = useCallback(() => {
    if (oldestId === undefined || loadingOlder) return;
    setLoadingOlder(true);
    client
      .query(
        OlderMessagesQuery,
        { id: conversationId, last: THREAD_PAGE, before: oldestId },
        { requestPolicy: 'network-only' },
      )
      .toPromise()
      .then((result) => {
        setLoadingOlder(false);
        const page = result.data?.conversation?.messages;
        if (!page) {
          setError(toInboxError(result.error));
          return;
        }
        setMessages((current) => mergeMessages(page, current));
        setHasOlder(page.length === THREAD_PAGE);
      });
  }, [client, conversationId, oldestId, loadingOlder]);

  useInboxEvent((event) => {
    if (event.conversation?.id === conversationId) setConversation(event.conversation);
    else if (event.kind === 'VISITOR_IDENTIFIED' && event.contact && event.visitor) {
      const { contact, visitor } = event;
      setConversation((current) =>
        current && current.visitor.id === visitor.id
          ? { ...current, contact, identityVerified: visitor.identityVerified }
          : current,
      );
    }
    const { message } = event;
    if (message && message.conversationId === conversationId) {
      setMessages((current) => mergeMessages(current, [message]));
    }
  });

  const takeIfAsRecent = (incoming: ConversationSummary) =>
    setConversation((current) =>
      current === null || isAsRecent(incoming, current) ? incoming : current,
    );
  useConversationRead((read) => {
    if (read.id === conversationId) takeIfAsRecent(read);
  });

  return {
    conversation,
    messages,
    loading,
    notFound,
    error,
    hasOlder,
    loadingOlder,
    loadOlder,
    addMessage: (message) => setMessages((current) => mergeMessages(current, [message])),
    setConversation: takeIfAsRecent,
  };
}
