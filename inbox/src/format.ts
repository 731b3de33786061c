const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayAndTime = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A message time: the hour alone today, with the day otherwise. */
export function formatTime(iso: string, now = new Date()): string {
  const date = new Date(iso);
  return date.toDateString() === now.toDateString() ? time.format(date) : dayAndTime.format(date);
}

/** A date for the sidebar and lists, with the time. */
export function formatDate(iso: string): string {
  return full.format(new Date(iso));
}

/** The words a contact is shown by: name and email, or email alone. */
export function contactLabel(contact: { name: string | null; email: string } | null): string {
  if (contact === null) return 'Anonymous visitor';
  return contact.name?.trim() ? contact.name : contact.email;
}
