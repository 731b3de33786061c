import type { ConversationRow, Db, Transaction } from '../db/database.ts';
import { runUnitOfWork } from '../db/unit-of-work.ts';
import { badUserInput, notFound } from '../errors.ts';
import type { DomainEventPublisher } from './events.ts';
import { appendInboxEvent } from './inbox-events.ts';
import { insertMessage, type MessageModel, toMessage } from './messages.ts';

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
    const existing = await trx
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', conversation.id)
      .where('author', '=', 'agent')
      .where('client_message_id', '=', input.clientMessageId)
      .executeTakeFirst();
    if (existing !== undefined) return toMessage(existing);
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
      audience: { visitorId: conversation.visitor_id, contactId: conversation.contact_id },
    });
    await appendInboxEvent(work, {
      workspaceId: agent.workspaceId,
      kind: 'message_added',
      conversationId: conversation.id,
      messageId: row.id,
      visitorId: conversation.visitor_id,
      contactId: conversation.contact_id,
    });
    return message;
  });
}

/** A conversation row as a writer holds it locked. */
export type LockedConversation = Pick<
  ConversationRow,
  'id' | 'status' | 'visitor_id' | 'contact_id'
>;

/**
 * Loads a conversation of the workspace for a write, taking the locks every writer into a
 * visitor's conversations takes, in the same order: the visitor's row, then its contact's
 * (whose verified visitors replay by seq), then the conversation's. Message seq order then
 * equals commit order for both the visitor and the contact. Unknown or another workspace's
 * conversation: NOT_FOUND.
 */
export async function lockConversation(
  trx: Transaction,
  workspaceId: string,
  conversationId: string,
): Promise<LockedConversation> {
  const found = await trx
    .selectFrom('conversations')
    .select('visitor_id')
    .where('id', '=', conversationId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (found === undefined) throw notFound('conversation');
  await trx
    .selectFrom('visitors')
    .select('id')
    .where('id', '=', found.visitor_id)
    .forUpdate()
    .execute();
  // Read again under the visitor's lock: identify may have linked a contact meanwhile.
  const { contact_id } = await trx
    .selectFrom('conversations')
    .select('contact_id')
    .where('id', '=', conversationId)
    .executeTakeFirstOrThrow();
  if (contact_id !== null) {
    await trx
      .selectFrom('contacts')
      .select('id')
      .where('id', '=', contact_id)
      .forUpdate()
      .execute();
  }
  return trx
    .selectFrom('conversations')
    .select(['id', 'status', 'visitor_id', 'contact_id'])
    .where('id', '=', conversationId)
    .forUpdate()
    .executeTakeFirstOrThrow();
}
