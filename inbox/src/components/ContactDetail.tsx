import { toInboxError } from '../errors.ts';
import { useContact } from '../hooks/useContact.ts';
import { ContactDates } from './ContactDates.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';
import { OtherConversations } from './OtherConversations.tsx';

/** One contact: who, whether verified, when seen, and every conversation. */
export function ContactDetail(props: { contactId: string }) {
  const result = useContact(props.contactId);
  const contact = result.data?.contact;
  if (result.error && !contact) return <ErrorMessage error={toInboxError(result.error)} />;
  if (contact === undefined) return <p className="loading">Loading…</p>;
  if (contact === null) return <p className="placeholder">This contact does not exist.</p>;
  return (
    <section className="contact-detail" aria-label="Contact">
      <ErrorMessage error={result.error ? toInboxError(result.error) : null} />
      <h2>{contact.name || contact.email}</h2>
      <p className="contact-email">{contact.email}</p>
      <p className="explain">
        {contact.verified
          ? 'Verified: the website vouched for this email with a signed identity token.'
          : 'Unverified: no signed identity token has vouched for this email yet.'}
      </p>
      <ContactDates contact={contact} />
      <OtherConversations contactId={contact.id} title="Conversations" />
    </section>
  );
}
