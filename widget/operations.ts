/**
 * The GraphQL the widget sends: the visitor operations of docs/protocol.md.
 *
 * Each document is a plain string, so the bundle carries no GraphQL runtime; the
 * `/* GraphQL *\/` comment lets `npm run codegen` find it, check it against `schema.graphql`
 * and write the types of what it answers and takes to `generated/graphql.ts`.
 */
import type {
  EventsSubscription,
  EventsSubscriptionVariables,
  IdentifyMutation,
  IdentifyMutationVariables,
  ResetMutation,
  ResetMutationVariables,
  SendMutation,
  SendMutationVariables,
  VisitorQuery,
  VisitorQueryVariables,
} from './generated/graphql.ts';

/**
 * A document with the types codegen gave it: the data it answers with and the variables it
 * takes. The property never exists; it only carries the types (as urql's TypedDocumentNode).
 */
export type Operation<Data, Variables> = string & {
  readonly __apiType?: (variables: Variables) => Data;
};

/**
 * A message as the server sends it: what the widget keeps, plus the id its author sent it
 * with, by which the widget recognises the echo of its own pending message.
 */
export type MessageData = SendMutation['sendMessage'];

/** What the widget shows of its workspace: header, greeting, colours (see ui/brand.ts). */
export type Look = VisitorQuery['visitor']['workspace'];

/** What `identify` resolves with and the `identified` event carries. */
export type IdentifyResult = IdentifyMutation['identifyVisitor'];

// The message fields are spelled out in each document rather than shared as a fragment, whose
// definition would travel with every document; `MessageData` keeps the three selections alike.

export const VISITOR_QUERY: Operation<VisitorQuery, VisitorQueryVariables> =
  /* GraphQL */ `query Visitor {
  visitor { id email name identified workspace { teamName greeting brandColor }
    conversations { id messages {
      id conversationId author authorName body clientMessageId createdAt } } }
}`;

export const IDENTIFY_MUTATION: Operation<IdentifyMutation, IdentifyMutationVariables> =
  /* GraphQL */ `mutation Identify($input: IdentifyVisitorInput!) {
  identifyVisitor(input: $input) { contact { id email name } linkedConversationCount }
}`;

export const SEND_MESSAGE_MUTATION: Operation<SendMutation, SendMutationVariables> =
  /* GraphQL */ `mutation Send($input: SendMessageInput!) {
  sendMessage(input: $input) {
    id conversationId author authorName body clientMessageId createdAt }
}`;

export const RESET_MUTATION: Operation<ResetMutation, ResetMutationVariables> =
  /* GraphQL */ `mutation Reset { resetVisitor { endedVisitorId } }`;

export const VISITOR_EVENTS_SUBSCRIPTION: Operation<
  EventsSubscription,
  EventsSubscriptionVariables
> = /* GraphQL */ `subscription Events($after: ID) {
  visitorEvents(after: $after) { ... on VisitorMessageAdded { message {
    id conversationId author authorName body clientMessageId createdAt } } }
}`;
