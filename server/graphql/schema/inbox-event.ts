import { isUuid } from '../../../protocol/index.ts';
import {
  findInboxEventPosition,
  type InboxEventModel,
  type InboxLogPosition,
  inboxLogStart,
  readInboxLogAfter,
} from '../../conversations/inbox-events.ts';
import { findWorkspaceMessages } from '../../conversations/messages.ts';
import { badUserInput } from '../../errors.ts';
import { channels } from '../../realtime/channels.ts';
import { followLog } from '../../realtime/follow-log.ts';
import { batchLoader } from '../batch.ts';
import { builder } from '../builder.ts';
import { Contact, contactOfWorkspace } from './contact.ts';
import { Conversation, conversationOfWorkspace, visitorOfWorkspace } from './conversation.ts';
import { Message } from './message.ts';
import { Visitor } from './visitor.ts';

const messageOfWorkspace = batchLoader((context, ids) =>
  context.principal === null
    ? Promise.resolve(new Map())
    : findWorkspaceMessages(context.db, context.principal.workspaceId, ids),
);

export const InboxEventKind = builder.enumType('InboxEventKind', {
  values: {
    CONVERSATION_CREATED: { value: 'conversation_created' },
    MESSAGE_ADDED: { value: 'message_added', description: 'By the visitor or by an agent.' },
    VISITOR_IDENTIFIED: {
      value: 'visitor_identified',
      description: 'A visitor was bound to a contact for the first time, or verified.',
    },
    CONVERSATION_CLOSED: { value: 'conversation_closed' },
    CONVERSATION_REOPENED: { value: 'conversation_reopened' },
    CONVERSATION_ASSIGNED: {
      value: 'conversation_assigned',
      description: 'The conversation was assigned to an agent, or to no one: see its `assignee`.',
    },
  } as const,
});

const InboxEvent = builder.objectRef<InboxEventModel>('InboxEvent').implement({
  description:
    'Something that happened in the workspace. The objects it names are read as they are when the event is delivered.',
  fields: (t) => ({
    id: t.exposeID('id', {
      description: 'Pass as `inboxEvents(after:)` to replay what came later.',
    }),
    kind: t.field({ type: InboxEventKind, resolve: (event) => event.kind }),
    createdAt: t.field({ type: 'DateTime', resolve: (event) => event.createdAt }),
    conversation: t.field({
      type: Conversation,
      nullable: true,
      description: 'Set for conversation and message events.',
      resolve: async (event, _args, context, info) =>
        event.conversationId === null
          ? null
          : ((await conversationOfWorkspace(context, info, event.conversationId)) ?? null),
    }),
    message: t.field({
      type: Message,
      nullable: true,
      description: 'Set for MESSAGE_ADDED.',
      resolve: async (event, _args, context, info) =>
        event.messageId === null
          ? null
          : ((await messageOfWorkspace(context, info, event.messageId)) ?? null),
    }),
    contact: t.field({
      type: Contact,
      nullable: true,
      description:
        'For VISITOR_IDENTIFIED the contact with its email and name; otherwise the conversation’s contact, if it has one.',
      resolve: async (event, _args, context, info) => {
        let contactId = event.contactId;
        if (contactId === null && event.conversationId !== null) {
          const conversation = await conversationOfWorkspace(context, info, event.conversationId);
          contactId = conversation?.contactId ?? null;
        }
        return contactId === null
          ? null
          : ((await contactOfWorkspace(context, info, contactId)) ?? null);
      },
    }),
    visitor: t.field({
      type: Visitor,
      nullable: true,
      resolve: async (event, _args, context, info) =>
        event.visitorId === null
          ? null
          : ((await visitorOfWorkspace(context, info, event.visitorId)) ?? null),
    }),
  }),
});

builder.subscriptionField('inboxEvents', (t) =>
  t.withAuth({ agent: true }).field({
    type: InboxEvent,
    description:
      'The workspace’s events as they happen: conversations created, closed, reopened and assigned, messages from both sides, visitors identified. With `after` (an InboxEvent id of this workspace), first replays every later event in order, then goes live: a reconnecting inbox loses nothing.',
    args: { after: t.arg.id() },
    subscribe: async (_root, { after }, context) => {
      const { db, pubsub } = context;
      const { workspaceId } = context.principal;
      let afterPosition: InboxLogPosition | null = null;
      if (after != null) {
        afterPosition = isUuid(after)
          ? ((await findInboxEventPosition(db, workspaceId, after)) ?? null)
          : null;
        if (afterPosition === null) {
          throw badUserInput('after', 'after must be the id of an inbox event of this workspace.');
        }
      }
      return followLog<InboxEventModel, InboxLogPosition>({
        listen: (onAppended) => pubsub.listen(channels.inboxEvents(workspaceId), onAppended),
        onResumed: (listener) => pubsub.onResumed(listener),
        after: afterPosition,
        start: () => inboxLogStart(db, workspaceId),
        readAfter: (position) => readInboxLogAfter(db, workspaceId, position),
        position: (event) => event.position,
        key: (event) => event.id,
        onError: (message, error) => context.log.error({ err: error }, message),
      });
    },
    resolve: (event) => event,
  }),
);
