import { type ConversationModel, toConversation } from '../conversations/conversations.ts';
import { type MessageModel, toMessage } from '../conversations/messages.ts';
import type { Executor } from '../db/database.ts';
import type { VisitorModel } from '../identity/visitors.ts';
import { channels } from '../realtime/channels.ts';
import type { Channel } from '../realtime/pubsub.ts';

/**
 * The conversations a visitor may read. A visitor verified by an identity token sees every
 * conversation of its contact, from any device; any other visitor sees only its own, even
 * when it identified with an email: an unsigned email proves nothing.
 */
export type VisitorScope =
  | { readonly kind: 'visitor'; readonly visitorId: string }
  | { readonly kind: 'contact'; readonly contactId: string };

/** The one rule deciding a visitor's scope. */
export function visitorScope(
  visitor: Pick<VisitorModel, 'id' | 'contactId' | 'identityVerified'>,
): VisitorScope {
  return visitor.identityVerified && visitor.contactId !== null
    ? { kind: 'contact', contactId: visitor.contactId }
    : { kind: 'visitor', visitorId: visitor.id };
}

/**
 * The channel that carries every new message of the scope. A verified visitor's own
 * conversations are all linked to its contact, so the contact's channel covers them too.
 */
export function scopeChannel(scope: VisitorScope): Channel<MessageModel> {
  return scope.kind === 'contact'
    ? channels.contactMessages(scope.contactId)
    : channels.visitorMessages(scope.visitorId);
}

/** The conversations of the scope, newest first. */
export async function listScopeConversations(
  db: Executor,
  scope: VisitorScope,
): Promise<ConversationModel[]> {
  let query = db.selectFrom('conversations').selectAll();
  query =
    scope.kind === 'contact'
      ? query.where('contact_id', '=', scope.contactId)
      : query.where('visitor_id', '=', scope.visitorId);
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  return rows.map(toConversation);
}

/** Messages of the scope's conversations after the message at `afterSeq`, oldest first. */
export async function listScopeMessagesAfter(
  db: Executor,
  scope: VisitorScope,
  afterSeq: string,
): Promise<MessageModel[]> {
  let query = db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .selectAll('messages')
    .where('messages.seq', '>', afterSeq);
  query =
    scope.kind === 'contact'
      ? query.where('conversations.contact_id', '=', scope.contactId)
      : query.where('conversations.visitor_id', '=', scope.visitorId);
  const rows = await query.orderBy('messages.seq').execute();
  return rows.map(toMessage);
}

/** The position of a message, if it is in one of the scope's conversations. */
export async function findScopeMessageSeq(
  db: Executor,
  scope: VisitorScope,
  messageId: string,
): Promise<string | undefined> {
  let query = db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select('messages.seq')
    .where('messages.id', '=', messageId);
  query =
    scope.kind === 'contact'
      ? query.where('conversations.contact_id', '=', scope.contactId)
      : query.where('conversations.visitor_id', '=', scope.visitorId);
  const row = await query.executeTakeFirst();
  return row?.seq;
}
