import { useState } from 'react';
import type { ConversationAssignee, ConversationStatus } from '../fragments.ts';
import { ConversationList } from './ConversationList.tsx';
import { ConversationView } from './ConversationView.tsx';

/** The list on the left, the open conversation and its contact on the right. */
export function ConversationsPage(props: { conversationId: string | null }) {
  const [status, setStatus] = useState<ConversationStatus>('OPEN');
  const [assignee, setAssignee] = useState<ConversationAssignee>('ALL');
  return (
    <div className={`conversations ${props.conversationId ? 'has-selection' : ''}`}>
      <ConversationList
        status={status}
        onStatus={setStatus}
        assignee={assignee}
        onAssignee={setAssignee}
        selectedId={props.conversationId}
      />
      {props.conversationId ? (
        <ConversationView key={props.conversationId} conversationId={props.conversationId} />
      ) : (
        <p className="placeholder">Choose a conversation to read and reply.</p>
      )}
    </div>
  );
}
