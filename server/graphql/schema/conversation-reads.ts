import { isUuid } from '../../../protocol/index.ts';
import { unreadTotalForAgent } from '../../conversations/messages.ts';
import { markConversationRead } from '../../conversations/read-marks.ts';
import { notFound } from '../../errors.ts';
import { channels } from '../../realtime/channels.ts';
import { builder } from '../builder.ts';
import { Conversation, conversationOfWorkspace } from './conversation.ts';

// What each agent has read: its read marks, and the counts they make (`Conversation.unreadCount`).

builder.mutationField('markConversationRead', (t) =>
  t.withAuth({ agent: true }).field({
    type: Conversation,
    description:
      'Marks the conversation’s messages as read by the signed-in agent: its `unreadCount` drops to 0 for this agent, and for no other. The agent’s other sessions get the conversation on `conversationsRead`. NOT_FOUND for another workspace’s conversation.',
    args: { conversationId: t.arg.id({ required: true }) },
    resolve: (_root, { conversationId }, context) => {
      if (!isUuid(conversationId)) throw notFound('conversation');
      return markConversationRead(context.db, context.publisher, context.principal, conversationId);
    },
  }),
);

builder.queryField('inboxUnreadCount', (t) =>
  t.withAuth({ agent: true }).int({
    description:
      'How many visitor messages the signed-in agent has not read in the workspace’s open conversations assigned to it or to no one: what the inbox shows in its tab title.',
    resolve: (_root, _args, context) =>
      unreadTotalForAgent(context.db, context.principal.workspaceId, context.principal.agentId),
  }),
);

builder.subscriptionField('conversationsRead', (t) =>
  t.withAuth({ agent: true }).field({
    type: Conversation,
    description:
      'The signed-in agent’s read marks as they move, from any of its sessions: each is the conversation it read, with the agent’s `unreadCount` now. Live only: after a reconnect, read the counts again.',
    subscribe: (_root, _args, context) =>
      context.pubsub.subscribe(channels.agentReads(context.principal.agentId)),
    resolve: async ({ conversationId }, _args, context, info) => {
      const conversation = await conversationOfWorkspace(context, info, conversationId);
      if (conversation === undefined) throw notFound('conversation');
      return conversation;
    },
  }),
);
