import { isUuid } from '../../../protocol/index.ts';
import { assignConversation } from '../../conversations/assignment.ts';
import { notFound } from '../../errors.ts';
import { builder } from '../builder.ts';
import { Agent, agentOfWorkspace } from './agent.ts';
import { Conversation } from './conversation.ts';

// Who has a conversation: its assignee, and the mutation that changes it.

builder.objectField(Conversation, 'assignee', (t) =>
  t.withAuth({ workspace: true }).field({
    type: Agent,
    nullable: true,
    description: 'The agent it is assigned to; null when unassigned. Agents and API keys only.',
    resolve: async (conversation, _args, context, info) =>
      conversation.assigneeAgentId === null
        ? null
        : ((await agentOfWorkspace(context, info, conversation.assigneeAgentId)) ?? null),
  }),
);

const AssignConversationInput = builder.inputType('AssignConversationInput', {
  fields: (t) => ({
    conversationId: t.id({ required: true }),
    agentId: t.id({
      description: 'An agent of the workspace (`agents`, `me`); null or absent unassigns it.',
    }),
  }),
});

builder.mutationField('assignConversation', (t) =>
  t.withAuth({ workspace: true }).field({
    type: Conversation,
    description:
      'Assigns a conversation to an agent of the workspace, or to no one. Every agent’s `inboxEvents` gets CONVERSATION_ASSIGNED; assigning it to whoever has it already changes nothing. NOT_FOUND for an unknown or another workspace’s conversation or agent, and nothing changes.',
    args: { input: t.arg({ type: AssignConversationInput, required: true }) },
    resolve: (_root, { input }, context) => {
      const agentId = input.agentId ?? null;
      if (agentId !== null && !isUuid(agentId)) throw notFound('agent');
      if (!isUuid(input.conversationId)) throw notFound('conversation');
      return assignConversation(
        context.db,
        context.publisher,
        context.principal.workspaceId,
        input.conversationId,
        agentId,
      );
    },
  }),
);
