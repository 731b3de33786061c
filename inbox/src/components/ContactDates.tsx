import { formatDate } from '../format.ts';

/** When a contact was first and last seen, as the contact page and the sidebar show it. */
export function ContactDates(props: {
  contact: { readonly createdAt: string; readonly lastSeenAt: string };
}) {
  return (
    <dl>
      <dt>First seen</dt>
      <dd>{formatDate(props.contact.createdAt)}</dd>
      <dt>Last seen</dt>
      <dd>{formatDate(props.contact.lastSeenAt)}</dd>
    </dl>
  );
}
