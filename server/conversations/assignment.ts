import { findWorkspaceAgents } from '../access/agents.ts';
import type { Db } from '../db/database.ts';
import { runUnitOfWork } from '../db/unit-of-work.ts';
import { notFound } from '../errors.ts';
import {
  type ConversationModel,
  lockConversation,
  updateConversationAssignee,
} from './conversations.ts';
import type { DomainEventPublisher } from './events.ts';
import { appendInboxEvent } from './inbox-events.ts';

/**
 * Gives a conversation of the workspace to one of its agents, or with `agentId` null to no
 * one. An agent that is unknown or another workspace's is NOT_FOUND, and so is such a
 * conversation; nothing is written then. Giving it to whoever has it already changes nothing
 * and records no event; a change is a `conversation_assigned` inbox event, live for every agent.
 */
export async function assignConversation(
  db: Db,
  publisher: DomainEventPublisher,
  workspaceId: string,
  conversationId: string,
  agentId: string | null,
): Promise<ConversationModel> {
  return runUnitOfWork(db, publisher, async (work) => {
    const { trx } = work;
    if (
      agentId !== null &&
      !(await findWorkspaceAgents(trx, workspaceId, [agentId])).has(agentId)
    ) {
      throw notFound('agent');
    }
    const locked = await lockConversation(trx, workspaceId, conversationId);
    if (locked.assigneeAgentId === agentId) return locked;
    const conversation = await updateConversationAssignee(trx, locked.id, agentId);
    await appendInboxEvent(work, {
      workspaceId,
      kind: 'conversation_assigned',
      conversationId: conversation.id,
      visitorId: conversation.visitorId,
      contactId: conversation.contactId,
    });
    return conversation;
  });
}
