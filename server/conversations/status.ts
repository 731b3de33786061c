import { ErrorCode } from '../../protocol/index.ts';
import type { ConversationStatus, Db } from '../db/database.ts';
import { runUnitOfWork } from '../db/unit-of-work.ts';
import { SonnyError } from '../errors.ts';
import {
  type ConversationModel,
  findOpenConversation,
  lockConversation,
  updateConversationStatus,
} from './conversations.ts';
import type { DomainEventPublisher } from './events.ts';
import { appendInboxEvent } from './inbox-events.ts';

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
      const other = await findOpenConversation(trx, locked.visitorId);
      if (other !== undefined) {
        throw new SonnyError(
          ErrorCode.BAD_USER_INPUT,
          'The visitor has another open conversation; close it before reopening this one.',
          { field: 'id', details: { openConversationId: other.id } },
        );
      }
    }
    if (locked.status === status) return locked;
    const conversation = await updateConversationStatus(trx, locked.id, status);
    await appendInboxEvent(work, {
      workspaceId,
      kind: status === 'open' ? 'conversation_reopened' : 'conversation_closed',
      conversationId: conversation.id,
      visitorId: conversation.visitorId,
      contactId: conversation.contactId,
    });
    return conversation;
  });
}
