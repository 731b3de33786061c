/**
 * The shapes the inbox shows, each selected once: the operations beside the components spread
 * these fragments, and `npm run codegen` types both from `schema.graphql` (into `gql/`).
 */

import type {
  AgentFieldsFragment,
  ApiKeyFieldsFragment,
  ContactFieldsFragment,
  ConversationFieldsFragment,
  InboxEventFieldsFragment,
  MessageFieldsFragment,
  WorkspaceFieldsFragment,
} from './gql/graphql.ts';
import { graphql } from './gql/index.ts';

export type {
  ConversationAssignee,
  ConversationStatus,
  InboxEventKind,
  MessageAuthor,
} from './gql/graphql.ts';

export const MessageFields = graphql(`
  fragment MessageFields on Message {
    id
    conversationId
    author
    body
    createdAt
  }
`);

export const ContactFields = graphql(`
  fragment ContactFields on Contact {
    id
    email
    name
    verified
  }
`);

export const AgentFields = graphql(`
  fragment AgentFields on Agent {
    id
    name
  }
`);

export const ConversationFields = graphql(`
  fragment ConversationFields on Conversation {
    id
    status
    createdAt
    lastActivityAt
    identityVerified
    unreadCount
    contact {
      ...ContactFields
    }
    visitor {
      id
    }
    lastMessage {
      ...MessageFields
    }
    assignee {
      ...AgentFields
    }
  }
`);

export const InboxEventFields = graphql(`
  fragment InboxEventFields on InboxEvent {
    id
    kind
    createdAt
    conversation {
      ...ConversationFields
    }
    message {
      ...MessageFields
    }
    contact {
      ...ContactFields
    }
    visitor {
      id
      identityVerified
    }
  }
`);

export const PageFields = graphql(`
  fragment PageFields on PageInfo {
    hasNextPage
    endCursor
  }
`);

export const WorkspaceFields = graphql(`
  fragment WorkspaceFields on Workspace {
    id
    name
    siteId
    requireVerifiedIdentity
    identitySecretKid
    allowedOrigins
    teamName
    greeting
    brandColor
  }
`);

export const ApiKeyFields = graphql(`
  fragment ApiKeyFields on ApiKey {
    id
    prefix
    createdAt
    lastUsedAt
    revokedAt
  }
`);

/** A message in a thread or as a conversation's last one. */
export type Message = MessageFieldsFragment;
/** An agent a conversation can be assigned to. */
export type AgentSummary = AgentFieldsFragment;
/** Who a conversation is with, once identified. */
export type ContactSummary = ContactFieldsFragment;
/** A conversation as its row, its thread header and the sidebar show it. */
export type ConversationSummary = ConversationFieldsFragment;
/** Something that happened in the workspace, with the objects it names as they are now. */
export type InboxEvent = InboxEventFieldsFragment;
export type Workspace = WorkspaceFieldsFragment;
export type ApiKey = ApiKeyFieldsFragment;
