import type { ConversationAssignee, ConversationStatus } from '../fragments.ts';
import { useConversationList } from '../hooks/useConversationList.ts';
import { ConversationRow } from './ConversationRow.tsx';
import { PagedRows } from './PagedRows.tsx';

const STATUS_TABS: ReadonlyArray<{ value: ConversationStatus; label: string }> = [
  { value: 'OPEN', label: 'Open' },
  { value: 'CLOSED', label: 'Closed' },
];

const ASSIGNEE_TABS: ReadonlyArray<{ value: ConversationAssignee; label: string }> = [
  { value: 'ME', label: 'Mine' },
  { value: 'UNASSIGNED', label: 'Unassigned' },
  { value: 'ALL', label: 'All' },
];

function emptyText(status: ConversationStatus, assignee: ConversationAssignee): string {
  const which = status === 'OPEN' ? 'open' : 'closed';
  if (assignee === 'ME') return `No ${which} conversations assigned to you.`;
  if (assignee === 'UNASSIGNED') return `No ${which} conversations without an assignee.`;
  return `No ${which} conversations.`;
}

export function ConversationList(props: {
  status: ConversationStatus;
  onStatus: (status: ConversationStatus) => void;
  assignee: ConversationAssignee;
  onAssignee: (assignee: ConversationAssignee) => void;
  selectedId: string | null;
}) {
  const list = useConversationList(props.status, props.assignee);
  return (
    <section className="conversation-list" aria-label="Conversations">
      <Tabs
        legend="Show conversations"
        tabs={STATUS_TABS}
        value={props.status}
        onChange={props.onStatus}
      />
      <Tabs
        legend="Assigned to"
        tabs={ASSIGNEE_TABS}
        value={props.assignee}
        onChange={props.onAssignee}
      />
      <PagedRows
        list={list}
        empty={emptyText(props.status, props.assignee)}
        selectedId={props.selectedId}
        row={(conversation, selected) => (
          <ConversationRow conversation={conversation} selected={selected} />
        )}
      />
    </section>
  );
}

function Tabs<Value extends string>(props: {
  legend: string;
  tabs: ReadonlyArray<{ value: Value; label: string }>;
  value: Value;
  onChange: (value: Value) => void;
}) {
  return (
    <fieldset className="tabs">
      <legend className="sr-only">{props.legend}</legend>
      {props.tabs.map((tab) => (
        <button
          key={tab.value}
          type="button"
          aria-pressed={props.value === tab.value}
          onClick={() => props.onChange(tab.value)}
        >
          {tab.label}
        </button>
      ))}
    </fieldset>
  );
}
