import { type UseQueryState, useQuery } from 'urql';
import type { ContactQuery as ContactData, ContactQueryVariables } from '../gql/graphql.ts';
import { graphql } from '../gql/index.ts';

const ContactQuery = graphql(`
  query Contact($id: ID!) {
    contact(id: $id) {
      ...ContactFields
      createdAt
      lastSeenAt
      conversations {
        ...ConversationFields
      }
    }
  }
`);

/** One contact with its dates and every conversation; `data.contact` is null when unknown. */
export function useContact(id: string): UseQueryState<ContactData, ContactQueryVariables> {
  const [result] = useQuery({ query: ContactQuery, variables: { id } });
  return result;
}
