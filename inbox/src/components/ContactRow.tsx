import { formatTime } from '../format.ts';
import type { ContactListRow } from '../hooks/useContactSearch.ts';
import { Link } from '../router.tsx';

export function ContactRow(props: { contact: ContactListRow; selected: boolean }) {
  const { contact } = props;
  return (
    <li className={`contact-row ${props.selected ? 'selected' : ''}`} data-id={contact.id}>
      <Link
        className="row-link"
        to={{ page: 'contacts', contactId: contact.id }}
        aria-current={props.selected ? 'page' : undefined}
      >
        <span className="name">{contact.name || contact.email}</span>
        {contact.name && <span className="email">{contact.email}</span>}
        {contact.verified && <span className="badge verified">Verified</span>}
        <time dateTime={contact.lastSeenAt}>{formatTime(contact.lastSeenAt)}</time>
      </Link>
    </li>
  );
}
