// Owns the table `conversations`: every read and write of it is here. A visitor's scope
// filters it by `visitors.identity_verified`.
import { type Expression, type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { VisitorScope } from '../access/visitor-scope.ts';
import type {
  ConversationRow,
  ConversationStatus,
  Database,
  Executor,
  Transaction,
} from '../db/database.ts';
import { type KeysetWindow, microsOf, type Positioned, readWindow } from '../db/keyset.ts';
import { type Arguments, prepared } from '../db/prepared.ts';
import { notFound } from '../errors.ts';
import { lockContact } from '../identity/contacts.ts';
import { lockVisitor } from '../identity/visitors.ts';

/** A conversation as the API sees it. */
export interface ConversationModel {
  readonly id: string;
  readonly workspaceId: string;
  readonly visitorId: string;
  readonly contactId: string | null;
  readonly status: ConversationStatus;
  readonly createdAt: Date;
  readonly lastActivityAt: Date;
  /** The agent who has it; null when unassigned. */
  readonly assigneeAgentId: string | null;
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
    assigneeAgentId: row.assignee_agent_id,
  };
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

/** Whose conversations a list keeps: anyone's, no one's, or one agent's. */
export type AssigneeFilter =
  | { readonly kind: 'any' }
  | { readonly kind: 'none' }
  | { readonly kind: 'agent'; readonly agentId: string };

/**
 * The workspace's conversations in the window of the list by most recent activity (id breaks
 * ties), as the window reads them; with `status` only open or closed ones, and only those of
 * the `assignee`.
 */
export async function listWorkspaceConversations(
  db: Executor,
  workspaceId: string,
  options: { status: ConversationStatus | null; assignee: AssigneeFilter; window: KeysetWindow },
): Promise<Array<Positioned<ConversationModel>>> {
  let query = db
    .selectFrom('conversations')
    .selectAll()
    .select(microsOf('last_activity_at').as('position_micros'))
    .where('workspace_id', '=', workspaceId);
  if (options.status !== null) query = query.where('status', '=', options.status);
  const { assignee } = options;
  if (assignee.kind === 'none') query = query.where('assignee_agent_id', 'is', null);
  if (assignee.kind === 'agent') query = query.where('assignee_agent_id', '=', assignee.agentId);
  const rows = await readWindow(query, 'last_activity_at', 'id', options.window).execute();
  return rows.map(({ position_micros, ...row }) => ({
    row: toConversation(row),
    position: { micros: position_micros, id: row.id },
  }));
}

/**
 * The window of each contact's conversations in the list newest first (id breaks ties), as the
 * window reads them, by contact id (contacts without any are absent). One query for every
 * contact: each reads its own window and stops.
 */
export async function listContactsConversations(
  db: Executor,
  contactIds: readonly string[],
  window: KeysetWindow,
): Promise<Map<string, Array<Positioned<ConversationModel>>>> {
  const byContact = new Map<string, Array<Positioned<ConversationModel>>>();
  if (contactIds.length === 0) return byContact;
  const direction = window.fromEnd ? sql`asc` : sql`desc`;
  const rows = await db
    .selectFrom('contacts')
    .innerJoinLateral(
      (eb) =>
        readWindow(
          eb
            .selectFrom('conversations')
            .selectAll('conversations')
            .select(microsOf('conversations.created_at').as('position_micros'))
            .whereRef('conversations.contact_id', '=', 'contacts.id'),
          'conversations.created_at',
          'conversations.id',
          window,
        ).as('page'),
      (join) => join.onTrue(),
    )
    .selectAll('page')
    .where('contacts.id', 'in', contactIds)
    .orderBy('page.contact_id')
    .orderBy(sql`page.created_at ${direction}`)
    .orderBy(sql`page.id ${direction}`)
    .execute();
  for (const { position_micros, ...row } of rows) {
    if (row.contact_id === null) continue;
    const list = byContact.get(row.contact_id) ?? [];
    list.push({ row: toConversation(row), position: { micros: position_micros, id: row.id } });
    byContact.set(row.contact_id, list);
  }
  return byContact;
}

/** The conversations of each visitor, newest first, by visitor id (those without are absent). */
export async function listVisitorsConversations(
  db: Executor,
  visitorIds: readonly string[],
): Promise<Map<string, ConversationModel[]>> {
  const byVisitor = new Map<string, ConversationModel[]>();
  if (visitorIds.length === 0) return byVisitor;
  const rows = await db
    .selectFrom('conversations')
    .selectAll()
    .where('visitor_id', 'in', visitorIds)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  for (const row of rows) {
    const list = byVisitor.get(row.visitor_id) ?? [];
    list.push(toConversation(row));
    byVisitor.set(row.visitor_id, list);
  }
  return byVisitor;
}

/** The visitor's open conversation, if it has one (it has at most one). */
export async function findOpenConversation(
  db: Executor,
  visitorId: string,
): Promise<ConversationModel | undefined> {
  const row = await db
    .selectFrom('conversations')
    .selectAll()
    .where('visitor_id', '=', visitorId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return row && toConversation(row);
}

/**
 * The contact's open conversation held by one of its visitors verified now (its own devices),
 * the most recently active if several are open: where a verified visitor's message goes, so
 * that a verified person has one thread. Conversations of unverified visitors never qualify,
 * nor those of a visitor whose verification lapsed: it still reads its own conversations, and
 * must not read what the person writes from now on.
 */
export async function findOpenVerifiedConversation(
  db: Executor,
  contactId: string,
): Promise<ConversationModel | undefined> {
  const row = await db
    .selectFrom('conversations')
    .innerJoin('visitors', 'visitors.id', 'conversations.visitor_id')
    .selectAll('conversations')
    .where('conversations.contact_id', '=', contactId)
    .where('conversations.status', '=', 'open')
    .where('visitors.identity_verified', '=', true)
    .where('visitors.identity_verified_until', '>', sql<Date>`now()`)
    .where('visitors.ended_at', 'is', null)
    .orderBy('conversations.last_activity_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && toConversation(row);
}

/** Opens a conversation for the visitor, with the visitor's contact if it has one. */
export async function insertConversation(
  trx: Transaction,
  visitor: { readonly id: string; readonly workspaceId: string; readonly contactId: string | null },
): Promise<ConversationModel> {
  const row = await trx
    .insertInto('conversations')
    .values({
      workspace_id: visitor.workspaceId,
      visitor_id: visitor.id,
      contact_id: visitor.contactId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toConversation(row);
}

/**
 * Gives the visitor's conversations that have no contact yet this one, returning the ids it
 * linked. A statement to continue with: the identify runs it with its contact's upsert.
 */
export function conversationLinking(
  db: Kysely<Database>,
  args: Arguments<{ visitorId: string; contactId: string }>,
) {
  return db
    .updateTable('conversations')
    .set({ contact_id: args.contactId })
    .where('visitor_id', '=', args.visitorId)
    .where('contact_id', 'is', null)
    .returning('id');
}

/** Moves the conversation's last activity to now: a message was just written to it. */
export async function touchConversation(trx: Executor, conversationId: string): Promise<void> {
  await trx
    .updateTable('conversations')
    .set({ last_activity_at: sql`now()` })
    .where('id', '=', conversationId)
    .execute();
}

/** Sets the status of a conversation the caller has locked ({@link lockConversation}). */
export async function updateConversationStatus(
  trx: Transaction,
  conversationId: string,
  status: ConversationStatus,
): Promise<ConversationModel> {
  const row = await trx
    .updateTable('conversations')
    .set({ status })
    .where('id', '=', conversationId)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toConversation(row);
}

/** Gives a conversation the caller has locked ({@link lockConversation}) to an agent, or to no one. */
export async function updateConversationAssignee(
  trx: Transaction,
  conversationId: string,
  agentId: string | null,
): Promise<ConversationModel> {
  const row = await trx
    .updateTable('conversations')
    .set({ assignee_agent_id: agentId })
    .where('id', '=', conversationId)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toConversation(row);
}

/**
 * Loads a conversation of the workspace for a write, taking the locks every writer into a
 * visitor's conversations takes, in the same order: the visitor's row, then its contact's
 * (whose verified visitors replay by seq), then the conversation's. Message seq order then
 * equals commit order for both the visitor and the contact. Unknown or another workspace's
 * conversation: NOT_FOUND.
 */
export async function lockConversation(
  trx: Transaction,
  workspaceId: string,
  conversationId: string,
): Promise<ConversationModel> {
  const found = await trx
    .selectFrom('conversations')
    .select('visitor_id')
    .where('id', '=', conversationId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (found === undefined) throw notFound('conversation');
  await lockVisitor(trx, found.visitor_id);
  // Read again under the visitor's lock: identify may have linked a contact meanwhile.
  const { contact_id } = await trx
    .selectFrom('conversations')
    .select('contact_id')
    .where('id', '=', conversationId)
    .executeTakeFirstOrThrow();
  if (contact_id !== null) await lockContact(trx, contact_id);
  const row = await trx
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', conversationId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return toConversation(row);
}

type ConversationQuery<O> = SelectQueryBuilder<Database, 'conversations', O>;

/** What {@link inScope} filters by: a scope's ids, or where a prepared statement puts them. */
type ScopeFilter =
  | { readonly kind: 'visitor'; readonly visitorId: string | Expression<string> }
  | { readonly kind: 'contact'; readonly contactId: string | Expression<string> };

/**
 * Narrows a query over `conversations` to those a visitor's scope may read: its own, or for a
 * verified visitor its contact's conversations held by verified visitors.
 */
export function inScope<O>(query: ConversationQuery<O>, scope: ScopeFilter): ConversationQuery<O> {
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

function scopeConversationsQuery(db: Kysely<Database>, scope: ScopeFilter) {
  return inScope(db.selectFrom('conversations'), scope)
    .selectAll('conversations')
    .orderBy('conversations.created_at', 'desc')
    .orderBy('conversations.id', 'desc');
}

/** The conversations of each kind of scope: every widget's `visitor` query reads them. */
const scopeConversationsStatements = {
  visitor: prepared('sonny_visitor_conversations', (db, args: Arguments<{ id: string }>) =>
    scopeConversationsQuery(db, { kind: 'visitor', visitorId: args.id }),
  ),
  contact: prepared('sonny_contact_conversations', (db, args: Arguments<{ id: string }>) =>
    scopeConversationsQuery(db, { kind: 'contact', contactId: args.id }),
  ),
};

/** The conversations of the scope, newest first. */
export async function listScopeConversations(
  db: Executor,
  scope: VisitorScope,
): Promise<ConversationModel[]> {
  const { rows } =
    scope.kind === 'visitor'
      ? await scopeConversationsStatements.visitor.execute(db, { id: scope.visitorId })
      : await scopeConversationsStatements.contact.execute(db, { id: scope.contactId });
  return rows.map(toConversation);
}

/** Whether the scope may read this conversation. */
export async function isScopeConversation(
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
