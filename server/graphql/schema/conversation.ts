import type { GraphQLResolveInfo } from 'graphql';
import { isUuid } from '../../../protocol/index.ts';
import {
  type AssigneeFilter,
  type ConversationModel,
  findConversations,
  listWorkspaceConversations,
} from '../../conversations/conversations.ts';
import {
  findMessagePositions,
  lastMessagesOf,
  listConversationsMessages,
  unreadCountsForAgent,
  unreadCountsOf,
} from '../../conversations/messages.ts';
import { setConversationStatus } from '../../conversations/status.ts';
import type { ConversationStatus as Status } from '../../db/database.ts';
import { badUserInput, notFound } from '../../errors.ts';
import { findVisitors, identityVerifiedOf } from '../../identity/visitors.ts';
import { batchLoader, listLoader } from '../batch.ts';
import { builder } from '../builder.ts';
import type { Context } from '../context.ts';
import { keysetPage } from '../pagination.ts';
import { workspaceRowField } from '../workspace-row.ts';
import { Contact, contactOfWorkspace } from './contact.ts';
import { Message } from './message.ts';
import { Visitor } from './visitor.ts';

/**
 * The most messages `Conversation.messages` returns at once: `last` may ask for fewer, and
 * without it a conversation gives its newest this many (the widget's history).
 */
export const MAX_MESSAGES_PAGE = 200;

/** The workspace's conversations by id, for fields of other types that point at one. */
export const conversationOfWorkspace = batchLoader((context, ids) =>
  context.principal === null
    ? Promise.resolve(new Map<string, ConversationModel>())
    : findConversations(context.db, context.principal.workspaceId, ids),
);
export const visitorOfWorkspace = batchLoader((context, ids) =>
  context.principal === null
    ? Promise.resolve(new Map())
    : findVisitors(context.db, context.principal.workspaceId, ids),
);
const identityVerifiedOfVisitor = batchLoader((context, ids) =>
  identityVerifiedOf(context.db, ids),
);
const lastMessageOf = batchLoader((context, ids) => lastMessagesOf(context.db, ids));

/**
 * Unread counts by `<agent id>/<conversation id>`, the agent id empty for an API key: each
 * agent counts from its own read marks, a key (which has none) from the last agent message.
 * The reader is in the key, so counts never pass from one agent to another.
 */
const unreadCountOf = batchLoader(async (context, keys) => {
  const byReader = new Map<string, string[]>();
  for (const key of keys) {
    const [reader = '', conversationId = ''] = key.split('/');
    byReader.set(reader, [...(byReader.get(reader) ?? []), conversationId]);
  }
  const found = new Map<string, number>();
  for (const [reader, conversationIds] of byReader) {
    const counts =
      reader === ''
        ? await unreadCountsOf(context.db, conversationIds)
        : await unreadCountsForAgent(context.db, reader, conversationIds);
    for (const [conversationId, count] of counts) found.set(`${reader}/${conversationId}`, count);
  }
  return found;
});

function unreadKey(context: Context, conversationId: string): string {
  const reader = context.principal?.kind === 'agent' ? context.principal.agentId : '';
  return `${reader}/${conversationId}`;
}
const messagesOf = listLoader(
  (context, conversationIds, options: { last: number; beforeSeq: string | null }) =>
    listConversationsMessages(context.db, conversationIds, options),
);
const messagePositionOf = batchLoader((context, ids) => findMessagePositions(context.db, ids));

export const ConversationStatus = builder.enumType('ConversationStatus', {
  values: {
    OPEN: { value: 'open' },
    CLOSED: { value: 'closed' },
  } as const,
});

// Declared before it is implemented: its fields and Contact's refer to each other.
export const Conversation = builder.objectRef<ConversationModel>('Conversation');

/** A page of conversations: the workspace's (`conversations`) or a contact's. */
export const ConversationConnection = builder.connectionObject(
  { type: Conversation, name: 'ConversationConnection' },
  { name: 'ConversationEdge' },
);

Conversation.implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    status: t.field({ type: ConversationStatus, resolve: (conversation) => conversation.status }),
    createdAt: t.field({ type: 'DateTime', resolve: (conversation) => conversation.createdAt }),
    lastActivityAt: t.field({
      type: 'DateTime',
      resolve: (conversation) => conversation.lastActivityAt,
    }),
    identityVerified: t.boolean({
      description:
        'Whether the visitor of this conversation identified with a valid identity token.',
      resolve: async (conversation, _args, context, info) =>
        (await identityVerifiedOfVisitor(context, info, conversation.visitorId)) ?? false,
    }),
    messages: t.field({
      type: [Message],
      description: `The conversation’s messages, oldest first: the newest \`last\` (1 to ${MAX_MESSAGES_PAGE}), or without it the newest ${MAX_MESSAGES_PAGE}. \`before\` (a message id of this conversation) keeps those before it, to page back.`,
      args: { last: t.arg.int(), before: t.arg.id() },
      resolve: async (conversation, args, context, info) => {
        const last = args.last ?? MAX_MESSAGES_PAGE;
        if (last < 1 || last > MAX_MESSAGES_PAGE) {
          throw badUserInput('last', `last must be between 1 and ${MAX_MESSAGES_PAGE}.`);
        }
        const beforeSeq =
          args.before == null
            ? null
            : await seqInConversation(context, info, conversation, args.before);
        return messagesOf(context, info, conversation.id, { last, beforeSeq });
      },
    }),
    // Agents and keys only: a visitor reads its own conversations, not who else is in them.
    contact: t.withAuth({ workspace: true }).field({
      type: Contact,
      nullable: true,
      description: 'The contact the visitor identified as, if any. Agents and API keys only.',
      resolve: async (conversation, _args, context, info) =>
        conversation.contactId === null
          ? null
          : ((await contactOfWorkspace(context, info, conversation.contactId)) ?? null),
    }),
    visitor: t.withAuth({ workspace: true }).field({
      type: Visitor,
      description: 'The browser that started the conversation. Agents and API keys only.',
      resolve: async (conversation, _args, context, info) => {
        const visitor = await visitorOfWorkspace(context, info, conversation.visitorId);
        if (visitor === undefined) throw notFound('visitor');
        return visitor;
      },
    }),
    lastMessage: t.withAuth({ workspace: true }).field({
      type: Message,
      nullable: true,
      description: 'The newest message, by either side. Agents and API keys only.',
      resolve: async (conversation, _args, context, info) =>
        (await lastMessageOf(context, info, conversation.id)) ?? null,
    }),
    unreadCount: t.withAuth({ workspace: true }).int({
      description:
        'For an agent, how many visitor messages came after its own read mark (`markConversationRead`; all of them before its first): each agent has its own count. For an API key, which reads no conversation, how many came after the last agent message. Agents and API keys only.',
      resolve: async (conversation, _args, context, info) =>
        (await unreadCountOf(context, info, unreadKey(context, conversation.id))) ?? 0,
    }),
  }),
});

async function seqInConversation(
  context: Context,
  info: GraphQLResolveInfo,
  conversation: ConversationModel,
  messageId: string,
): Promise<string> {
  const position = isUuid(messageId)
    ? await messagePositionOf(context, info, messageId)
    : undefined;
  if (position === undefined || position.conversationId !== conversation.id) {
    throw badUserInput('before', 'before must be a message id of this conversation.');
  }
  return position.seq;
}

export const ConversationAssignee = builder.enumType('ConversationAssignee', {
  description: 'Whose conversations a list keeps.',
  values: {
    ALL: { description: 'Every conversation, assigned or not.' },
    ME: { description: 'Those assigned to the asking agent (agents only).' },
    UNASSIGNED: { description: 'Those assigned to no one.' },
  } as const,
});

builder.queryField('conversations', (t) =>
  t.withAuth({ workspace: true }).field({
    type: ConversationConnection,
    description:
      'The workspace’s conversations, most recent activity (newest message) first; `status` keeps only open or closed ones, `assignee` only those of the asking agent or of no one (ALL when absent). Pages forward with `first` and `after`, backward with `last` and `before`.',
    args: {
      ...t.arg.connectionArgs(),
      status: t.arg({ type: ConversationStatus }),
      assignee: t.arg({ type: ConversationAssignee }),
    },
    resolve: (_root, args, context) => {
      const status = args.status ?? null;
      const assignee = assigneeFilter(context, args.assignee ?? 'ALL');
      return keysetPage(args, (window) =>
        listWorkspaceConversations(context.db, context.principal.workspaceId, {
          status,
          assignee,
          window,
        }),
      );
    },
  }),
);

function assigneeFilter(context: Context, assignee: 'ALL' | 'ME' | 'UNASSIGNED'): AssigneeFilter {
  if (assignee === 'ALL') return { kind: 'any' };
  if (assignee === 'UNASSIGNED') return { kind: 'none' };
  if (context.principal?.kind !== 'agent') {
    throw badUserInput('assignee', 'assignee ME is for agents: an API key has no conversations.');
  }
  return { kind: 'agent', agentId: context.principal.agentId };
}

builder.queryField('conversation', (t) =>
  t.withAuth({ workspace: true }).field(
    workspaceRowField(t.arg, {
      type: Conversation,
      description: 'A conversation of the workspace; null when unknown or another workspace’s.',
      load: conversationOfWorkspace,
    }),
  ),
);

function statusMutation(name: string, status: Status, description: string) {
  builder.mutationField(name, (t) =>
    t.withAuth({ agent: true }).field({
      type: Conversation,
      description,
      args: { id: t.arg.id({ required: true }) },
      resolve: async (_root, { id }, context) => {
        if (!isUuid(id)) throw notFound('conversation');
        return setConversationStatus(
          context.db,
          context.publisher,
          context.principal.workspaceId,
          id,
          status,
        );
      },
    }),
  );
}

statusMutation(
  'closeConversation',
  'closed',
  'Closes the conversation; the visitor’s next message opens a new one. Closing a closed conversation changes nothing. NOT_FOUND for another workspace’s.',
);
statusMutation(
  'reopenConversation',
  'open',
  'Reopens a closed conversation. A visitor has one open conversation at a time: when it has opened another since, BAD_USER_INPUT (field `id`, `extensions.openConversationId` names it); close that one first.',
);
