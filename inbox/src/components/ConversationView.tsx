import { useState } from 'react';
import { useClient } from 'urql';
import { type InboxError, toInboxError } from '../errors.ts';
import { contactLabel } from '../format.ts';
import { graphql } from '../gql/index.ts';
import { useMarkRead } from '../hooks/useMarkRead.ts';
import { useThread } from '../hooks/useThread.ts';
import { Link } from '../router.tsx';
import { AssigneeControl } from './AssigneeControl.tsx';
import { Composer } from './Composer.tsx';
import { ContactSidebar } from './ContactSidebar.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';
import { Thread } from './Thread.tsx';

const CloseConversationMutation = graphql(`
  mutation CloseConversation($id: ID!) {
    closeConversation(id: $id) {
      ...ConversationFields
    }
  }
`);

const ReopenConversationMutation = graphql(`
  mutation ReopenConversation($id: ID!) {
    reopenConversation(id: $id) {
      ...ConversationFields
    }
  }
`);

export function ConversationView(props: { conversationId: string }) {
  const client = useClient();
  const thread = useThread(props.conversationId);
  const [statusError, setStatusError] = useState<InboxError | null>(null);
  const [changing, setChanging] = useState(false);
  const { conversation } = thread;
  useMarkRead(conversation, thread.setConversation);

  if (thread.notFound) {
    return <p className="placeholder">This conversation does not exist or is not yours to see.</p>;
  }
  if (conversation === null) {
    return thread.error ? (
      <ErrorMessage error={thread.error} />
    ) : (
      <p className="loading">Loading…</p>
    );
  }

  const open = conversation.status === 'OPEN';
  const toggle = async () => {
    if (changing) return;
    setChanging(true);
    setStatusError(null);
    const result = open
      ? await client.mutation(CloseConversationMutation, { id: conversation.id }).toPromise()
      : await client.mutation(ReopenConversationMutation, { id: conversation.id }).toPromise();
    setChanging(false);
    const changed =
      result.data &&
      ('closeConversation' in result.data
        ? result.data.closeConversation
        : result.data.reopenConversation);
    if (changed) thread.setConversation(changed);
    else setStatusError(toInboxError(result.error));
  };

  return (
    <div className="conversation">
      <section className="thread-pane" aria-label="Conversation">
        <header className="thread-header">
          <Link className="back" to={{ page: 'conversations', conversationId: null }}>
            Back to conversations
          </Link>
          <h2>{contactLabel(conversation.contact)}</h2>
          <span className={`status status-${conversation.status.toLowerCase()}`}>
            {open ? 'Open' : 'Closed'}
          </span>
          <button type="button" onClick={toggle} disabled={changing}>
            {open ? 'Close conversation' : 'Reopen conversation'}
          </button>
          <AssigneeControl conversation={conversation} onChanged={thread.setConversation} />
        </header>
        <ErrorMessage error={statusError} />
        <Thread thread={thread} />
        {open ? (
          <Composer conversationId={conversation.id} onSent={thread.addMessage} />
        ) : (
          <p className="closed-note">This conversation is closed. Reopen it to reply.</p>
        )}
      </section>
      <ContactSidebar conversation={conversation} />
    </div>
  );
}
