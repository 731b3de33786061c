import type { ConversationStatus } from '../fragments.ts';
import { useConversationList } from '../hooks/useConversationList.ts';
import { ConversationRow } from './ConversationRow.tsx';
import { PagedRows } from './PagedRows.tsx';

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
      <PagedRows
        list={list}
        empty={props.status === 'OPEN' ? 'No open conversations.' : 'No closed conversations.'}
        selectedId={props.selectedId}
        row={(conversation, selected) => (
          <ConversationRow conversation={conversation} selected={selected} />
        )}
      />
    </section>
  );
}
