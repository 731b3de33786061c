import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from 'urql';
import { useConversationRead, useInboxEvent, useOnConnected } from '../events.tsx';
import { graphql } from '../gql/index.ts';

const UnreadTotalQuery = graphql(`
  query InboxUnreadCount {
    inboxUnreadCount
  }
`);

/**
 * How many visitor messages the agent has not read in the open conversations of its own or of
 * no one: read again whenever a conversation changes or the agent reads one, one request at a
 * time (changes during a request ask for one more). Null until the first answer.
 */
export function useUnreadTotal(): number | null {
  const client = useClient();
  const [total, setTotal] = useState<number | null>(null);
  const reading = useRef({ running: false, again: false });

  const read = useCallback(async () => {
    const state = reading.current;
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = true;
    do {
      state.again = false;
      const result = await client
        .query(UnreadTotalQuery, {}, { requestPolicy: 'network-only' })
        .toPromise();
      if (result.data) setTotal(result.data.inboxUnreadCount);
    } while (state.again);
    state.running = false;
  }, [client]);

  useEffect(() => {
    void read();
  }, [read]);
  useOnConnected(() => void read());
  useConversationRead(() => void read());
  useInboxEvent((event) => {
    if (event.conversation) void read();
  });
  return total;
}

/** The document's title with the count in front, `(3) Sonny`, while there is one. */
export function useUnreadTitle(total: number | null): void {
  useEffect(() => {
    const base = 'Sonny';
    document.title = total ? `(${total}) ${base}` : base;
    return () => {
      document.title = base;
    };
  }, [total]);
}
