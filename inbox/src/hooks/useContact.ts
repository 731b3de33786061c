import { type UseQueryState, useQuery } from 'urql';
import type { ConversationSummary } from '../fragments.ts';
import type { ContactQuery as ContactData, ContactQueryVariables } from '../gql/graphql.ts';
import { graphql } from '../gql/index.ts';
import { type PagedList, usePagedList } from './usePagedList.ts';

const ContactQuery = graphql(`
  query Contact($id: ID!) {
    contact(id: $id) {
      ...ContactFields
      createdAt
      lastSeenAt
    }
  }
`);

const ContactConversationsQuery = graphql(`
  query ContactConversations($id: ID!, $first: Int, $after: String) {
    contact(id: $id) {
      id
      conversations(first: $first, after: $after) {
        edges {
          node {
            ...ConversationFields
          }
        }
        pageInfo {
          ...PageFields
        }
      }
    }
  }
`);

const NO_PAGE = { edges: [], pageInfo: { hasNextPage: false, endCursor: null } } as const;

/** One contact with its dates; `data.contact` is null when unknown. */
export function useContact(id: string): UseQueryState<ContactData, ContactQueryVariables> {
  const [result] = useQuery({ query: ContactQuery, variables: { id } });
  return result;
}

/** The contact's conversations, newest first, one page at a time. */
export function useContactConversations(id: string): PagedList<ConversationSummary> {
  return usePagedList({
    query: ContactConversationsQuery,
    variables: { id },
    connection: (data) => data.contact?.conversations ?? NO_PAGE,
  });
}
