import type { SelectQueryBuilder } from 'kysely';
import { type ConversationModel, toConversation } from '../conversations/conversations.ts';
import { type MessageModel, toMessage } from '../conversations/messages.ts';
import type { Database, Executor } from '../db/database.ts';
import type { VisitorModel } from '../identity/visitors.ts';

/**
 * The conversations a visitor may read. A visitor verified by an identity token sees the
 * conversations of its contact held by verified visitors (its own devices, from any browser);
 * any other visitor sees only its own, even when it identified with an email: an unsigned
 * email proves nothing. Conversations of unverified visitors stay out of a verified history
 * too, since anyone could have written them under that email; a visitor that later verifies
 * brings its conversations in.
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

type ConversationQuery<O> = SelectQueryBuilder<Database, 'conversations', O>;

/** Narrows a query over `conversations` to those of the scope. */
function inScope<O>(query: ConversationQuery<O>, scope: VisitorScope): ConversationQuery<O> {
  if (scope.kind === 'visitor')
    return query.where('conversations.visitor_id', '=', scope.visitorId);
  return query
    .where('conversations.contact_id', '=', scope.contactId)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('visitors')
          .select('visitors.id')
          .whereRef('visitors.id', '=', 'conversations.visitor_id')
          .where('visitors.identity_verified', '=', true),
      ),
    );
}

/** The conversations of the scope, newest first. */
export async function listScopeConversations(
  db: Executor,
  scope: VisitorScope,
): Promise<ConversationModel[]> {
  const rows = await inScope(db.selectFrom('conversations'), scope)
    .selectAll('conversations')
    .orderBy('conversations.created_at', 'desc')
    .orderBy('conversations.id', 'desc')
    .execute();
  return rows.map(toConversation);
}

/** Messages of the scope's conversations after the message at `afterSeq`, oldest first. */
export async function listScopeMessagesAfter(
  db: Executor,
  scope: VisitorScope,
  afterSeq: string,
): Promise<MessageModel[]> {
  const rows = await inScope(db.selectFrom('conversations'), scope)
    .innerJoin('messages', 'messages.conversation_id', 'conversations.id')
    .selectAll('messages')
    .where('messages.seq', '>', afterSeq)
    .orderBy('messages.seq')
    .execute();
  return rows.map(toMessage);
}

/** The position of a message, if it is in one of the scope's conversations. */
export async function findScopeMessageSeq(
  db: Executor,
  scope: VisitorScope,
  messageId: string,
): Promise<string | undefined> {
  const row = await inScope(db.selectFrom('conversations'), scope)
    .innerJoin('messages', 'messages.conversation_id', 'conversations.id')
    .select('messages.seq')
    .where('messages.id', '=', messageId)
    .executeTakeFirst();
  return row?.seq;
}

/** Whether the conversation is one of the scope's. */
export async function isConversationInScope(
  db: Executor,
  scope: VisitorScope,
  conversationId: string,
): Promise<boolean> {
  const row = await inScope(db.selectFrom('conversations'), scope)
    .select('conversations.id')
    .where('conversations.id', '=', conversationId)
    .executeTakeFirst();
  return row !== undefined;
}
