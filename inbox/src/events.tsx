import { createContext, type ReactNode, useContext, useEffect, useRef } from 'react';
import type { InboxClient } from './client.ts';
import { type InboxError, toInboxError } from './errors.ts';
import type { ConversationSummary, InboxEvent } from './fragments.ts';
import { graphql } from './gql/index.ts';

const InboxEventsSubscription = graphql(`
  subscription InboxEvents($after: ID) {
    inboxEvents(after: $after) {
      ...InboxEventFields
    }
  }
`);

const ConversationsReadSubscription = graphql(`
  subscription ConversationsRead {
    conversationsRead {
      ...ConversationFields
    }
  }
`);

type Listener = (event: InboxEvent) => void;
type ReadListener = (conversation: ConversationSummary) => void;

interface InboxEvents {
  listen(listener: Listener): () => void;
  listenRead(listener: ReadListener): () => void;
  listenConnected(listener: () => void): () => void;
}

const EventsContext = createContext<InboxEvents | null>(null);

/** How many event ids are remembered to drop the ones a replay delivers twice. */
const SEEN_LIMIT = 1000;

/**
 * Subscribes once to `inboxEvents` for the whole app and hands each event to every listener.
 * After a reconnect it subscribes again with `after` set to the last event it saw, so the
 * server replays what was missed; events delivered twice across the switch are dropped.
 * It also follows the agent's own read marks (`conversationsRead`), which are live only:
 * what missed one while the socket was down reads again on `useOnConnected`.
 */
export function InboxEventsProvider(props: {
  client: InboxClient;
  onError: (error: InboxError) => void;
  children: ReactNode;
}) {
  const listeners = useRef(new Set<Listener>());
  const readListeners = useRef(new Set<ReadListener>());
  const connectedListeners = useRef(new Set<() => void>());
  const value = useRef<InboxEvents>({
    listen(listener) {
      listeners.current.add(listener);
      return () => listeners.current.delete(listener);
    },
    listenRead(listener) {
      readListeners.current.add(listener);
      return () => readListeners.current.delete(listener);
    },
    listenConnected(listener) {
      connectedListeners.current.add(listener);
      return () => connectedListeners.current.delete(listener);
    },
  });
  const { client, onError } = props;

  useEffect(() => {
    let lastId: string | null = null;
    const seen = new Set<string>();
    let stop = () => {};
    const start = () => {
      stop();
      const source = client.urql.subscription(InboxEventsSubscription, { after: lastId });
      stop = source.subscribe((result) => {
        if (result.error) {
          onError(toInboxError(result.error));
          return;
        }
        const event = result.data?.inboxEvents;
        if (!event || seen.has(event.id)) return;
        seen.add(event.id);
        if (seen.size > SEEN_LIMIT) {
          const oldest = seen.values().next().value;
          if (oldest !== undefined) seen.delete(oldest);
        }
        lastId = event.id;
        for (const listener of listeners.current) listener(event);
      }).unsubscribe;
    };
    start();
    // graphql-ws subscribes this one again by itself after a reconnect.
    const reads = client.urql
      .subscription(ConversationsReadSubscription, {})
      .subscribe((result) => {
        if (result.error) {
          onError(toInboxError(result.error));
          return;
        }
        const read = result.data?.conversationsRead;
        if (read) for (const listener of readListeners.current) listener(read);
      });
    const off = client.socket.on('connected', (_socket, _payload, wasRetry) => {
      if (wasRetry) start();
      for (const listener of connectedListeners.current) listener();
    });
    return () => {
      off();
      stop();
      reads.unsubscribe();
    };
  }, [client, onError]);

  return <EventsContext.Provider value={value.current}>{props.children}</EventsContext.Provider>;
}

/** Calls `listener` with every inbox event while the component is mounted. */
export function useInboxEvent(listener: Listener): void {
  useRegistered('useInboxEvent', (events, call) => events.listen(call), listener);
}

/** Calls `listener` with each conversation the agent reads, here or in another session. */
export function useConversationRead(listener: ReadListener): void {
  useRegistered('useConversationRead', (events, call) => events.listenRead(call), listener);
}

/**
 * Calls `listener` each time the socket (re)connects, once the event stream is subscribed
 * again: what was loaded over HTTP before that may have missed an event.
 */
export function useOnConnected(listener: () => void): void {
  useRegistered<void>(
    'useOnConnected',
    (events, call) => events.listenConnected(() => call()),
    listener,
  );
}

/**
 * Keeps the component's latest `listener` registered with the provider while it is mounted;
 * `register` must not depend on the component (it registers once).
 */
function useRegistered<Value>(
  hook: string,
  register: (events: InboxEvents, call: (value: Value) => void) => () => void,
  listener: (value: Value) => void,
): void {
  const events = useContext(EventsContext);
  if (events === null) throw new Error(`${hook} needs an InboxEventsProvider`);
  const latest = useRef(listener);
  latest.current = listener;
  const registerOnce = useRef(register).current;
  useEffect(() => registerOnce(events, (value) => latest.current(value)), [events, registerOnce]);
}
