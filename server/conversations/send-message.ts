import type { Db, Transaction, VisitorRow } from '../db/database.ts';
import { runUnitOfWork } from '../db/unit-of-work.ts';
import { requireActiveVisitor, type VisitorRef } from '../identity/visitors.ts';
import type { DomainEventPublisher } from './events.ts';
import { appendInboxEvent } from './inbox-events.ts';
import { insertMessage, type MessageModel, toMessage } from './messages.ts';

/**
 * Stores a visitor's message in its open conversation, opening one (with the visitor's
 * contact, if identified) when there is none. A repeated `clientMessageId` returns the
 * stored message and writes nothing, so a client may resend freely after a lost answer.
 * Once committed, a new message is published to whoever sees it live and to the inbox.
 */
export async function sendVisitorMessage(
  db: Db,
  publisher: DomainEventPublisher,
  visitor: VisitorRef,
  input: { body: string; clientMessageId: string },
): Promise<MessageModel> {
  return runUnitOfWork(db, publisher, async (work) => {
    const { trx } = work;
    const current = await requireActiveVisitor(trx, visitor, { forUpdate: true });
    const existing = await trx
      .selectFrom('messages')
      .selectAll()
      .where('author_visitor_id', '=', visitor.id)
      .where('client_message_id', '=', input.clientMessageId)
      .executeTakeFirst();
    if (existing !== undefined) return toMessage(existing);
    if (current.contact_id !== null) {
      // The contact's verified visitors replay its messages by seq across all its visitors:
      // serialising the contact's writes makes seq order equal commit order there too.
      await trx
        .selectFrom('contacts')
        .select('id')
        .where('id', '=', current.contact_id)
        .forUpdate()
        .execute();
    }

    const {
      id: conversationId,
      contact_id: contactId,
      opened,
    } = await openConversationOf(trx, current);
    const row = await insertMessage(trx, {
      conversation_id: conversationId,
      author: 'visitor',
      author_visitor_id: visitor.id,
      client_message_id: input.clientMessageId,
      body: input.body,
    });
    const message = toMessage(row);
    work.record({ kind: 'message-added', message, audience: { visitorId: visitor.id, contactId } });
    const about = {
      workspaceId: current.workspace_id,
      conversationId,
      visitorId: visitor.id,
      contactId,
    };
    if (opened) await appendInboxEvent(work, { ...about, kind: 'conversation_created' });
    await appendInboxEvent(work, { ...about, kind: 'message_added', messageId: row.id });
    return message;
  });
}

/** The visitor's open conversation; `opened` when this call created it. */
async function openConversationOf(
  trx: Transaction,
  visitor: VisitorRow,
): Promise<{ id: string; contact_id: string | null; opened: boolean }> {
  const open = await trx
    .selectFrom('conversations')
    .select(['id', 'contact_id'])
    .where('visitor_id', '=', visitor.id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (open !== undefined) return { ...open, opened: false };
  const created = await trx
    .insertInto('conversations')
    .values({
      workspace_id: visitor.workspace_id,
      visitor_id: visitor.id,
      contact_id: visitor.contact_id,
    })
    .returning(['id', 'contact_id'])
    .executeTakeFirstOrThrow();
  return { ...created, opened: true };
}
