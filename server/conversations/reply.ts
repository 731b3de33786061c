import type { Db } from '../db/database.ts';
import { runUnitOfWork } from '../db/unit-of-work.ts';
import { badUserInput } from '../errors.ts';
import { lockConversation } from './conversations.ts';
import type { DomainEventPublisher } from './events.ts';
import { appendInboxEvent } from './inbox-events.ts';
import { findAgentMessage, insertMessage, type MessageModel, toMessage } from './messages.ts';

/**
 * Adds an agent's message to a conversation of the agent's workspace; once committed, it is
 * published to the visitor (and its contact's verified visitors) and to the inbox. A repeated
 * `clientMessageId` in the conversation returns the stored message and writes nothing.
 * A conversation of another workspace is NOT_FOUND; a closed one is BAD_USER_INPUT on
 * `input.conversationId` (reopen it first): a reply never reopens a conversation on its own,
 * because the visitor may have started another one since.
 */
export async function replyToConversation(
  db: Db,
  publisher: DomainEventPublisher,
  agent: { readonly workspaceId: string; readonly agentId: string },
  input: {
    readonly conversationId: string;
    readonly body: string;
    readonly clientMessageId: string;
  },
): Promise<MessageModel> {
  return runUnitOfWork(db, publisher, async (work) => {
    const { trx } = work;
    const conversation = await lockConversation(trx, agent.workspaceId, input.conversationId);
    const existing = await findAgentMessage(trx, conversation.id, input.clientMessageId);
    if (existing !== undefined) return existing;
    if (conversation.status === 'closed') {
      throw badUserInput(
        'input.conversationId',
        'This conversation is closed: reopen it (reopenConversation) to reply.',
      );
    }

    const row = await insertMessage(trx, {
      conversation_id: conversation.id,
      author: 'agent',
      author_agent_id: agent.agentId,
      client_message_id: input.clientMessageId,
      body: input.body,
    });
    const message = toMessage(row);
    work.record({
      kind: 'message-added',
      message,
      audience: { visitorId: conversation.visitorId, contactId: conversation.contactId },
    });
    await appendInboxEvent(work, {
      workspaceId: agent.workspaceId,
      kind: 'message_added',
      conversationId: conversation.id,
      messageId: row.id,
      visitorId: conversation.visitorId,
      contactId: conversation.contactId,
    });
    return message;
  });
}
