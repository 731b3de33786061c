import { gql } from 'urql';

/**
 * Every operation the inbox sends, with the types of what it selects. The names follow the
 * agent API of `schema.graphql`.
 */

export type ConversationStatus = 'OPEN' | 'CLOSED';
export type MessageAuthor = 'VISITOR' | 'AGENT';

export interface Message {
  readonly id: string;
  readonly conversationId: string;
  readonly author: MessageAuthor;
  readonly body: string;
  readonly createdAt: string;
}

export interface ContactSummary {
  readonly id: string;
  readonly email: string;
  readonly name: string | null;
  readonly verified: boolean;
}

export interface ConversationSummary {
  readonly id: string;
  readonly status: ConversationStatus;
  readonly createdAt: string;
  readonly lastActivityAt: string;
  readonly identityVerified: boolean;
  readonly unreadCount: number;
  readonly contact: ContactSummary | null;
  readonly visitor: { readonly id: string };
  readonly lastMessage: Message | null;
}

export interface PageInfo {
  readonly hasNextPage: boolean;
  readonly endCursor: string | null;
}

export interface Connection<T> {
  readonly edges: ReadonlyArray<{ readonly cursor: string; readonly node: T }>;
  readonly pageInfo: PageInfo;
}

export type InboxEventKind =
  | 'CONVERSATION_CREATED'
  | 'MESSAGE_ADDED'
  | 'VISITOR_IDENTIFIED'
  | 'CONVERSATION_CLOSED'
  | 'CONVERSATION_REOPENED';

export interface InboxEvent {
  readonly id: string;
  readonly kind: InboxEventKind;
  readonly createdAt: string;
  readonly conversation: ConversationSummary | null;
  readonly message: Message | null;
  readonly contact: ContactSummary | null;
  readonly visitor: { readonly id: string; readonly identityVerified: boolean } | null;
}

export interface ContactDetail extends ContactSummary {
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly conversations: ReadonlyArray<ConversationSummary>;
}

export interface Workspace {
  readonly id: string;
  readonly name: string;
  readonly siteId: string;
  readonly requireVerifiedIdentity: boolean;
  readonly identitySecretKid: string;
}

export interface ApiKey {
  readonly id: string;
  readonly prefix: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

const MessageFields = gql`
  fragment MessageFields on Message {
    id
    conversationId
    author
    body
    createdAt
  }
`;

const ContactFields = gql`
  fragment ContactFields on Contact {
    id
    email
    name
    verified
  }
`;

const ConversationFields = gql`
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
  }
  ${ContactFields}
  ${MessageFields}
`;

export const LoginMutation = gql<
  {
    login: {
      token: string;
      expiresAt: string;
      agent: { id: string; email: string; name: string };
    };
  },
  { email: string; password: string }
>`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      token
      expiresAt
      agent {
        id
        email
        name
      }
    }
  }
`;

export const LogoutMutation = gql<{ logout: boolean }, Record<string, never>>`
  mutation Logout {
    logout
  }
`;

export const ConversationsQuery = gql<
  { conversations: Connection<ConversationSummary> },
  { status: ConversationStatus; first: number; after: string | null }
>`
  query Conversations($status: ConversationStatus, $first: Int, $after: String) {
    conversations(status: $status, first: $first, after: $after) {
      edges {
        cursor
        node {
          ...ConversationFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${ConversationFields}
`;

export const ConversationQuery = gql<
  { conversation: (ConversationSummary & { messages: Message[] }) | null },
  { id: string; last: number }
>`
  query Conversation($id: ID!, $last: Int) {
    conversation(id: $id) {
      ...ConversationFields
      messages(last: $last) {
        ...MessageFields
      }
    }
  }
  ${ConversationFields}
  ${MessageFields}
`;

export const OlderMessagesQuery = gql<
  { conversation: { id: string; messages: Message[] } | null },
  { id: string; last: number; before: string }
>`
  query OlderMessages($id: ID!, $last: Int, $before: ID) {
    conversation(id: $id) {
      id
      messages(last: $last, before: $before) {
        ...MessageFields
      }
    }
  }
  ${MessageFields}
`;

export const ReplyMutation = gql<
  { replyToConversation: Message },
  { input: { conversationId: string; body: string; clientMessageId: string } }
>`
  mutation Reply($input: ReplyToConversationInput!) {
    replyToConversation(input: $input) {
      ...MessageFields
    }
  }
  ${MessageFields}
`;

export const CloseConversationMutation = gql<
  { closeConversation: ConversationSummary },
  { id: string }
>`
  mutation CloseConversation($id: ID!) {
    closeConversation(id: $id) {
      ...ConversationFields
    }
  }
  ${ConversationFields}
`;

export const ReopenConversationMutation = gql<
  { reopenConversation: ConversationSummary },
  { id: string }
>`
  mutation ReopenConversation($id: ID!) {
    reopenConversation(id: $id) {
      ...ConversationFields
    }
  }
  ${ConversationFields}
`;

export const ContactQuery = gql<{ contact: ContactDetail | null }, { id: string }>`
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
  ${ContactFields}
  ${ConversationFields}
`;

export const ContactsQuery = gql<
  { contacts: Connection<ContactSummary & { lastSeenAt: string }> },
  { search: string | null; first: number; after: string | null }
>`
  query Contacts($search: String, $first: Int, $after: String) {
    contacts(search: $search, first: $first, after: $after) {
      edges {
        cursor
        node {
          ...ContactFields
          lastSeenAt
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${ContactFields}
`;

export const SettingsQuery = gql<
  { workspace: Workspace; apiKeys: ApiKey[] },
  Record<string, never>
>`
  query Settings {
    workspace {
      id
      name
      siteId
      requireVerifiedIdentity
      identitySecretKid
    }
    apiKeys {
      id
      prefix
      createdAt
      lastUsedAt
      revokedAt
    }
  }
`;

export const CreateApiKeyMutation = gql<
  { createApiKey: { apiKey: ApiKey; secret: string } },
  Record<string, never>
>`
  mutation CreateApiKey {
    createApiKey {
      apiKey {
        id
        prefix
        createdAt
        lastUsedAt
        revokedAt
      }
      secret
    }
  }
`;

export const RevokeApiKeyMutation = gql<{ revokeApiKey: ApiKey }, { id: string }>`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      id
      prefix
      createdAt
      lastUsedAt
      revokedAt
    }
  }
`;

export const UpdateSettingsMutation = gql<
  { updateWorkspaceSettings: Workspace },
  { input: { requireVerifiedIdentity: boolean } }
>`
  mutation UpdateWorkspaceSettings($input: UpdateWorkspaceSettingsInput!) {
    updateWorkspaceSettings(input: $input) {
      id
      name
      siteId
      requireVerifiedIdentity
      identitySecretKid
    }
  }
`;

export const RotateSecretMutation = gql<
  {
    rotateIdentitySecret: { kid: string; secret: string; previousKidExpiresAt: string | null };
  },
  Record<string, never>
>`
  mutation RotateIdentitySecret {
    rotateIdentitySecret {
      kid
      secret
      previousKidExpiresAt
    }
  }
`;

export const InboxEventsSubscription = gql<{ inboxEvents: InboxEvent }, { after: string | null }>`
  subscription InboxEvents($after: ID) {
    inboxEvents(after: $after) {
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
  }
  ${ConversationFields}
  ${MessageFields}
  ${ContactFields}
`;
