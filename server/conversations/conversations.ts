import type { ConversationRow, ConversationStatus, Executor } from '../db/database.ts';

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
