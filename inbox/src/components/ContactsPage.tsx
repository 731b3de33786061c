import { useState } from 'react';
import { useContactSearch } from '../hooks/useContactSearch.ts';
import { useDebounced } from '../hooks/useDebounced.ts';
import { ContactDetail } from './ContactDetail.tsx';
import { ContactRow } from './ContactRow.tsx';
import { PagedRows } from './PagedRows.tsx';

/** How long typing must pause before the search runs. */
const SEARCH_DELAY_MS = 250;

export function ContactsPage(props: { contactId: string | null }) {
  const [text, setText] = useState('');
  const search = useDebounced(text, SEARCH_DELAY_MS);
  const contacts = useContactSearch(search);
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
        <PagedRows
          list={contacts}
          empty={search.trim() ? 'No contact matches.' : 'No contacts yet.'}
          selectedId={props.contactId}
          row={(contact, selected) => <ContactRow contact={contact} selected={selected} />}
        />
      </section>
      {props.contactId ? (
        <ContactDetail key={props.contactId} contactId={props.contactId} />
      ) : (
        <p className="placeholder">Choose a contact to see their conversations.</p>
      )}
    </div>
  );
}
