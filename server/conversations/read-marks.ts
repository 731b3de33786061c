// Owns the table `conversation_reads`: every write of it is here (unread counts join it).
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { runUnitOfWork } from '../db/unit-of-work.ts';
import { notFound } from '../errors.ts';
import { type ConversationModel, findConversations } from './conversations.ts';
import type { DomainEventPublisher } from './events.ts';
import { newestMessageSeq } from './messages.ts';

/** An agent's read mark moved: that agent's other sessions update their unread counts. */
export interface ConversationRead {
  readonly kind: 'conversation-read';
  readonly agentId: string;
  readonly conversationId: string;
}

/**
 * Marks every message the conversation has now as read by the agent: its visitor messages
 * stop counting as unread for this agent, and for no other. A mark only moves forward; when
 * it moves, the agent's other sessions are told once this commits.
 *
 * The mark is the newest message's position when this runs. The inbox marks a conversation
 * while it shows it, so a message that lands at that very moment is shown there too. Unknown
 * or another workspace's conversation: NOT_FOUND.
 */
export async function markConversationRead(
  db: Db,
  publisher: DomainEventPublisher,
  reader: { readonly workspaceId: string; readonly agentId: string },
  conversationId: string,
): Promise<ConversationModel> {
  return runUnitOfWork(db, publisher, async (work) => {
    const { trx } = work;
    const conversation = (await findConversations(trx, reader.workspaceId, [conversationId])).get(
      conversationId,
    );
    if (conversation === undefined) throw notFound('conversation');
    const newest = await newestMessageSeq(trx, conversationId);
    if (newest === null) return conversation;
    const moved = await trx
      .insertInto('conversation_reads')
      .values({ agent_id: reader.agentId, conversation_id: conversationId, last_read_seq: newest })
      .onConflict((oc) =>
        oc
          .columns(['agent_id', 'conversation_id'])
          .doUpdateSet({ last_read_seq: newest, read_at: sql`now()` })
          .where('conversation_reads.last_read_seq', '<', newest),
      )
      .returning('agent_id')
      .executeTakeFirst();
    if (moved !== undefined) {
      work.record({ kind: 'conversation-read', agentId: reader.agentId, conversationId });
    }
    return conversation;
  });
}
