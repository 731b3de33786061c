import type { ContactsQuery as ContactsData } from '../gql/graphql.ts';
import { graphql } from '../gql/index.ts';
import { type PagedList, usePagedList } from './usePagedList.ts';

const ContactsQuery = graphql(`
  query Contacts($search: String, $first: Int, $after: String) {
    contacts(search: $search, first: $first, after: $after) {
      edges {
        node {
          ...ContactFields
          lastSeenAt
        }
      }
      pageInfo {
        ...PageFields
      }
    }
  }
`);

/** A contact as the contact list shows it. */
export type ContactListRow = ContactsData['contacts']['edges'][number]['node'];

/** Contacts matching `search` (all when blank), newest first, one page at a time. */
export function useContactSearch(search: string): PagedList<ContactListRow> {
  return usePagedList({
    query: ContactsQuery,
    variables: { search: search.trim() || null },
    connection: (data) => data.contacts,
    // The rows of the previous search stay while the agent types on.
    keepWhileRestarting: true,
  });
}
