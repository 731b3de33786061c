import type { ConversationRow, ConversationStatus, Executor } from '../db/database.ts';
import { type KeysetWindow, microsOf, type Positioned, readWindow } from '../db/keyset.ts';

/** A conversation as the API sees it. */
export interface ConversationModel {
  readonly id: string;
  readonly workspaceId: string;
  readonly visitorId: string;
  readonly contactId: string | null;
  readonly status: ConversationStatus;
  readonly createdAt: Date;
  readonly lastActivityAt: Date;
}

/** The one mapping from a conversation row to its API model. */
export function toConversation(row: ConversationRow): ConversationModel {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    visitorId: row.visitor_id,
    contactId: row.contact_id,
    status: row.status,
    createdAt: row.created_at,
    lastActivityAt: row.last_activity_at,
  };
}

/** The visitor's conversations, newest first. */
export async function listVisitorConversations(
  db: Executor,
  visitorId: string,
): Promise<ConversationModel[]> {
  const rows = await db
    .selectFrom('conversations')
    .selectAll()
    .where('visitor_id', '=', visitorId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toConversation);
}

/** One of the workspace's conversations; undefined when unknown or another workspace's. */
export async function findConversation(
  db: Executor,
  workspaceId: string,
  conversationId: string,
): Promise<ConversationModel | undefined> {
  const row = await db
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', conversationId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return row && toConversation(row);
}

/** The workspace's conversations with these ids, by id. */
export async function findConversations(
  db: Executor,
  workspaceId: string,
  conversationIds: readonly string[],
): Promise<Map<string, ConversationModel>> {
  if (conversationIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('conversations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', conversationIds)
    .execute();
  return new Map(rows.map((row) => [row.id, toConversation(row)]));
}

/**
 * The workspace's conversations in the window of the list by most recent activity (id breaks
 * ties), as the window reads them; with `status` only open or closed ones.
 */
export async function listWorkspaceConversations(
  db: Executor,
  workspaceId: string,
  options: { status: ConversationStatus | null; window: KeysetWindow },
): Promise<Array<Positioned<ConversationModel>>> {
  let query = db
    .selectFrom('conversations')
    .selectAll()
    .select(microsOf('last_activity_at').as('position_micros'))
    .where('workspace_id', '=', workspaceId);
  if (options.status !== null) query = query.where('status', '=', options.status);
  const rows = await readWindow(query, 'last_activity_at', 'id', options.window).execute();
  return rows.map(({ position_micros, ...row }) => ({
    row: toConversation(row),
    position: { micros: position_micros, id: row.id },
  }));
}

/** The conversations of each contact, newest first, by contact id. */
export async function listContactsConversations(
  db: Executor,
  contactIds: readonly string[],
): Promise<Map<string, ConversationModel[]>> {
  const byContact = new Map<string, ConversationModel[]>();
  if (contactIds.length === 0) return byContact;
  const rows = await db
    .selectFrom('conversations')
    .selectAll()
    .where('contact_id', 'in', contactIds)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  for (const row of rows) {
    const contactId = row.contact_id;
    if (contactId === null) continue;
    const list = byContact.get(contactId) ?? [];
    list.push(toConversation(row));
    byContact.set(contactId, list);
  }
  return byContact;
}
