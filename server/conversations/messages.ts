// Owns the table `messages`: every read and write of it is here. Its reads join
// `conversations` to keep to a workspace or a visitor's scope.
import { sql } from 'kysely';
import type { VisitorScope } from '../access/visitor-scope.ts';
import type { Executor, MessageAuthor, MessageRow, NewMessage } from '../db/database.ts';
import { inScope, touchConversation } from './conversations.ts';

/**
 * A message as the API and pub/sub carry it. Plain JSON, so it crosses Redis unchanged.
 */
export interface MessageModel {
  readonly id: string;
  /** Position in the global message order, a decimal bigint. */
  readonly seq: string;
  readonly conversationId: string;
  readonly author: MessageAuthor;
  /** The agent who wrote it; null for a visitor's message. */
  readonly authorAgentId: string | null;
  readonly body: string;
  /** The id its author's client chose (idempotency per author); null for messages without one. */
  readonly clientMessageId: string | null;
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
    authorAgentId: row.author_agent_id,
    body: row.body,
    clientMessageId: row.client_message_id,
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * Stores a message and moves its conversation's last activity to now, in the caller's
 * transaction: every writer of messages (visitor or agent) keeps the inbox order this way.
 */
export async function insertMessage(trx: Executor, message: NewMessage): Promise<MessageRow> {
  const row = await trx
    .insertInto('messages')
    .values(message)
    .returningAll()
    .executeTakeFirstOrThrow();
  await touchConversation(trx, message.conversation_id);
  return row;
}

/** The agent message of the conversation with this clientMessageId, if one was stored. */
export async function findAgentMessage(
  db: Executor,
  conversationId: string,
  clientMessageId: string,
): Promise<MessageModel | undefined> {
  const row = await db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('author', '=', 'agent')
    .where('client_message_id', '=', clientMessageId)
    .executeTakeFirst();
  return row && toMessage(row);
}

/** The visitor's message with this clientMessageId, if one was stored. */
export async function findVisitorMessage(
  db: Executor,
  visitorId: string,
  clientMessageId: string,
): Promise<MessageModel | undefined> {
  const row = await db
    .selectFrom('messages')
    .selectAll()
    .where('author_visitor_id', '=', visitorId)
    .where('client_message_id', '=', clientMessageId)
    .executeTakeFirst();
  return row && toMessage(row);
}

/**
 * The newest `last` messages of each conversation, oldest first, by conversation id (those
 * without messages are absent); with `beforeSeq` only those before that position. One query
 * for every conversation: each reads its newest rows by (conversation_id, seq) and stops.
 */
export async function listConversationsMessages(
  db: Executor,
  conversationIds: readonly string[],
  options: { last: number; beforeSeq: string | null },
): Promise<Map<string, MessageModel[]>> {
  const byConversation = new Map<string, MessageModel[]>();
  if (conversationIds.length === 0) return byConversation;
  const rows = await db
    .selectFrom('conversations')
    .innerJoinLateral(
      (eb) => {
        let newest = eb
          .selectFrom('messages')
          .selectAll()
          .whereRef('messages.conversation_id', '=', 'conversations.id');
        if (options.beforeSeq !== null) newest = newest.where('seq', '<', options.beforeSeq);
        return newest.orderBy('seq', 'desc').limit(options.last).as('newest');
      },
      (join) => join.onTrue(),
    )
    .selectAll('newest')
    .where('conversations.id', 'in', conversationIds)
    .orderBy('newest.seq')
    .execute();
  for (const row of rows) {
    const list = byConversation.get(row.conversation_id) ?? [];
    list.push(toMessage(row));
    byConversation.set(row.conversation_id, list);
  }
  return byConversation;
}

/** Where each of these messages is: its conversation and position, by message id. */
export async function findMessagePositions(
  db: Executor,
  messageIds: readonly string[],
): Promise<Map<string, { readonly conversationId: string; readonly seq: string }>> {
  if (messageIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('messages')
    .select(['id', 'conversation_id', 'seq'])
    .where('id', 'in', messageIds)
    .execute();
  return new Map(
    rows.map((row) => [row.id, { conversationId: row.conversation_id, seq: row.seq }]),
  );
}

/** Messages by id, restricted to the workspace's conversations. */
export async function findWorkspaceMessages(
  db: Executor,
  workspaceId: string,
  messageIds: readonly string[],
): Promise<Map<string, MessageModel>> {
  if (messageIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .selectAll('messages')
    .where('conversations.workspace_id', '=', workspaceId)
    .where('messages.id', 'in', messageIds)
    .execute();
  return new Map(rows.map((row) => [row.id, toMessage(row)]));
}

/** The newest message of each conversation that has one, by conversation id. */
export async function lastMessagesOf(
  db: Executor,
  conversationIds: readonly string[],
): Promise<Map<string, MessageModel>> {
  if (conversationIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('messages')
    .selectAll()
    .distinctOn('conversation_id')
    .where('conversation_id', 'in', conversationIds)
    .orderBy('conversation_id')
    .orderBy('seq', 'desc')
    .execute();
  return new Map(rows.map((row) => [row.conversation_id, toMessage(row)]));
}

/**
 * How many visitor messages each conversation has after its last agent message (all of them
 * when no agent replied yet), by conversation id; conversations with none are absent. What an
 * API key reads as unread: it has no read marks.
 */
export async function unreadCountsOf(
  db: Executor,
  conversationIds: readonly string[],
): Promise<Map<string, number>> {
  if (conversationIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('messages as m')
    .select(['m.conversation_id', (eb) => eb.fn.countAll<string>().as('unread')])
    .where('m.conversation_id', 'in', conversationIds)
    .where('m.author', '=', 'visitor')
    .where(({ eb, selectFrom, fn }) =>
      eb(
        'm.seq',
        '>',
        fn.coalesce(
          selectFrom('messages as a')
            .select((inner) => inner.fn.max('a.seq').as('seq'))
            .whereRef('a.conversation_id', '=', 'm.conversation_id')
            .where('a.author', '=', 'agent'),
          sql<string>`0`,
        ),
      ),
    )
    .groupBy('m.conversation_id')
    .execute();
  return new Map(rows.map((row) => [row.conversation_id, Number(row.unread)]));
}

/** The position of the conversation's newest message; null when it has none. */
export async function newestMessageSeq(
  db: Executor,
  conversationId: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
  return row?.seq ?? null;
}

/**
 * How many visitor messages each conversation has after the agent's read mark (all of them
 * when the agent never read it), by conversation id; conversations with none are absent.
 */
export async function unreadCountsForAgent(
  db: Executor,
  agentId: string,
  conversationIds: readonly string[],
): Promise<Map<string, number>> {
  if (conversationIds.length === 0) return new Map();
  const rows = await unreadForAgent(db, agentId)
    .select(['m.conversation_id', (eb) => eb.fn.countAll<string>().as('unread')])
    .where('m.conversation_id', 'in', conversationIds)
    .groupBy('m.conversation_id')
    .execute();
  return new Map(rows.map((row) => [row.conversation_id, Number(row.unread)]));
}

/**
 * How many visitor messages the agent has not read in the workspace's open conversations that
 * are the agent's or no one's: what it has to answer, whatever list it looks at.
 */
export async function unreadTotalForAgent(
  db: Executor,
  workspaceId: string,
  agentId: string,
): Promise<number> {
  const row = await unreadForAgent(db, agentId)
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .select((eb) => eb.fn.countAll<string>().as('unread'))
    .where('c.workspace_id', '=', workspaceId)
    .where('c.status', '=', 'open')
    .where((eb) =>
      eb.or([eb('c.assignee_agent_id', 'is', null), eb('c.assignee_agent_id', '=', agentId)]),
    )
    .executeTakeFirst();
  return Number(row?.unread ?? 0);
}

/** Visitor messages after the agent's read mark in their conversation. */
function unreadForAgent(db: Executor, agentId: string) {
  return db
    .selectFrom('messages as m')
    .leftJoin('conversation_reads as r', (join) =>
      join.onRef('r.conversation_id', '=', 'm.conversation_id').on('r.agent_id', '=', agentId),
    )
    .where('m.author', '=', 'visitor')
    .where(({ eb, fn }) => eb('m.seq', '>', fn.coalesce('r.last_read_seq', sql<string>`0`)));
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

/** The position of the scope's newest message, `'0'` when it has none. */
export async function newestScopeMessageSeq(db: Executor, scope: VisitorScope): Promise<string> {
  const row = await inScope(db.selectFrom('conversations'), scope)
    .innerJoin('messages', 'messages.conversation_id', 'conversations.id')
    .select((eb) => eb.fn.max('messages.seq').as('seq'))
    .executeTakeFirst();
  return row?.seq ?? '0';
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
