import type { Executor, MessageAuthor, MessageRow } from '../db/database.ts';

/**
 * A message as the API and pub/sub carry it. Plain JSON, so it crosses Redis unchanged.
 */
export interface MessageModel {
  readonly id: string;
  /** Position in the global message order, a decimal bigint. */
  readonly seq: string;
  readonly conversationId: string;
  readonly author: MessageAuthor;
  readonly body: string;
  /** ISO 8601. */
  readonly createdAt: string;
}

/** The one mapping from a message row to its API model. */
export function toMessage(row: MessageRow): MessageModel {
  return {
    id: row.id,
    seq: row.seq,
    conversationId: row.conversation_id,
    author: row.author,
    body: row.body,
    createdAt: row.created_at.toISOString(),
  };
}

/** Messages of the given conversations, oldest first. */
export async function listMessages(
  db: Executor,
  conversationIds: readonly string[],
): Promise<MessageModel[]> {
  if (conversationIds.length === 0) return [];
  const rows = await db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', 'in', conversationIds)
    .orderBy('seq')
    .execute();
  return rows.map(toMessage);
}

/** Messages in the visitor's conversations that came after the message `afterSeq`, oldest first. */
export async function listVisitorMessagesAfter(
  db: Executor,
  visitorId: string,
  afterSeq: string | null,
): Promise<MessageModel[]> {
  let query = db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .selectAll('messages')
    .where('conversations.visitor_id', '=', visitorId)
    .orderBy('messages.seq');
  if (afterSeq !== null) query = query.where('messages.seq', '>', afterSeq);
  const rows = await query.execute();
  return rows.map(toMessage);
}

/** The position of a message, if it is in one of the visitor's conversations. */
export async function findVisitorMessageSeq(
  db: Executor,
  visitorId: string,
  messageId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select('messages.seq')
    .where('conversations.visitor_id', '=', visitorId)
    .where('messages.id', '=', messageId)
    .executeTakeFirst();
  return row?.seq;
}
