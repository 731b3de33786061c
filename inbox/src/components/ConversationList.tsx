import type { ConversationStatus } from '../graphql.ts';
import { useConversationList } from '../hooks/useConversationList.ts';
import { ConversationRow } from './ConversationRow.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';

const TABS: ReadonlyArray<{ status: ConversationStatus; label: string }> = [
  { status: 'OPEN', label: 'Open' },
  { status: 'CLOSED', label: 'Closed' },
];

export function ConversationList(props: {
  status: ConversationStatus;
  onStatus: (status: ConversationStatus) => void;
  selectedId: string | null;
}) {
  const list = useConversationList(props.status);
  return (
    <section className="conversation-list" aria-label="Conversations">
      <fieldset className="tabs">
        <legend className="sr-only">Show conversations</legend>
        {TABS.map((tab) => (
          <button
            key={tab.status}
            type="button"
            aria-pressed={props.status === tab.status}
            onClick={() => props.onStatus(tab.status)}
          >
            {tab.label}
          </button>
        ))}
      </fieldset>
      <ErrorMessage error={list.error} />
      <ul>
        {list.conversations.map((conversation) => (
          <ConversationRow
            key={conversation.id}
            conversation={conversation}
            selected={conversation.id === props.selectedId}
          />
        ))}
      </ul>
      {!list.loading && list.conversations.length === 0 && !list.error && (
        <p className="empty">
          {props.status === 'OPEN' ? 'No open conversations.' : 'No closed conversations.'}
        </p>
      )}
      {list.loading && <p className="loading">Loading…</p>}
      {list.hasMore && !list.loading && (
        <button type="button" className="more" onClick={list.loadMore}>
          Load more
        </button>
      )}
    </section>
  );
}
