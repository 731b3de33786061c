import { isUuid } from '../../../protocol/index.ts';
import { findAgentNames } from '../../access/agents.ts';
import { enforceRateLimit } from '../../access/rate-limit.ts';
import { parseClientMessageId, parseMessageBody } from '../../conversations/message-input.ts';
import type { MessageModel } from '../../conversations/messages.ts';
import { replyToConversation } from '../../conversations/reply.ts';
import { sendVisitorMessage } from '../../conversations/send-message.ts';
import { notFound } from '../../errors.ts';
import { batchLoader } from '../batch.ts';
import { builder } from '../builder.ts';

const nameOfAgent = batchLoader((context, agentIds) => findAgentNames(context.db, agentIds));

export const MessageAuthor = builder.enumType('MessageAuthor', {
  description: 'Which side of the conversation wrote a message.',
  values: {
    VISITOR: { value: 'visitor' },
    AGENT: { value: 'agent' },
  } as const,
});

export const Message = builder.objectRef<MessageModel>('Message').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    conversationId: t.exposeID('conversationId'),
    author: t.field({ type: MessageAuthor, resolve: (message) => message.author }),
    authorName: t.string({
      nullable: true,
      description:
        'The name of the agent who wrote it, as the widget shows it; null for a visitor’s message.',
      resolve: async (message, _args, context, info) =>
        message.authorAgentId === null
          ? null
          : ((await nameOfAgent(context, info, message.authorAgentId)) ?? null),
    }),
    body: t.exposeString('body', { description: 'Plain text. Render it as text, never as HTML.' }),
    clientMessageId: t.exposeID('clientMessageId', {
      nullable: true,
      description:
        'The `clientMessageId` its author sent it with, so a client recognises its own message when it comes back; null when there was none.',
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (message) => message.createdAt }),
  }),
});

const SendMessageInput = builder.inputType('SendMessageInput', {
  fields: (t) => ({
    body: t.string({ required: true, description: 'Plain text, 1 to 10,000 characters.' }),
    clientMessageId: t.id({
      required: true,
      description:
        'Chosen by the client, unique per message: resending it returns the same message.',
    }),
  }),
});

builder.mutationField('sendMessage', (t) =>
  t.withAuth({ visitor: true }).field({
    type: Message,
    description:
      'Sends a message from this visitor into its open conversation, opening one if there is none.',
    args: { input: t.arg({ type: SendMessageInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const visitor = context.visitorSession.visitor;
      const body = parseMessageBody(input.body, 'input.body');
      const clientMessageId = parseClientMessageId(input.clientMessageId, 'input.clientMessageId');
      await enforceRateLimit(
        context.rateLimits.visitorMessages,
        visitor.id,
        'Too many messages; wait a moment.',
      );
      // A fresh visitorId starts a fresh count above: the address's count does not.
      await enforceRateLimit(
        context.rateLimits.messagesByIp,
        context.clientAddress,
        'Too many messages from this address; wait a moment.',
      );
      return sendVisitorMessage(context.db, context.publisher, visitor, { body, clientMessageId });
    },
  }),
);

const ReplyToConversationInput = builder.inputType('ReplyToConversationInput', {
  fields: (t) => ({
    conversationId: t.id({ required: true }),
    body: t.string({ required: true, description: 'Plain text, 1 to 10,000 characters.' }),
    clientMessageId: t.id({
      required: true,
      description:
        'Chosen by the client, unique per message: resending it in the same conversation returns the same message.',
    }),
  }),
});

builder.mutationField('replyToConversation', (t) =>
  t.withAuth({ agent: true }).field({
    type: Message,
    description:
      'Adds the agent’s message to a conversation of its workspace and delivers it live to the visitor (`visitorEvents`). A closed conversation is refused with BAD_USER_INPUT on `input.conversationId`: reopen it first. NOT_FOUND for another workspace’s conversation.',
    args: { input: t.arg({ type: ReplyToConversationInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const body = parseMessageBody(input.body, 'input.body');
      const clientMessageId = parseClientMessageId(input.clientMessageId, 'input.clientMessageId');
      if (!isUuid(input.conversationId)) throw notFound('conversation');
      return replyToConversation(context.db, context.publisher, context.principal, {
        conversationId: input.conversationId,
        body,
        clientMessageId,
      });
    },
  }),
);
