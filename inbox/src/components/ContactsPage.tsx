import { useState } from 'react';
import { useContactSearch } from '../hooks/useContactSearch.ts';
import { useDebounced } from '../hooks/useDebounced.ts';
import { ContactDetail } from './ContactDetail.tsx';
import { ContactRow } from './ContactRow.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';

/** How long typing must pause before the search runs. */
const SEARCH_DELAY_MS = 250;

export function ContactsPage(props: { contactId: string | null }) {
  const [text, setText] = useState('');
  const search = useDebounced(text, SEARCH_DELAY_MS);
  const result = useContactSearch(search);
  return (
    <div className={`contacts ${props.contactId ? 'has-selection' : ''}`}>
      <section className="contact-list" aria-label="Contacts">
        <label className="search">
          <span className="sr-only">Search contacts</span>
          <input
            type="search"
            placeholder="Search by email or name"
            value={text}
            onChange={(event) => setText(event.target.value)}
          />
        </label>
        <ErrorMessage error={result.error} />
        <ul>
          {result.contacts.map((contact) => (
            <ContactRow
              key={contact.id}
              contact={contact}
              selected={contact.id === props.contactId}
            />
          ))}
        </ul>
        {!result.loading && result.contacts.length === 0 && !result.error && (
          <p className="empty">{search.trim() ? 'No contact matches.' : 'No contacts yet.'}</p>
        )}
        {result.loading && <p className="loading">Loading…</p>}
        {result.hasMore && !result.loading && (
          <button type="button" className="more" onClick={result.loadMore}>
            Load more
          </button>
        )}
      </section>
      {props.contactId ? (
        <ContactDetail key={props.contactId} contactId={props.contactId} />
      ) : (
        <p className="placeholder">Choose a contact to see their conversations.</p>
      )}
    </div>
  );
}
