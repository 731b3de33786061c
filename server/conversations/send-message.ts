import type { Db, Transaction, VisitorRow } from '../db/database.ts';
import { runUnitOfWork } from '../db/unit-of-work.ts';
import { lockContact } from '../identity/contacts.ts';
import { requireActiveVisitor, type VisitorRef } from '../identity/visitors.ts';
import {
  type ConversationModel,
  findOpenConversation,
  findOpenVerifiedConversation,
  insertConversation,
} from './conversations.ts';
import type { DomainEventPublisher } from './events.ts';
import { appendInboxEvent } from './inbox-events.ts';
import { findVisitorMessage, insertMessage, type MessageModel, toMessage } from './messages.ts';

/**
 * Stores a visitor's message in its open conversation, opening one (with the visitor's
 * contact, if identified) when there is none. A visitor verified now that has no open
 * conversation of its own writes into its contact's open one on another device verified now:
 * one person, one thread in the inbox. A repeated `clientMessageId` returns the
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
    const existing = await findVisitorMessage(trx, visitor.id, input.clientMessageId);
    if (existing !== undefined) return existing;
    // The contact's verified visitors replay its messages by seq across all its visitors.
    if (current.contact_id !== null) await lockContact(trx, current.contact_id);

    const { conversation, opened } = await openConversationOf(trx, current);
    const conversationId = conversation.id;
    const contactId = conversation.contactId;
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

/**
 * The conversation the visitor's message goes into; `opened` when this call created it. The
 * contact is locked by the caller, so two devices never open two threads at once.
 */
async function openConversationOf(
  trx: Transaction,
  visitor: VisitorRow,
): Promise<{ conversation: ConversationModel; opened: boolean }> {
  // Only a verification that holds now shares the thread: an unsigned email proves nothing,
  // and a lapsed visitor reads only its own conversations, so it writes only there.
  const verifiedNow =
    visitor.identity_verified &&
    visitor.identity_verified_until !== null &&
    visitor.identity_verified_until.getTime() > Date.now();
  // Its own open thread first: what a device wrote alone stays where its owner reads it, even
  // after a verification lapses.
  const open =
    (await findOpenConversation(trx, visitor.id)) ??
    (verifiedNow && visitor.contact_id !== null
      ? await findOpenVerifiedConversation(trx, visitor.contact_id)
      : undefined);
  if (open !== undefined) return { conversation: open, opened: false };
  const conversation = await insertConversation(trx, {
    id: visitor.id,
    workspaceId: visitor.workspace_id,
    contactId: visitor.contact_id,
  });
  return { conversation, opened: true };
}
