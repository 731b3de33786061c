/* eslint-disable */
import * as types from './graphql.ts';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation Logout {\n    logout\n  }\n": typeof types.LogoutDocument,
    "\n  mutation UpdateAllowedOrigins($input: UpdateWorkspaceSettingsInput!) {\n    updateWorkspaceSettings(input: $input) {\n      ...WorkspaceFields\n    }\n  }\n": typeof types.UpdateAllowedOriginsDocument,
    "\n  mutation CreateApiKey {\n    createApiKey {\n      apiKey {\n        ...ApiKeyFields\n      }\n      secret\n    }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n": typeof types.RevokeApiKeyDocument,
    "\n  mutation AssignConversation($input: AssignConversationInput!) {\n    assignConversation(input: $input) {\n      ...ConversationFields\n    }\n  }\n": typeof types.AssignConversationDocument,
    "\n  mutation Reply($input: ReplyToConversationInput!) {\n    replyToConversation(input: $input) {\n      ...MessageFields\n    }\n  }\n": typeof types.ReplyDocument,
    "\n  mutation CloseConversation($id: ID!) {\n    closeConversation(id: $id) {\n      ...ConversationFields\n    }\n  }\n": typeof types.CloseConversationDocument,
    "\n  mutation ReopenConversation($id: ID!) {\n    reopenConversation(id: $id) {\n      ...ConversationFields\n    }\n  }\n": typeof types.ReopenConversationDocument,
    "\n  mutation EndContactSessions($input: EndContactSessionsInput!) {\n    endContactSessions(input: $input) {\n      endedVisitorCount\n    }\n  }\n": typeof types.EndContactSessionsDocument,
    "\n  mutation EndVisitorSession($input: EndVisitorSessionInput!) {\n    endVisitorSession(input: $input) {\n      endedVisitorCount\n    }\n  }\n": typeof types.EndVisitorSessionDocument,
    "\n  mutation UpdateWorkspaceSettings($input: UpdateWorkspaceSettingsInput!) {\n    updateWorkspaceSettings(input: $input) {\n      ...WorkspaceFields\n    }\n  }\n": typeof types.UpdateWorkspaceSettingsDocument,
    "\n  mutation RotateIdentitySecret {\n    rotateIdentitySecret {\n      kid\n      secret\n      previousKidExpiresAt\n    }\n  }\n": typeof types.RotateIdentitySecretDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      token\n      expiresAt\n      agent {\n        id\n        email\n        name\n      }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  query Settings {\n    workspace {\n      ...WorkspaceFields\n    }\n    apiKeys {\n      ...ApiKeyFields\n    }\n  }\n": typeof types.SettingsDocument,
    "\n  mutation UpdateWidgetLook($input: UpdateWorkspaceSettingsInput!) {\n    updateWorkspaceSettings(input: $input) {\n      ...WorkspaceFields\n    }\n  }\n": typeof types.UpdateWidgetLookDocument,
    "\n  subscription InboxEvents($after: ID) {\n    inboxEvents(after: $after) {\n      ...InboxEventFields\n    }\n  }\n": typeof types.InboxEventsDocument,
    "\n  subscription ConversationsRead {\n    conversationsRead {\n      ...ConversationFields\n    }\n  }\n": typeof types.ConversationsReadDocument,
    "\n  fragment MessageFields on Message {\n    id\n    conversationId\n    author\n    body\n    createdAt\n  }\n": typeof types.MessageFieldsFragmentDoc,
    "\n  fragment ContactFields on Contact {\n    id\n    email\n    name\n    verified\n  }\n": typeof types.ContactFieldsFragmentDoc,
    "\n  fragment AgentFields on Agent {\n    id\n    name\n  }\n": typeof types.AgentFieldsFragmentDoc,
    "\n  fragment ConversationFields on Conversation {\n    id\n    status\n    createdAt\n    lastActivityAt\n    identityVerified\n    unreadCount\n    contact {\n      ...ContactFields\n    }\n    visitor {\n      id\n    }\n    lastMessage {\n      ...MessageFields\n    }\n    assignee {\n      ...AgentFields\n    }\n  }\n": typeof types.ConversationFieldsFragmentDoc,
    "\n  fragment InboxEventFields on InboxEvent {\n    id\n    kind\n    createdAt\n    conversation {\n      ...ConversationFields\n    }\n    message {\n      ...MessageFields\n    }\n    contact {\n      ...ContactFields\n    }\n    visitor {\n      id\n      identityVerified\n    }\n  }\n": typeof types.InboxEventFieldsFragmentDoc,
    "\n  fragment PageFields on PageInfo {\n    hasNextPage\n    endCursor\n  }\n": typeof types.PageFieldsFragmentDoc,
    "\n  fragment WorkspaceFields on Workspace {\n    id\n    name\n    siteId\n    requireVerifiedIdentity\n    identitySecretKid\n    allowedOrigins\n    teamName\n    greeting\n    brandColor\n  }\n": typeof types.WorkspaceFieldsFragmentDoc,
    "\n  fragment ApiKeyFields on ApiKey {\n    id\n    prefix\n    createdAt\n    lastUsedAt\n    revokedAt\n  }\n": typeof types.ApiKeyFieldsFragmentDoc,
    "\n  query Agents($first: Int, $after: String) {\n    agents(first: $first, after: $after) {\n      edges {\n        node {\n          ...AgentFields\n        }\n      }\n      pageInfo {\n        ...PageFields\n      }\n    }\n  }\n": typeof types.AgentsDocument,
    "\n  query Contact($id: ID!) {\n    contact(id: $id) {\n      ...ContactFields\n      createdAt\n      lastSeenAt\n    }\n  }\n": typeof types.ContactDocument,
    "\n  query ContactConversations($id: ID!, $first: Int, $after: String) {\n    contact(id: $id) {\n      id\n      conversations(first: $first, after: $after) {\n        edges {\n          node {\n            ...ConversationFields\n          }\n        }\n        pageInfo {\n          ...PageFields\n        }\n      }\n    }\n  }\n": typeof types.ContactConversationsDocument,
    "\n  query Contacts($search: String, $first: Int, $after: String) {\n    contacts(search: $search, first: $first, after: $after) {\n      edges {\n        node {\n          ...ContactFields\n          lastSeenAt\n        }\n      }\n      pageInfo {\n        ...PageFields\n      }\n    }\n  }\n": typeof types.ContactsDocument,
    "\n  query Conversations(\n    $status: ConversationStatus\n    $assignee: ConversationAssignee\n    $first: Int\n    $after: String\n  ) {\n    conversations(status: $status, assignee: $assignee, first: $first, after: $after) {\n      edges {\n        node {\n          ...ConversationFields\n        }\n      }\n      pageInfo {\n        ...PageFields\n      }\n    }\n  }\n": typeof types.ConversationsDocument,
    "\n  mutation MarkConversationRead($conversationId: ID!) {\n    markConversationRead(conversationId: $conversationId) {\n      ...ConversationFields\n    }\n  }\n": typeof types.MarkConversationReadDocument,
    "\n  query Conversation($id: ID!, $last: Int) {\n    conversation(id: $id) {\n      ...ConversationFields\n      messages(last: $last) {\n        ...MessageFields\n      }\n    }\n  }\n": typeof types.ConversationDocument,
    "\n  query OlderMessages($id: ID!, $last: Int, $before: ID) {\n    conversation(id: $id) {\n      id\n      messages(last: $last, before: $before) {\n        ...MessageFields\n      }\n    }\n  }\n": typeof types.OlderMessagesDocument,
    "\n  query InboxUnreadCount {\n    inboxUnreadCount\n  }\n": typeof types.InboxUnreadCountDocument,
};
const documents: Documents = {
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
    "\n  mutation UpdateAllowedOrigins($input: UpdateWorkspaceSettingsInput!) {\n    updateWorkspaceSettings(input: $input) {\n      ...WorkspaceFields\n    }\n  }\n": types.UpdateAllowedOriginsDocument,
    "\n  mutation CreateApiKey {\n    createApiKey {\n      apiKey {\n        ...ApiKeyFields\n      }\n      secret\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n": types.RevokeApiKeyDocument,
    "\n  mutation AssignConversation($input: AssignConversationInput!) {\n    assignConversation(input: $input) {\n      ...ConversationFields\n    }\n  }\n": types.AssignConversationDocument,
    "\n  mutation Reply($input: ReplyToConversationInput!) {\n    replyToConversation(input: $input) {\n      ...MessageFields\n    }\n  }\n": types.ReplyDocument,
    "\n  mutation CloseConversation($id: ID!) {\n    closeConversation(id: $id) {\n      ...ConversationFields\n    }\n  }\n": types.CloseConversationDocument,
    "\n  mutation ReopenConversation($id: ID!) {\n    reopenConversation(id: $id) {\n      ...ConversationFields\n    }\n  }\n": types.ReopenConversationDocument,
    "\n  mutation EndContactSessions($input: EndContactSessionsInput!) {\n    endContactSessions(input: $input) {\n      endedVisitorCount\n    }\n  }\n": types.EndContactSessionsDocument,
    "\n  mutation EndVisitorSession($input: EndVisitorSessionInput!) {\n    endVisitorSession(input: $input) {\n      endedVisitorCount\n    }\n  }\n": types.EndVisitorSessionDocument,
    "\n  mutation UpdateWorkspaceSettings($input: UpdateWorkspaceSettingsInput!) {\n    updateWorkspaceSettings(input: $input) {\n      ...WorkspaceFields\n    }\n  }\n": types.UpdateWorkspaceSettingsDocument,
    "\n  mutation RotateIdentitySecret {\n    rotateIdentitySecret {\n      kid\n      secret\n      previousKidExpiresAt\n    }\n  }\n": types.RotateIdentitySecretDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      token\n      expiresAt\n      agent {\n        id\n        email\n        name\n      }\n    }\n  }\n": types.LoginDocument,
    "\n  query Settings {\n    workspace {\n      ...WorkspaceFields\n    }\n    apiKeys {\n      ...ApiKeyFields\n    }\n  }\n": types.SettingsDocument,
    "\n  mutation UpdateWidgetLook($input: UpdateWorkspaceSettingsInput!) {\n    updateWorkspaceSettings(input: $input) {\n      ...WorkspaceFields\n    }\n  }\n": types.UpdateWidgetLookDocument,
    "\n  subscription InboxEvents($after: ID) {\n    inboxEvents(after: $after) {\n      ...InboxEventFields\n    }\n  }\n": types.InboxEventsDocument,
    "\n  subscription ConversationsRead {\n    conversationsRead {\n      ...ConversationFields\n    }\n  }\n": types.ConversationsReadDocument,
    "\n  fragment MessageFields on Message {\n    id\n    conversationId\n    author\n    body\n    createdAt\n  }\n": types.MessageFieldsFragmentDoc,
    "\n  fragment ContactFields on Contact {\n    id\n    email\n    name\n    verified\n  }\n": types.ContactFieldsFragmentDoc,
    "\n  fragment AgentFields on Agent {\n    id\n    name\n  }\n": types.AgentFieldsFragmentDoc,
    "\n  fragment ConversationFields on Conversation {\n    id\n    status\n    createdAt\n    lastActivityAt\n    identityVerified\n    unreadCount\n    contact {\n      ...ContactFields\n    }\n    visitor {\n      id\n    }\n    lastMessage {\n      ...MessageFields\n    }\n    assignee {\n      ...AgentFields\n    }\n  }\n": types.ConversationFieldsFragmentDoc,
    "\n  fragment InboxEventFields on InboxEvent {\n    id\n    kind\n    createdAt\n    conversation {\n      ...ConversationFields\n    }\n    message {\n      ...MessageFields\n    }\n    contact {\n      ...ContactFields\n    }\n    visitor {\n      id\n      identityVerified\n    }\n  }\n": types.InboxEventFieldsFragmentDoc,
    "\n  fragment PageFields on PageInfo {\n    hasNextPage\n    endCursor\n  }\n": types.PageFieldsFragmentDoc,
    "\n  fragment WorkspaceFields on Workspace {\n    id\n    name\n    siteId\n    requireVerifiedIdentity\n    identitySecretKid\n    allowedOrigins\n    teamName\n    greeting\n    brandColor\n  }\n": types.WorkspaceFieldsFragmentDoc,
    "\n  fragment ApiKeyFields on ApiKey {\n    id\n    prefix\n    createdAt\n    lastUsedAt\n    revokedAt\n  }\n": types.ApiKeyFieldsFragmentDoc,
    "\n  query Agents($first: Int, $after: String) {\n    agents(first: $first, after: $after) {\n      edges {\n        node {\n          ...AgentFields\n        }\n      }\n      pageInfo {\n        ...PageFields\n      }\n    }\n  }\n": types.AgentsDocument,
    "\n  query Contact($id: ID!) {\n    contact(id: $id) {\n      ...ContactFields\n      createdAt\n      lastSeenAt\n    }\n  }\n": types.ContactDocument,
    "\n  query ContactConversations($id: ID!, $first: Int, $after: String) {\n    contact(id: $id) {\n      id\n      conversations(first: $first, after: $after) {\n        edges {\n          node {\n            ...ConversationFields\n          }\n        }\n        pageInfo {\n          ...PageFields\n        }\n      }\n    }\n  }\n": types.ContactConversationsDocument,
    "\n  query Contacts($search: String, $first: Int, $after: String) {\n    contacts(search: $search, first: $first, after: $after) {\n      edges {\n        node {\n          ...ContactFields\n          lastSeenAt\n        }\n      }\n      pageInfo {\n        ...PageFields\n      }\n    }\n  }\n": types.ContactsDocument,
    "\n  query Conversations(\n    $status: ConversationStatus\n    $assignee: ConversationAssignee\n    $first: Int\n    $after: String\n  ) {\n    conversations(status: $status, assignee: $assignee, first: $first, after: $after) {\n      edges {\n        node {\n          ...ConversationFields\n        }\n      }\n      pageInfo {\n        ...PageFields\n      }\n    }\n  }\n": types.ConversationsDocument,
    "\n  mutation MarkConversationRead($conversationId: ID!) {\n    markConversationRead(conversationId: $conversationId) {\n      ...ConversationFields\n    }\n  }\n": types.MarkConversationReadDocument,
    "\n  query Conversation($id: ID!, $last: Int) {\n    conversation(id: $id) {\n      ...ConversationFields\n      messages(last: $last) {\n        ...MessageFields\n      }\n    }\n  }\n": types.ConversationDocument,
    "\n  query OlderMessages($id: ID!, $last: Int, $before: ID) {\n    conversation(id: $id) {\n      id\n      messages(last: $last, before: $before) {\n        ...MessageFields\n      }\n    }\n  }\n": types.OlderMessagesDocument,
    "\n  query InboxUnreadCount {\n    inboxUnreadCount\n  }\n": types.InboxUnreadCountDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateAllowedOrigins($input: UpdateWorkspaceSettingsInput!) {\n    updateWorkspaceSettings(input: $input) {\n      ...WorkspaceFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateAllowedOrigins($input: UpdateWorkspaceSettingsInput!) {\n    updateWorkspaceSettings(input: $input) {\n      ...WorkspaceFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiKey {\n    createApiKey {\n      apiKey {\n        ...ApiKeyFields\n      }\n      secret\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiKey {\n    createApiKey {\n      apiKey {\n        ...ApiKeyFields\n      }\n      secret\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AssignConversation($input: AssignConversationInput!) {\n    assignConversation(input: $input) {\n      ...ConversationFields\n    }\n  }\n"): (typeof documents)["\n  mutation AssignConversation($input: AssignConversationInput!) {\n    assignConversation(input: $input) {\n      ...ConversationFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Reply($input: ReplyToConversationInput!) {\n    replyToConversation(input: $input) {\n      ...MessageFields\n    }\n  }\n"): (typeof documents)["\n  mutation Reply($input: ReplyToConversationInput!) {\n    replyToConversation(input: $input) {\n      ...MessageFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CloseConversation($id: ID!) {\n    closeConversation(id: $id) {\n      ...ConversationFields\n    }\n  }\n"): (typeof documents)["\n  mutation CloseConversation($id: ID!) {\n    closeConversation(id: $id) {\n      ...ConversationFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReopenConversation($id: ID!) {\n    reopenConversation(id: $id) {\n      ...ConversationFields\n    }\n  }\n"): (typeof documents)["\n  mutation ReopenConversation($id: ID!) {\n    reopenConversation(id: $id) {\n      ...ConversationFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EndContactSessions($input: EndContactSessionsInput!) {\n    endContactSessions(input: $input) {\n      endedVisitorCount\n    }\n  }\n"): (typeof documents)["\n  mutation EndContactSessions($input: EndContactSessionsInput!) {\n    endContactSessions(input: $input) {\n      endedVisitorCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EndVisitorSession($input: EndVisitorSessionInput!) {\n    endVisitorSession(input: $input) {\n      endedVisitorCount\n    }\n  }\n"): (typeof documents)["\n  mutation EndVisitorSession($input: EndVisitorSessionInput!) {\n    endVisitorSession(input: $input) {\n      endedVisitorCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateWorkspaceSettings($input: UpdateWorkspaceSettingsInput!) {\n    updateWorkspaceSettings(input: $input) {\n      ...WorkspaceFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateWorkspaceSettings($input: UpdateWorkspaceSettingsInput!) {\n    updateWorkspaceSettings(input: $input) {\n      ...WorkspaceFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateIdentitySecret {\n    rotateIdentitySecret {\n      kid\n      secret\n      previousKidExpiresAt\n    }\n  }\n"): (typeof documents)["\n  mutation RotateIdentitySecret {\n    rotateIdentitySecret {\n      kid\n      secret\n      previousKidExpiresAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      token\n      expiresAt\n      agent {\n        id\n        email\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      token\n      expiresAt\n      agent {\n        id\n        email\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Settings {\n    workspace {\n      ...WorkspaceFields\n    }\n    apiKeys {\n      ...ApiKeyFields\n    }\n  }\n"): (typeof documents)["\n  query Settings {\n    workspace {\n      ...WorkspaceFields\n    }\n    apiKeys {\n      ...ApiKeyFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateWidgetLook($input: UpdateWorkspaceSettingsInput!) {\n    updateWorkspaceSettings(input: $input) {\n      ...WorkspaceFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateWidgetLook($input: UpdateWorkspaceSettingsInput!) {\n    updateWorkspaceSettings(input: $input) {\n      ...WorkspaceFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription InboxEvents($after: ID) {\n    inboxEvents(after: $after) {\n      ...InboxEventFields\n    }\n  }\n"): (typeof documents)["\n  subscription InboxEvents($after: ID) {\n    inboxEvents(after: $after) {\n      ...InboxEventFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConversationsRead {\n    conversationsRead {\n      ...ConversationFields\n    }\n  }\n"): (typeof documents)["\n  subscription ConversationsRead {\n    conversationsRead {\n      ...ConversationFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MessageFields on Message {\n    id\n    conversationId\n    author\n    body\n    createdAt\n  }\n"): (typeof documents)["\n  fragment MessageFields on Message {\n    id\n    conversationId\n    author\n    body\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ContactFields on Contact {\n    id\n    email\n    name\n    verified\n  }\n"): (typeof documents)["\n  fragment ContactFields on Contact {\n    id\n    email\n    name\n    verified\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AgentFields on Agent {\n    id\n    name\n  }\n"): (typeof documents)["\n  fragment AgentFields on Agent {\n    id\n    name\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ConversationFields on Conversation {\n    id\n    status\n    createdAt\n    lastActivityAt\n    identityVerified\n    unreadCount\n    contact {\n      ...ContactFields\n    }\n    visitor {\n      id\n    }\n    lastMessage {\n      ...MessageFields\n    }\n    assignee {\n      ...AgentFields\n    }\n  }\n"): (typeof documents)["\n  fragment ConversationFields on Conversation {\n    id\n    status\n    createdAt\n    lastActivityAt\n    identityVerified\n    unreadCount\n    contact {\n      ...ContactFields\n    }\n    visitor {\n      id\n    }\n    lastMessage {\n      ...MessageFields\n    }\n    assignee {\n      ...AgentFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment InboxEventFields on InboxEvent {\n    id\n    kind\n    createdAt\n    conversation {\n      ...ConversationFields\n    }\n    message {\n      ...MessageFields\n    }\n    contact {\n      ...ContactFields\n    }\n    visitor {\n      id\n      identityVerified\n    }\n  }\n"): (typeof documents)["\n  fragment InboxEventFields on InboxEvent {\n    id\n    kind\n    createdAt\n    conversation {\n      ...ConversationFields\n    }\n    message {\n      ...MessageFields\n    }\n    contact {\n      ...ContactFields\n    }\n    visitor {\n      id\n      identityVerified\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PageFields on PageInfo {\n    hasNextPage\n    endCursor\n  }\n"): (typeof documents)["\n  fragment PageFields on PageInfo {\n    hasNextPage\n    endCursor\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WorkspaceFields on Workspace {\n    id\n    name\n    siteId\n    requireVerifiedIdentity\n    identitySecretKid\n    allowedOrigins\n    teamName\n    greeting\n    brandColor\n  }\n"): (typeof documents)["\n  fragment WorkspaceFields on Workspace {\n    id\n    name\n    siteId\n    requireVerifiedIdentity\n    identitySecretKid\n    allowedOrigins\n    teamName\n    greeting\n    brandColor\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ApiKeyFields on ApiKey {\n    id\n    prefix\n    createdAt\n    lastUsedAt\n    revokedAt\n  }\n"): (typeof documents)["\n  fragment ApiKeyFields on ApiKey {\n    id\n    prefix\n    createdAt\n    lastUsedAt\n    revokedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Agents($first: Int, $after: String) {\n    agents(first: $first, after: $after) {\n      edges {\n        node {\n          ...AgentFields\n        }\n      }\n      pageInfo {\n        ...PageFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Agents($first: Int, $after: String) {\n    agents(first: $first, after: $after) {\n      edges {\n        node {\n          ...AgentFields\n        }\n      }\n      pageInfo {\n        ...PageFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Contact($id: ID!) {\n    contact(id: $id) {\n      ...ContactFields\n      createdAt\n      lastSeenAt\n    }\n  }\n"): (typeof documents)["\n  query Contact($id: ID!) {\n    contact(id: $id) {\n      ...ContactFields\n      createdAt\n      lastSeenAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ContactConversations($id: ID!, $first: Int, $after: String) {\n    contact(id: $id) {\n      id\n      conversations(first: $first, after: $after) {\n        edges {\n          node {\n            ...ConversationFields\n          }\n        }\n        pageInfo {\n          ...PageFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ContactConversations($id: ID!, $first: Int, $after: String) {\n    contact(id: $id) {\n      id\n      conversations(first: $first, after: $after) {\n        edges {\n          node {\n            ...ConversationFields\n          }\n        }\n        pageInfo {\n          ...PageFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Contacts($search: String, $first: Int, $after: String) {\n    contacts(search: $search, first: $first, after: $after) {\n      edges {\n        node {\n          ...ContactFields\n          lastSeenAt\n        }\n      }\n      pageInfo {\n        ...PageFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Contacts($search: String, $first: Int, $after: String) {\n    contacts(search: $search, first: $first, after: $after) {\n      edges {\n        node {\n          ...ContactFields\n          lastSeenAt\n        }\n      }\n      pageInfo {\n        ...PageFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Conversations(\n    $status: ConversationStatus\n    $assignee: ConversationAssignee\n    $first: Int\n    $after: String\n  ) {\n    conversations(status: $status, assignee: $assignee, first: $first, after: $after) {\n      edges {\n        node {\n          ...ConversationFields\n        }\n      }\n      pageInfo {\n        ...PageFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Conversations(\n    $status: ConversationStatus\n    $assignee: ConversationAssignee\n    $first: Int\n    $after: String\n  ) {\n    conversations(status: $status, assignee: $assignee, first: $first, after: $after) {\n      edges {\n        node {\n          ...ConversationFields\n        }\n      }\n      pageInfo {\n        ...PageFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkConversationRead($conversationId: ID!) {\n    markConversationRead(conversationId: $conversationId) {\n      ...ConversationFields\n    }\n  }\n"): (typeof documents)["\n  mutation MarkConversationRead($conversationId: ID!) {\n    markConversationRead(conversationId: $conversationId) {\n      ...ConversationFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Conversation($id: ID!, $last: Int) {\n    conversation(id: $id) {\n      ...ConversationFields\n      messages(last: $last) {\n        ...MessageFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Conversation($id: ID!, $last: Int) {\n    conversation(id: $id) {\n      ...ConversationFields\n      messages(last: $last) {\n        ...MessageFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OlderMessages($id: ID!, $last: Int, $before: ID) {\n    conversation(id: $id) {\n      id\n      messages(last: $last, before: $before) {\n        ...MessageFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query OlderMessages($id: ID!, $last: Int, $before: ID) {\n    conversation(id: $id) {\n      id\n      messages(last: $last, before: $before) {\n        ...MessageFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query InboxUnreadCount {\n    inboxUnreadCount\n  }\n"): (typeof documents)["\n  query InboxUnreadCount {\n    inboxUnreadCount\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;