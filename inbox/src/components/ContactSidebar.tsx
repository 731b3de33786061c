import { toInboxError } from '../errors.ts';
import { formatDate } from '../format.ts';
import type { ConversationSummary } from '../fragments.ts';
import { useContact } from '../hooks/useContact.ts';
import { ContactDates } from './ContactDates.tsx';
import { EndSessions } from './EndSessions.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';
import { IdentityLine } from './IdentityLine.tsx';
import { OtherConversations } from './OtherConversations.tsx';

/**
 * Who the agent is talking to. Name and email come from the conversation itself, so an
 * identification shows the moment its event arrives; the rest is loaded for the contact.
 */
export function ContactSidebar(props: { conversation: ConversationSummary }) {
  const { contact } = props.conversation;
  return (
    <aside className="sidebar" aria-label="Contact">
      {contact === null ? (
        <>
          <h3>Anonymous visitor</h3>
          <p className="explain">
            This visitor has not given an email yet. Name and email appear here as soon as they
            identify.
          </p>
          <dl>
            <dt>First seen</dt>
            <dd>{formatDate(props.conversation.createdAt)}</dd>
          </dl>
          <EndSessions owner={{ visitorId: props.conversation.visitor.id }} />
        </>
      ) : (
        <>
          <h3 className="contact-name">{contact.name || contact.email}</h3>
          <p className="contact-email">{contact.email}</p>
          <IdentityLine
            verified={props.conversation.identityVerified}
            contactVerified={contact.verified}
          />
          <ContactDetails contactId={contact.id} conversationId={props.conversation.id} />
          <EndSessions owner={{ contactId: contact.id }} />
        </>
      )}
    </aside>
  );
}

function ContactDetails(props: { contactId: string; conversationId: string }) {
  const result = useContact(props.contactId);
  const contact = result.data?.contact;
  if (result.error && !contact) return <ErrorMessage error={toInboxError(result.error)} />;
  if (!contact) return <p className="loading">Loading…</p>;
  return (
    <>
      <ErrorMessage error={result.error ? toInboxError(result.error) : null} />
      <ContactDates contact={contact} />
      <OtherConversations contactId={props.contactId} exceptId={props.conversationId} />
    </>
  );
}
