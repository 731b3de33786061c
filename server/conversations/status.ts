import { ErrorCode } from '../../protocol/index.ts';
import type { ConversationStatus, Db } from '../db/database.ts';
import { runUnitOfWork } from '../db/unit-of-work.ts';
import { SonnyError } from '../errors.ts';
import { type ConversationModel, toConversation } from './conversations.ts';
import type { DomainEventPublisher } from './events.ts';
import { appendInboxEvent } from './inbox-events.ts';
import { lockConversation } from './reply.ts';

/**
 * Closes or reopens a conversation of the workspace. Setting the status it already has
 * changes nothing and records no event. A visitor has at most one open conversation (its
 * messages go there), so reopening while the visitor has another open one is refused with
 * BAD_USER_INPUT on `id`, naming that conversation in `extensions.openConversationId`:
 * close that one first. Unknown or another workspace's conversation: NOT_FOUND. A change is
 * published to the inbox once committed.
 */
export async function setConversationStatus(
  db: Db,
  publisher: DomainEventPublisher,
  workspaceId: string,
  conversationId: string,
  status: ConversationStatus,
): Promise<ConversationModel> {
  return runUnitOfWork(db, publisher, async (work) => {
    const { trx } = work;
    const locked = await lockConversation(trx, workspaceId, conversationId);
    if (locked.status === 'closed' && status === 'open') {
      const other = await trx
        .selectFrom('conversations')
        .select('id')
        .where('visitor_id', '=', locked.visitor_id)
        .where('status', '=', 'open')
        .executeTakeFirst();
      if (other !== undefined) {
        throw new SonnyError(
          ErrorCode.BAD_USER_INPUT,
          'The visitor has another open conversation; close it before reopening this one.',
          { field: 'id', details: { openConversationId: other.id } },
        );
      }
    }
    if (locked.status === status) {
      const row = await trx
        .selectFrom('conversations')
        .selectAll()
        .where('id', '=', locked.id)
        .executeTakeFirstOrThrow();
      return toConversation(row);
    }
    const row = await trx
      .updateTable('conversations')
      .set({ status })
      .where('id', '=', locked.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendInboxEvent(work, {
      workspaceId,
      kind: status === 'open' ? 'conversation_reopened' : 'conversation_closed',
      conversationId: row.id,
      visitorId: row.visitor_id,
      contactId: row.contact_id,
    });
    return toConversation(row);
  });
}
